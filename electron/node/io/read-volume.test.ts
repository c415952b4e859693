import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeImageNode } from '@itk-wasm/image-io';
import { Image, ImageType } from 'itk-wasm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMPONENT_TYPES, IDENTITY_DIRECTION, type ComponentType, type Volume } from '../../common/volume';
import { readVolume } from './read-volume';
import { serviceErrorOf } from './test-support/service-error';
import { syntheticVolume } from './test-support/synthetic-volume';
import { useTempDir } from './test-support/temp-dir';
import { writeVolume } from './write-volume';

const temp = useTempDir('read');

function expectSameVolume(actual: Volume, expected: Volume, checkDirection = true): void {
  expect(actual.componentType).toBe(expected.componentType);
  expect(actual.geometry.size).toEqual(expected.geometry.size);
  // NIfTI and MGH keep geometry in float32.
  actual.geometry.spacing.forEach((v, n) => expect(v).toBeCloseTo(expected.geometry.spacing[n] ?? NaN, 5));
  actual.geometry.origin.forEach((v, n) => expect(v).toBeCloseTo(expected.geometry.origin[n] ?? NaN, 4));
  if (checkDirection)
    actual.geometry.direction.forEach((v, n) =>
      expect(v).toBeCloseTo(expected.geometry.direction[n] ?? NaN, 5),
    );
  expect(Array.from(actual.voxels)).toEqual(Array.from(expected.voxels));
  expect(actual.voxels.buffer).toBeInstanceOf(ArrayBuffer);
}

describe('write → read round trip', () => {
  const allTypes: readonly ComponentType[] = COMPONENT_TYPES;
  it.each([
    ['.nii.gz', allTypes],
    ['.nii', allTypes],
    ['.nrrd', allTypes],
    ['.mha', allTypes],
    ['.mgz', ['uint8', 'int16', 'int32', 'float32'] as ComponentType[]],
  ])('keeps geometry (oblique direction), type and voxels in %s', async (extension, types) => {
    for (const componentType of types) {
      const signed = !componentType.startsWith('u');
      const fraction = componentType.startsWith('float') ? 0.25 : 0;
      const volume = syntheticVolume({
        componentType,
        value: (n) => (signed && n % 2 === 1 ? -1 : 1) * ((n * 37) % 101) + fraction,
      });
      const path = join(temp.path, `round-${componentType}${extension}`);
      await writeVolume(volume, path);
      expectSameVolume(await readVolume(path), volume);
    }
  });

  it('keeps size, spacing, origin and voxels in GIPL (which stores no direction)', async () => {
    const volume = syntheticVolume({ direction: IDENTITY_DIRECTION });
    const path = join(temp.path, 'round.gipl.gz');
    await writeVolume(volume, path);
    expectSameVolume(await readVolume(path), volume);
  });

  it('keeps the detached data file of a MetaImage .mhd next to its header', async () => {
    const volume = syntheticVolume();
    const path = join(temp.path, 'detached.mhd');
    await writeVolume(volume, path);
    expectSameVolume(await readVolume(path), volume);
  });
});

/** Writes an itk-wasm image the app itself would never produce (2D, 4D, RGB…). */
async function writeItkImage(
  name: string,
  dimension: number,
  size: number[],
  components = 1,
  pixelType: 'Scalar' | 'RGB' | 'Vector' = 'Scalar',
): Promise<string> {
  const image = new Image(new ImageType(dimension, 'uint8', pixelType, components));
  image.size = size;
  image.spacing = size.map(() => 1);
  image.origin = size.map(() => 0);
  image.direction = Float64Array.from({ length: dimension * dimension }, (_, n) =>
    n % (dimension + 1) === 0 ? 1 : 0,
  );
  image.data = new Uint8Array(size.reduce((a, b) => a * b, components)).fill(3);
  const path = join(temp.path, name);
  await writeImageNode(image, path);
  return path;
}

