/**
 * DICOM SEG round trip on the shared knee DICOM series (../shared/data/knee/pykneer-dess01), through
 * the `iseg convert` command: labels → SEG → labels must give back every voxel on the series' grid,
 * with segment names and colours. dcmtk's dcmdump (Debian package dcmtk), an independent reader,
 * confirms that each SEG frame lies at the position of a series slice holding that segment.
 */
import { execFile, spawnSync } from 'node:child_process';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexToWorld, type Vec3, type Volume } from '../../common/volume';
import { readDicomSeg, seriesReferenceFiles } from '../../node/io/dicom-seg';
import { readDicomSeries } from '../../node/io/dicom-series';
import { readVolume } from '../../node/io/read-volume';
import { SHARED_DATA, sharedDataMissingReason } from '../../node/io/test-support/reference-reader';
import { segShapes } from '../../node/io/test-support/seg-shapes';
import { serviceErrorOf } from '../../node/io/test-support/service-error';
import { useTempDir } from '../../node/io/test-support/temp-dir';
import { writeLabelMap } from '../../node/io/write-label-map';
import { runCli } from '../run-cli';

const SERIES = join(SHARED_DATA, 'knee', 'pykneer-dess01');
const DCMDUMP = process.env.ISEG_DCMDUMP ?? '/usr/bin/dcmdump';
const run = promisify(execFile);

function dcmdumpMissingReason(): string | undefined {
  const probe = spawnSync(DCMDUMP, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `skipped: dcmtk's dcmdump is not at ${DCMDUMP} (apt-get install dcmtk, or set ISEG_DCMDUMP)`;
}

const missing = sharedDataMissingReason() ?? dcmdumpMissingReason();
const temp = useTempDir('dicom-seg');

const LABELS = [
  { value: 1, name: 'Femur', color: [230, 200, 120] as [number, number, number] },
  { value: 2, name: 'Femoral cartilage', color: [80, 160, 250] as [number, number, number] },
  { value: 3, name: 'Tibia', color: [240, 120, 80] as [number, number, number] },
];

/** Every value of `tag` that dcmdump prints for `files`, in order. */
async function dcmdumpValues(tag: string, files: readonly string[]): Promise<string[]> {
  const { stdout } = await run(DCMDUMP, ['+P', tag, ...files], { maxBuffer: 64 << 20 });
  return [...stdout.matchAll(/^\(\w{4},\w{4}\) \w\w (?:\[([^\]]*)\]|(\S+))/gm)].map((m) => m[1] ?? m[2] ?? '');
}

function position(text: string): Vec3 {
  const [x = NaN, y = NaN, z = NaN] = text.split('\\').map(Number);
  return [x, y, z];
}

