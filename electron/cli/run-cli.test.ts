import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeKneePhantom } from '../common/phantom';
import { readVolume } from '../node/io/read-volume';
import { REPO_ROOT } from '../node/io/test-support/reference-reader';
import { syntheticVolume } from '../node/io/test-support/synthetic-volume';
import { useTempDir } from '../node/io/test-support/temp-dir';
import { writeVolume } from '../node/io/write-volume';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, runCli } from './run-cli';

const temp = useTempDir('cli');

async function iseg(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function labelFile(name: string): Promise<string> {
  const path = join(temp.path, name);
  await writeVolume(syntheticVolume({ componentType: 'uint8', value: (n) => n % 3 }), path);
  return path;
}

describe('command line', () => {
  it('prints the command list and exits 2 without a command', async () => {
    const result = await iseg();
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.err).toMatch(/^Usage: iseg <command>/);
  });

  it('prints help for the tool and for each command', async () => {
    expect((await iseg('--help')).out).toMatch(/info .*\n.*convert/s);
    for (const command of ['info', 'convert', 'simulate-knee', 'bench-io']) {
      const viaFlag = await iseg(command, '--help');
      expect(viaFlag.code).toBe(EXIT_OK);
      expect(viaFlag.out).toMatch(new RegExp(`^Usage: iseg ${command}`));
      expect((await iseg('help', command)).out).toBe(viaFlag.out);
    }
  });

  it.each([
    [
      ['frob'],
      'iseg: unknown command "frob" (commands: info, convert, simulate-knee, bench-io, bench, bench-propagation, propagate, eval-clicks, eval-propagation, eval-interactive, eval-suspects)',
    ],
    [['info', '--bogus', 'x.nii'], "iseg info: unknown option '--bogus'"],
    [['info', 'x.nii', '--json'], "iseg info: option '--json <value>' argument missing"],
    [['info'], 'iseg info: give exactly one image file or DICOM folder'],
    [['convert', 'only-one.nii'], 'iseg convert: give one input and one output path'],
    [['convert', 'l.nii.gz', 'out.nii.gz', '--rtstruct'], 'iseg convert: --rtstruct writes a DICOM file: name the output OUT.dcm'],
    [
      ['convert', 'l.nii.gz', 'out.dcm', '--rtstruct'],
      'iseg convert: writing an RTSTRUCT needs --reference SERIES_FOLDER (the series the labels were drawn on)',
    ],
    [['simulate-knee', '--labels', 'l.nii.gz'], 'iseg simulate-knee: --labels and --out are required'],
    [
      ['simulate-knee', '--labels', 'l.nii.gz', '--out', 'o.nii.gz', '--seed', '1.5'],
      'iseg simulate-knee: --seed must be an integer, not "1.5"',
    ],
    [
      ['simulate-knee', '--labels', 'l.nii.gz', '--out', 'o.nii.gz', '--preset', 'hip'],
      'iseg simulate-knee: --preset must be one of oaizib, clair, spl, not "hip"',
    ],
    [
      ['simulate-knee', '--labels', 'l.nii.gz', '--out', 'o.nii.gz', '--sequence', 'flair'],
      'iseg simulate-knee: --sequence must be one of dess, t1, pd-fs, t2-fs, random, not "flair"',
    ],
    [['bench-io', '--runs', '0'], 'iseg bench-io: --runs must be at least 1'],
  ])('refuses %j with one line and exit code 2', async (argv, message) => {
    const result = await iseg(...argv);
    expect(result).toEqual({ code: EXIT_USAGE, out: '', err: message });
  });

  it('reports a failing command in one line with exit code 1', async () => {
    const result = await iseg('info', join(temp.path, 'nowhere.nii.gz'));
    expect(result).toEqual({
      code: EXIT_FAILED,
      out: '',
      err: 'iseg info: Cannot open nowhere.nii.gz: there is no such file or folder.',
    });
    const corrupt = join(temp.path, 'corrupt.nrrd');
    await writeFile(corrupt, 'NRRD0004\ngarbage');
    expect((await iseg('convert', corrupt, join(temp.path, 'out.nii.gz'))).err).toBe(
      'iseg convert: corrupt.nrrd could not be read as NRRD: the file is corrupt, truncated or in another format.',
    );
  });
});