/** A NIfTI-1 header claiming 30000³ int16 voxels, followed by a few bytes: too big to be real. */
async function absurdNifti(name: string): Promise<string> {
  const header = new DataView(new ArrayBuffer(352));
  header.setInt32(0, 348, true);
  [3, 30000, 30000, 30000, 1, 1, 1, 1].forEach((d, n) => header.setInt16(40 + 2 * n, d, true));
  header.setInt16(70, 4, true);
  header.setInt16(72, 16, true);
  for (let n = 0; n < 8; n++) header.setFloat32(76 + 4 * n, 1, true);
  header.setFloat32(108, 352, true);
  new Uint8Array(header.buffer).set(new TextEncoder().encode('n+1\0'), 344);
  const path = join(temp.path, name);
  await writeFile(path, Buffer.concat([new Uint8Array(header.buffer), new Uint8Array(1000)]));
  return path;
}

async function goodFile(name: string): Promise<string> {
  const path = join(temp.path, name);
  await writeVolume(syntheticVolume({ size: [40, 30, 20], value: (n) => (n * 7919) % 3001 }), path);
  return path;
}

async function truncated(name: string, keep = 0.6): Promise<string> {
  const source = await goodFile(`whole-${name}`);
  const bytes = await readFile(source);
  const path = join(temp.path, name);
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * keep)));
  return path;
}

const readError = (path: string) => serviceErrorOf(readVolume(path));

/** One sentence: no line breaks, no stack frames, ends with a full stop. */
function expectOneSentence(message: string): void {
  expect(message).not.toMatch(/\n|\bat .+:\d+/);
  expect(message).toMatch(/\.$/);
}