function distance(a: Vec3, b: Vec3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

async function iseg(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe.skipIf(missing !== undefined)(`DICOM SEG round trip on the knee DICOM series ${missing ?? ''}`, () => {
  let series: Volume;
  let labels: Uint8Array;
  let labelsPath: string;
  let segPath: string;

  beforeAll(async () => {
    series = await readDicomSeries(SERIES);
    labels = segShapes(series.geometry.size);
    labelsPath = join(temp.path, 'knee.labels.nii.gz');
    segPath = join(temp.path, 'knee.seg.dcm');
    await writeLabelMap(labelsPath, {
      voxels: labels,
      geometry: series.geometry,
      labels: LABELS,
      provenance: { app: { name: 'test', version: '0' }, created: new Date().toISOString(), sourceImage: 'pykneer-dess01', models: [], clicks: 0 },
    });
  }, 60_000);

  it('writes a SEG with `iseg convert LABELS OUT.dcm --reference SERIES`', async () => {
    const result = await iseg('convert', labelsPath, segPath, '--reference', SERIES);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Wrote DICOM SEG knee\.seg\.dcm referencing 80 files of pykneer-dess01: segments 1 "Femur", 2 "Femoral cartilage", 3 "Tibia"; in [\d.]+ s\.$/);
  }, 60_000);

  it('puts each frame at a series slice holding its segment, as dcmdump reads it', async () => {
    const [sopClass] = await dcmdumpValues('0008,0016', [segPath]);
    expect(sopClass).toBe('=SegmentationStorage');
    const frames = Number((await dcmdumpValues('0028,0008', [segPath]))[0]);
    const framePositions = (await dcmdumpValues('0020,0032', [segPath])).map(position);
    const frameSegments = (await dcmdumpValues('0062,000b', [segPath])).map(Number);
    expect(framePositions).toHaveLength(frames);
    expect(frameSegments).toHaveLength(frames);

    // The series' own slice positions, read by dcmdump from its files.
    const files = await seriesReferenceFiles(SERIES);
    const slicePositions = (await dcmdumpValues('0020,0032', files)).map(position);
    expect(slicePositions).toHaveLength(80);

    const [nx, ny, nz] = series.geometry.size;
    const expected: string[] = [];
    for (const { value } of LABELS)
      for (let k = 0; k < nz; k++) {
        const slice = labels.subarray(k * nx * ny, (k + 1) * nx * ny);
        if (slice.includes(value)) expected.push(`${value}@${k}`);
      }
    const found = framePositions.map((p, f) => {
      const k = [...Array(nz).keys()].find((s) => distance(p, indexToWorld(series.geometry, [0, 0, s])) < 1e-3);
      // The frame is at a position the series' file headers hold, not only one our geometry predicts.
      expect(slicePositions.some((s) => distance(s, p) < 1e-3)).toBe(true);
      return `${frameSegments[f] ?? NaN}@${k ?? 'none'}`;
    });
    expect(found.sort()).toEqual(expected.sort());
  }, 60_000);

  it('codes each segment with SNOMED CT (PS3.16): the femur and tibia by name, the cartilage as generic tissue, as dcmdump reads them', async () => {
    const { stdout } = await run(DCMDUMP, [segPath], { maxBuffer: 64 << 20 });
    const coded: string[] = [];
    let sequence: 'category' | 'type' | undefined;
    let label = '';
    for (const [, tag, value] of stdout.matchAll(/^\s*\((\w{4},\w{4})\) \w\w (?:\[([^\]]*)\]|\S+)/gm)) {
      if (tag === '0062,0003') sequence = 'category';
      else if (tag === '0062,000f') sequence = 'type';
      else if (tag?.startsWith('0062,')) sequence = undefined;
      if (tag === '0062,0005') label = value ?? '';
      if (tag === '0008,0100' && sequence !== undefined) coded.push(`${sequence} ${value ?? ''}`);
      if (tag === '0008,0102' && sequence !== undefined) expect(value).toBe('SCT');
      if (tag === '0008,0104' && sequence === 'type') coded.push(`${label}: ${value ?? ''}`);
    }
    expect(coded).toEqual([
      'category 91723000',
      'type 71341001',
      'Femur: Femur',
      'category 85756007',
      'type 85756007',
      'Femoral cartilage: Tissue',
      'category 91723000',
      'type 12611008',
      'Tibia: Tibia',
    ]);
  }, 60_000);

  it('reads the SEG back onto the series grid with `iseg convert SEG.dcm OUT.nii.gz --reference SERIES`: every voxel, the geometry, names and colours', async () => {
    const back = join(temp.path, 'back.nii.gz');
    const result = await iseg('convert', segPath, back, '--reference', SERIES);
    expect(result.err).toBe('');
    expect(result.out).toMatch(/^Wrote back\.nii\.gz from DICOM SEG knee\.seg\.dcm on the grid of pykneer-dess01 \(512×512×80\): 1 "Femur", 2 "Femoral cartilage", 3 "Tibia"/);
    const read = await readVolume(back);
    expect(read.geometry.size).toEqual(series.geometry.size);
    read.geometry.spacing.forEach((s, n) => expect(s).toBeCloseTo(series.geometry.spacing[n] ?? NaN, 4));
    read.geometry.origin.forEach((o, n) => expect(o).toBeCloseTo(series.geometry.origin[n] ?? NaN, 3));
    read.geometry.direction.forEach((d, n) => expect(d).toBeCloseTo(series.geometry.direction[n] ?? NaN, 5));
    let differing = 0;
    for (let n = 0; n < labels.length; n++) if (read.voxels[n] !== labels[n]) differing++;
    expect(differing).toBe(0);

    const seg = await readDicomSeg(segPath, series.geometry);
    expect(seg.segments).toEqual(LABELS);
    expect(seg.labels.geometry).toBe(series.geometry);
  }, 60_000);

  it('renumbers label values that are not 1…N, says so, and restores them on reading', async () => {
    const sparse = labels.map((v) => (v === 0 ? 0 : v === 1 ? 4 : 9));
    const path = join(temp.path, 'sparse.nii.gz');
    await writeLabelMap(path, { voxels: sparse, geometry: series.geometry, labels: [], provenance: { app: { name: 't', version: '0' }, created: new Date().toISOString(), sourceImage: 'x', models: [], clicks: 0 } });
    const result = await iseg('convert', path, join(temp.path, 'sparse.dcm'), '--reference', SERIES);
    expect(result.out).toMatch(/segments 1 "Segment 4" \(label 4\), 2 "Segment 9" \(label 9\)/);
    // The tracking ids bring the label values back.
    const back = await readDicomSeg(join(temp.path, 'sparse.dcm'), series.geometry);
    expect(back.segments.map((seg) => seg.value)).toEqual([4, 9]);
    let differing = 0;
    for (let n = 0; n < sparse.length; n++) if (back.labels.voxels[n] !== sparse[n]) differing++;
    expect(differing).toBe(0);
  }, 60_000);

  it('refuses, in one sentence each, a non-SEG .dcm, a non-DICOM file, and a SEG read onto another grid', async () => {
    const [firstSlice] = await seriesReferenceFiles(SERIES);
    const notSeg = join(temp.path, 'slice.dcm');
    await copyFile(firstSlice ?? '', notSeg);
    expect((await serviceErrorOf(readDicomSeg(notSeg))).message).toBe(
      'slice.dcm is a DICOM MR object, not a DICOM SEG (segmentation); open an image series as an image instead.',
    );
    const text = join(temp.path, 'notes.dcm');
    await writeFile(text, 'not DICOM at all');
    expect((await serviceErrorOf(readDicomSeg(text))).message).toBe('notes.dcm is not a DICOM file, so it cannot be read as a DICOM SEG.');

    const g = series.geometry;
    const halfSliceOff = { ...g, origin: indexToWorld(g, [0, 0, 0.5]) };
    const mismatch = await serviceErrorOf(readDicomSeg(segPath, halfSliceOff));
    expect(mismatch.code).toBe('geometry-mismatch');
    expect(mismatch.message).toMatch(/^knee\.seg\.dcm does not fit the series it is read onto: its first frame lies between the series' voxels \(at series index .*\)\.$/);
    const thinner = await serviceErrorOf(readDicomSeg(segPath, { ...g, spacing: [g.spacing[0], g.spacing[1], 0.75] }));
    expect(thinner.message).toMatch(/not drawn on this series' grid/);

    const noReference = await iseg('convert', labelsPath, join(temp.path, 'x.dcm'));
    expect(noReference.code).toBe(2);
    expect(noReference.err).toMatch(/needs --reference SERIES_FOLDER/);
  }, 60_000);
});