describe('iseg info', () => {
  it('prints geometry, both orientation conventions and value counts', async () => {
    const result = await iseg('info', await labelFile('labels.nii.gz'));
    expect(result.code).toBe(EXIT_OK);
    expect(result.out).toContain('size         7 × 6 × 5 voxels');
    expect(result.out).toContain('spacing      0.75 × 0.5 × 2.5 mm');
    expect(result.out).toMatch(/orientation {2}PIR: i→P, j→I, k→R .*"from" code: ASL\)/);
    expect(result.out).toContain('voxel type   uint8');
    expect(result.out).toMatch(/values {7}3 distinct\n +0 {2}70 voxels\n +1 {2}70 voxels\n +2 {2}70 voxels/);
  });

  it('writes the same facts as JSON', async () => {
    const jsonPath = join(temp.path, 'info.json');
    expect((await iseg('info', await labelFile('labels2.nrrd'), '--json', jsonPath)).code).toBe(EXIT_OK);
    const info: unknown = JSON.parse(await readFile(jsonPath, 'utf8'));
    expect(info).toMatchObject({
      file: 'labels2.nrrd',
      format: 'NRRD',
      size: [7, 6, 5],
      worldCoordinates: 'LPS',
      orientation: { towards: 'PIR', from: 'ASL' },
      componentType: 'uint8',
      range: [0, 2],
      values: [
        { value: 0, count: 70 },
        { value: 1, count: 70 },
        { value: 2, count: 70 },
      ],
    });
    const printed = await iseg('info', join(temp.path, 'labels2.nrrd'), '--json', '-');
    expect(JSON.parse(printed.out)).toEqual(info);
  });
});

describe('iseg info on NaN and infinite voxels', () => {
  it('gives the range of the finite voxels and says how many are not finite', async () => {
    const path = join(temp.path, 'nan-some.nii.gz');
    const special = [NaN, Infinity, -Infinity];
    await writeVolume(syntheticVolume({ componentType: 'float32', value: (n) => (n < 3 ? (special[n] ?? 0) : n) }), path);
    const result = await iseg('info', path);
    expect(result.code).toBe(EXIT_OK);
    expect(result.out).toContain('value range  3 … 209 (3 NaN or infinite voxels left out)');
  });

  it('says so when no voxel is finite, instead of printing NaN', async () => {
    const path = join(temp.path, 'nan-all.nii.gz');
    await writeVolume(syntheticVolume({ componentType: 'float32', value: () => NaN }), path);
    const result = await iseg('info', path);
    expect(result.code).toBe(EXIT_OK);
    expect(result.out).toContain('value range  none: every voxel is NaN or infinite (210)');
    expect(result.out).not.toContain('NaN …');
  });
});

describe('iseg convert', () => {
  it('converts NIfTI to NRRD keeping geometry and voxels', async () => {
    const source = await labelFile('convert-me.nii.gz');
    const target = join(temp.path, 'converted.nrrd');
    const result = await iseg('convert', source, target);
    expect(result.code).toBe(EXIT_OK);
    expect(result.out).toMatch(
      /^Wrote converted\.nrrd \(7×6×5 uint8\) from convert-me\.nii\.gz \(NIfTI\) in [\d.]+ s\.$/,
    );
    const [a, b] = await Promise.all([readVolume(source), readVolume(target)]);
    expect(b.geometry.size).toEqual(a.geometry.size);
    b.geometry.origin.forEach((v, n) => expect(v).toBeCloseTo(a.geometry.origin[n] ?? NaN, 4));
    expect(Array.from(b.voxels)).toEqual(Array.from(a.voxels));
  });
});