describe('bad files give one sentence naming the file', () => {
  const printed: unknown[][] = [];
  const spies = (['log', 'error', 'warn'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args)),
  );
  afterEach(() => {
    // ITK's complaints must not leak to the terminal, nor its exit status to the process.
    expect(printed).toEqual([]);
    expect(process.exitCode ?? 0).toBe(0);
    spies.forEach((spy) => spy.mockClear());
  });

  it.each([
    [
      'missing file',
      () => Promise.resolve(join(temp.path, 'nowhere.nii.gz')),
      'not-found',
      'Cannot open nowhere.nii.gz: there is no such file or folder.',
    ],
    [
      'empty file',
      async () => {
        const p = join(temp.path, 'empty.nii.gz');
        await writeFile(p, '');
        return p;
      },
      'unreadable',
      'empty.nii.gz is empty.',
    ],
    [
      'unsupported format',
      async () => {
        const p = join(temp.path, 'scan.xyz');
        await writeFile(p, 'data');
        return p;
      },
      'unreadable',
      /^scan\.xyz is not in a supported image format \(supported: \.nii\.gz, .*DICOM\)\.$/,
    ],
    [
      'text file named .nii',
      async () => {
        const p = join(temp.path, 'notes.nii');
        await writeFile(p, 'these are my notes, not an image\n'.repeat(20));
        return p;
      },
      'unreadable',
      'notes.nii could not be read as NIfTI: the file is corrupt, truncated or in another format.',
    ],
    [
      'text file named .nrrd',
      async () => {
        const p = join(temp.path, 'notes.nrrd');
        await writeFile(p, 'hello');
        return p;
      },
      'unreadable',
      'notes.nrrd could not be read as NRRD: the file is corrupt, truncated or in another format.',
    ],
    [
      'gzip of text named .nii.gz',
      async () => {
        const p = join(temp.path, 'text.nii.gz');
        await writeFile(p, gzipSync('not an image at all'));
        return p;
      },
      'unreadable',
      'text.nii.gz could not be read as NIfTI: the file is corrupt, truncated or in another format.',
    ],
    [
      'corrupt gzip stream',
      async () => {
        const bytes = Buffer.from(await readFile(await goodFile('whole-corrupt.nii.gz')));
        for (let n = Math.floor(bytes.length / 2); n < bytes.length - 20; n += 7)
          bytes[n] = (bytes[n] ?? 0) ^ 0x5a;
        const p = join(temp.path, 'corrupt.nii.gz');
        await writeFile(p, bytes);
        return p;
      },
      'unreadable',
      'corrupt.nii.gz is corrupt: its compressed data is damaged.',
    ],
    [
      'truncated .nii.gz',
      () => truncated('cut.nii.gz'),
      'unreadable',
      'cut.nii.gz is truncated: its compressed data ends early.',
    ],
    [
      'truncated .nii',
      () => truncated('cut.nii'),
      'unreadable',
      /^cut\.nii is truncated: it has \d+ bytes where its header describes 48352\.$/,
    ],
    [
      'truncated .nrrd',
      () => truncated('cut.nrrd'),
      'unreadable',
      'cut.nrrd could not be read as NRRD: the file is corrupt, truncated or in another format.',
    ],
    [
      'truncated .mha',
      () => truncated('cut.mha'),
      'unreadable',
      'cut.mha could not be read as MetaImage: the file is corrupt, truncated or in another format.',
    ],
    [
      'truncated .mgz',
      () => truncated('cut.mgz'),
      'unreadable',
      'cut.mgz is truncated: its compressed data ends early.',
    ],
    [
      'truncated .gipl',
      () => truncated('cut.gipl'),
      'unreadable',
      /^cut\.gipl is truncated: it has \d+ bytes where its header describes 48256\.$/,
    ],
    [
      'header claiming an impossible size',
      () => absurdNifti('huge.nii'),
      'unreadable',
      // Refused from the header, before anything is allocated (it once took gigabytes and seconds).
      /^huge\.nii declares 30000×30000×30000 voxels \(54\.0 TB\), more than the .+ iSeg allows one image now \(a quarter of free memory, at most 2 GiB\)\.$/,
    ],
    [
      '2D image',
      () => writeItkImage('flat.nii.gz', 2, [8, 9]),
      'unreadable',
      'flat.nii.gz is a 2D image (8×9); iSeg needs a 3D volume.',
    ],
    [
      'single slice',
      () => writeItkImage('slice.nrrd', 3, [8, 9, 1]),
      'unreadable',
      'slice.nrrd is a single 2D slice (8×9×1); iSeg needs a 3D volume.',
    ],
    [
      '4D image',
      () => writeItkImage('series.nii.gz', 4, [8, 9, 10, 3]),
      'unreadable',
      'series.nii.gz is a 4D image (8×9×10×3); iSeg opens 3D volumes only, so split it into 3D volumes first.',
    ],
    [
      'RGB image',
      () => writeItkImage('colour.nii.gz', 3, [8, 9, 10], 3, 'RGB'),
      'unreadable',
      'colour.nii.gz has 3 components per voxel (RGB); iSeg opens single-component (grayscale) volumes only.',
    ],
    [
      'vector image',
      () => writeItkImage('field.nrrd', 3, [8, 9, 10], 2, 'Vector'),
      'unreadable',
      'field.nrrd has 2 components per voxel (Vector); iSeg opens single-component (grayscale) volumes only.',
    ],
  ] as const)('%s', async (_case, make, code, message) => {
    const error = await readError(await make());
    expect(error.code).toBe(code);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
    expectOneSentence(error.message);
  });

  it('reads a good file after a failed one (the ITK module survives its exception)', async () => {
    await readError(await truncated('cut-again.nrrd'));
    const path = await goodFile('after-failure.nrrd');
    expect((await readVolume(path)).geometry.size).toEqual([40, 30, 20]);
  });

  it('treats a folder as a DICOM series', async () => {
    const folder = join(temp.path, 'empty-folder');
    await mkdir(folder);
    expect((await readError(folder)).message).toBe('The folder empty-folder holds no DICOM images.');
  });
});