describe('iseg simulate-knee', () => {
  it('writes a simulated image in the label map geometry, the same for the same seed', async () => {
    const { labels } = makeKneePhantom({ size: [40, 40, 24], spacing: [1, 1, 1.5] });
    const labelPath = join(temp.path, 'knee-labels.nii.gz');
    await writeVolume(labels, labelPath);
    const outputs = ['sim-a.nii.gz', 'sim-b.nii.gz'].map((name) => join(temp.path, name));
    for (const out of outputs) {
      const result = await iseg(
        'simulate-knee',
        '--labels',
        labelPath,
        '--out',
        out,
        '--seed',
        '7',
        '--preset',
        'oaizib',
      );
      expect(result.code, result.err).toBe(EXIT_OK);
      expect(result.out).toMatch(/simulated knee MR .*seed 7.*It is a simulated image, not a scan\.$/);
    }
    const [a, b] = await Promise.all(outputs.map((path) => readVolume(path)));
    expect(a?.geometry.size).toEqual([40, 40, 24]);
    expect(Array.from(a?.voxels ?? [])).toEqual(Array.from(b?.voxels ?? []));
  });
});

describe('iseg bench-io', () => {
  it('times a given image and writes the figures as JSON', async () => {
    const image = join(temp.path, 'bench.nii.gz');
    await writeVolume(syntheticVolume({ size: [32, 32, 16] }), image);
    const jsonPath = join(temp.path, 'bench.json');
    const result = await iseg('bench-io', image, '--runs', '1', '--json', jsonPath);
    expect(result.code, result.err).toBe(EXIT_OK);
    expect(result.out).toMatch(/^load +[\d.]+ s \(best/m);
    const figures: unknown = JSON.parse(await readFile(jsonPath, 'utf8'));
    expect(figures).toMatchObject({ image: { file: 'bench.nii.gz', synthetic: false, size: [32, 32, 16] } });
    expect(figures).toHaveProperty('load.0.wall');
    expect(figures).toHaveProperty('labelWrite.niftiGz.0.cpu');
    expect(figures).toHaveProperty('peakRssMiB');
    expect(result.out).toMatch(/^peak RSS .* MiB \([\d.]+×\) above the \d+ MiB the process held before reading$/m);
    const { peakRssMiB, baselineRssMiB } = figures as { peakRssMiB: number; baselineRssMiB: number };
    expect(baselineRssMiB).toBeGreaterThan(0);
    expect(baselineRssMiB).toBeLessThanOrEqual(peakRssMiB);
  });
});

const built = join(REPO_ROOT, 'dist', 'electron', 'cli.js');

describe.skipIf(!existsSync(built))(
  `the built iseg binary${existsSync(built) ? '' : ' (skipped: run npm run build first)'}`,
  () => {
    const run = promisify(execFile);
    async function exitOf(...args: string[]): Promise<{ code: number; stderr: string }> {
      try {
        await run(process.execPath, [join(REPO_ROOT, 'bin', 'iseg.js'), ...args]);
        return { code: 0, stderr: '' };
      } catch (error) {
        const failure = error as { code?: number; stderr?: string };
        return { code: failure.code ?? -1, stderr: failure.stderr ?? '' };
      }
    }

    it('exits 2 on a bad command line and 1 on a bad file, with one line on stderr', async () => {
      expect((await exitOf('frob')).code).toBe(2);
      const bad = join(temp.path, 'bad.mha');
      await writeFile(
        bad,
        'ObjectType = Image\nNDims = 3\nDimSize = 10 10 10\nElementType = MET_SHORT\nElementDataFile = LOCAL\nshort',
      );
      const result = await exitOf('info', bad);
      expect(result).toEqual({
        code: 1,
        stderr:
          'iseg info: bad.mha could not be read as MetaImage: the file is corrupt, truncated or in another format.\n',
      });
    });
  },
);
