import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { niftiReadImageNode } from '@itk-wasm/image-io';
import { afterAll, describe, expect, it } from 'vitest';
import { indexToWorldAffine, type Volume, type VolumeGeometry } from '../../common/volume';
import { summarizeVoxels, VoxelSummarizer } from '../../common/volume-stats';
import { readNiftiHeader } from './nifti-header';
import { niftiLayout, swapBytes } from './nifti-voxels';
import { readNifti } from './read-nifti';
import { readVolume } from './read-volume';
import { readWithReference, referenceMissingReason } from './test-support/reference-reader';

const dir = mkdtempSync(join(tmpdir(), 'iseg-nifti-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface HeaderSpec {
  littleEndian: boolean;
  datatype: number;
  bitpix: number;
  dims: number[];
  slope?: number;
  intercept?: number;
  /** Orientation; default: qform code 1, identity rotation, offset (10, -20, 30). */
  orientation?: Orientation;
}

interface Orientation {
  qformCode: number;
  sformCode: number;
  /** quatern_b, c, d. */
  quatern?: [number, number, number];
  qoffset?: [number, number, number];
  /** pixdim[0]: −1 flips k in the qform. */
  qfac?: number;
  srow?: [number[], number[], number[]];
  pixdim?: [number, number, number];
}

/** A NIfTI-1 single file (.nii) made byte by byte, so byte order and scaling are under test control. */
function nifti1(spec: HeaderSpec, voxels: (view: DataView, index: number) => void): Uint8Array {
  const count = spec.dims.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(352 + (count * spec.bitpix) / 8);
  const view = new DataView(bytes.buffer);
  const le = spec.littleEndian;
  view.setInt32(0, 348, le);
  view.setInt16(40, spec.dims.length, le);
  spec.dims.forEach((d, n) => view.setInt16(42 + 2 * n, d, le));
  for (let n = spec.dims.length; n < 7; n++) view.setInt16(42 + 2 * n, 1, le);
  view.setInt16(70, spec.datatype, le);
  view.setInt16(72, spec.bitpix, le);
  const o = spec.orientation ?? { qformCode: 1, sformCode: 0 };
  [o.qfac ?? 1, ...(o.pixdim ?? [0.5, 0.75, 2])].forEach((p, n) => view.setFloat32(76 + 4 * n, p, le));
  view.setFloat32(108, 352, le);
  view.setFloat32(112, spec.slope ?? 1, le);
  view.setFloat32(116, spec.intercept ?? 0, le);
  view.setUint8(123, 2); // xyzt_units: millimetres
  view.setInt16(252, o.qformCode, le);
  view.setInt16(254, o.sformCode, le);
  (o.quatern ?? [0, 0, 0]).forEach((q, n) => view.setFloat32(256 + 4 * n, q, le));
  (o.qoffset ?? [10, -20, 30]).forEach((q, n) => view.setFloat32(268 + 4 * n, q, le));
  (o.srow ?? [[], [], []]).forEach((row, r) => row.forEach((x, c) => view.setFloat32(280 + 16 * r + 4 * c, x, le)));
  bytes.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  for (let i = 0; i < count; i++) voxels(view, i);
  return bytes;
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
  return path;
}

/** What readNifti makes of a file (undefined: left to ITK's full read). */
async function readOwn(path: string, maxContentBytes = 1 << 30, summarizer?: VoxelSummarizer): Promise<Volume | undefined> {
  const raw = readFileSync(path);
  const gzip = raw[0] === 0x1f;
  const head = gzip ? gunzipSync(raw) : raw;
  return readNifti(path, basename(path), head.subarray(0, 65536), gzip, maxContentBytes, summarizer);
}

async function itkGeometry(path: string): Promise<VolumeGeometry> {
  const { image } = await niftiReadImageNode(path);
  const [a, b, c] = image.size;
  const d = Array.from(image.direction, Number);
  return {
    size: [a ?? 0, b ?? 0, c ?? 0],
    spacing: [image.spacing[0] ?? NaN, image.spacing[1] ?? NaN, image.spacing[2] ?? NaN],
    origin: [image.origin[0] ?? NaN, image.origin[1] ?? NaN, image.origin[2] ?? NaN],
    direction: [d[0] ?? NaN, d[1] ?? NaN, d[2] ?? NaN, d[3] ?? NaN, d[4] ?? NaN, d[5] ?? NaN, d[6] ?? NaN, d[7] ?? NaN, d[8] ?? NaN],
  };
}

function expectSameGeometry(actual: VolumeGeometry, expected: VolumeGeometry, label: string): void {
  expect(actual.size, label).toEqual(expected.size);
  actual.spacing.forEach((v, n) => expect(v, `${label} spacing ${n}`).toBeCloseTo(expected.spacing[n] ?? NaN, 5));
  actual.origin.forEach((v, n) => expect(v, `${label} origin ${n}`).toBeCloseTo(expected.origin[n] ?? NaN, 4));
  actual.direction.forEach((v, n) => expect(v, `${label} direction ${n}`).toBeCloseTo(expected.direction[n] ?? NaN, 5));
}

const S = Math.SQRT1_2;
/** Orientations ITK and nibabel must read as this reader does: flipped, oblique, sform-only, both. */
const ORIENTATIONS: Record<string, Orientation> = {
  'qform identity': { qformCode: 1, sformCode: 0 },
  'qform flipped k (qfac −1)': { qformCode: 1, sformCode: 0, qfac: -1 },
  'qform 90° about z': { qformCode: 1, sformCode: 0, quatern: [0, 0, S] },
  'qform oblique': { qformCode: 1, sformCode: 0, quatern: [0.1, -0.2, 0.3], qoffset: [-5.5, 7.25, 100] },
  'qform 180° about x': { qformCode: 1, sformCode: 0, quatern: [1, 0, 0] },
  'sform only, flipped i and permuted': {
    qformCode: 0,
    sformCode: 2,
    srow: [[-0.5, 0, 0, 12], [0, 0, 2, -8], [0, 0.75, 0, 3]],
  },
  'sform scanner with a different qform': {
    qformCode: 1,
    sformCode: 1,
    quatern: [0, 0, 0],
    srow: [[0, -0.75, 0, 1], [0.5, 0, 0, 2], [0, 0, 2, 3]],
  },
  'sform aligned agreeing with its qform': {
    qformCode: 1,
    sformCode: 2,
    quatern: [0, 0, S],
    qoffset: [1, 2, 3],
    srow: [[0, -0.75, 0, 1], [0.5, 0, 0, 2], [0, 0, 2, 3]],
  },
};

describe('NIfTI geometry read from the header alone', () => {
  const files = Object.entries(ORIENTATIONS).map(([label, orientation], n) => {
    const spec = { littleEndian: true, datatype: 2, bitpix: 8, dims: [4, 3, 2], orientation };
    return { label, path: write(`orient-${n}.nii`, nifti1(spec, (v, i) => v.setUint8(352 + i, i))) };
  });

  it.each(files.map((f) => [f.label, f.path] as const))('%s: as ITK reads it', async (label, path) => {
    const own = await readOwn(path);
    expect(own, `${label} is read here, not left to ITK`).toBeDefined();
    if (own) expectSameGeometry(own.geometry, await itkGeometry(path), label);
  });

  const noNibabel = referenceMissingReason();
  it.skipIf(noNibabel !== undefined)(`every orientation: as nibabel reads it ${noNibabel ?? ''}`, async () => {
    const references = await readWithReference(files.map((f) => f.path));
    for (const [n, file] of files.entries()) {
      const own = await readOwn(file.path);
      const affine = own ? indexToWorldAffine(own.geometry, 'RAS') : [];
      const expected = references[n]?.affine.flat() ?? [];
      expected.forEach((x, at) => expect(affine[at], `${file.label}: affine element ${at}`).toBeCloseTo(x, 4));
    }
  });

  it('leaves to ITK what it does not reproduce: Analyze orientation, a sheared sform, metres', async () => {
    const sheared = { qformCode: 0, sformCode: 2, srow: [[1, 0.5, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]] as [number[], number[], number[]] };
    for (const [label, orientation] of [
      ['no qform, no sform', { qformCode: 0, sformCode: 0 }],
      ['sheared sform', sheared],
    ] as const) {
      const spec = { littleEndian: true, datatype: 2, bitpix: 8, dims: [4, 3, 2], orientation };
      const path = write(`${label.replace(/\W/g, '-')}.nii`, nifti1(spec, (v, i) => v.setUint8(352 + i, i)));
      expect(await readOwn(path), label).toBeUndefined();
    }
    const metres = nifti1({ littleEndian: true, datatype: 2, bitpix: 8, dims: [4, 3, 2] }, (v, i) => v.setUint8(352 + i, i));
    metres[123] = 1;
    expect(await readOwn(write('metres.nii', metres))).toBeUndefined();
    expect(readNiftiHeader(metres)?.xyztUnits).toBe(1);
  });
});

describe('NIfTI voxels read with one inflate', () => {
  it('reads little- and big-endian int16 and float32 exactly as ITK does', async () => {
    const dims = [5, 4, 3];
    for (const littleEndian of [true, false]) {
      for (const [datatype, bitpix, put] of [
        [4, 16, (v: DataView, i: number) => v.setInt16(352 + 2 * i, i * 37 - 200, littleEndian)],
        [16, 32, (v: DataView, i: number) => v.setFloat32(352 + 4 * i, i / 3 - 5, littleEndian)],
      ] as const) {
        const path = write(`t${datatype}-${littleEndian ? 'le' : 'be'}.nii.gz`, nifti1({ littleEndian, datatype, bitpix, dims }, put));
        const fast = await readOwn(path);
        expect(fast).toBeDefined();
        if (!fast) continue;
        const itk = (await niftiReadImageNode(path)).image;
        expect(fast.componentType).toBe(itk.imageType.componentType);
        expect([...fast.voxels]).toEqual([...(itk.data as Int16Array | Float32Array)]);
        expectSameGeometry(fast.geometry, await itkGeometry(path), path);
        expect(fast.voxels.buffer.byteLength).toBe(fast.voxels.byteLength); // owned, transferable
      }
    }
  });

  it('counts the summary while inflating, across chunks, but not of voxels it must still byte-swap', async () => {
    // 64×64×80 float32 = 1.25 MiB: more than one of the inflater's 1 MiB chunks, split mid-voxel.
    const dims = [64, 64, 80];
    const value = (i: number) => (i === 7 ? NaN : i === 300_001 ? -Infinity : Math.sin(i) * 1000 + (i === 327_000 ? 5000 : 0));
    for (const littleEndian of [true, false]) {
      const path = write(`summary-${littleEndian ? 'le' : 'be'}.nii.gz`, nifti1({ littleEndian, datatype: 16, bitpix: 32, dims }, (v, i) => v.setFloat32(352 + 4 * i, value(i), littleEndian)));
      const summarizer = new VoxelSummarizer();
      const volume = await readOwn(path, 1 << 30, summarizer);
      if (!volume) throw new Error('readNifti left a plain float32 file to ITK');
      expect(summarizer.covered).toBe(littleEndian ? volume.voxels.length : 0);
      summarizer.addUpTo(volume.voxels, volume.voxels.length);
      expect(summarizer.summary).toEqual(summarizeVoxels(volume.voxels));
      expect(summarizer.summary.nonFinite).toBe(2);
      expect(summarizer.summary.range[1]).toBeCloseTo(Math.fround(value(327_000)), 1);
    }
  });

  it('leaves scaled intensities to ITK, which applies them', async () => {
    const spec = { littleEndian: true, datatype: 4, bitpix: 16, dims: [3, 3, 2], slope: 2, intercept: 1 };
    const path = write('scaled.nii', nifti1(spec, (v, i) => v.setInt16(352 + 2 * i, i, true)));
    expect(niftiLayout(readNiftiHeader(nifti1(spec, () => undefined)))).toBeUndefined();
    expect(await readOwn(path)).toBeUndefined();
    const volume = await readVolume(path);
    expect(volume.voxels[5]).toBe(11);
  });

  it('says a truncated file is truncated, and a damaged stream is damaged', async () => {
    const bytes = nifti1({ littleEndian: true, datatype: 2, bitpix: 8, dims: [10, 10, 10] }, (v, i) => v.setUint8(352 + i, i % 251));
    const short = write('short.nii', bytes.subarray(0, 900));
    await expect(readVolume(short)).rejects.toThrow(/short\.nii is truncated/);
    const gz = gzipSync(bytes);
    const cut = join(dir, 'cut.nii.gz');
    writeFileSync(cut, gz.subarray(0, gz.length - 40));
    await expect(readVolume(cut)).rejects.toThrow(/cut\.nii\.gz is truncated/);
    const damaged = Uint8Array.from(gz);
    for (let i = 40; i < 60; i++) damaged[i] = (damaged[i] ?? 0) ^ 0x5a;
    const bad = join(dir, 'bad.nii.gz');
    writeFileSync(bad, damaged);
    await expect(readVolume(bad)).rejects.toThrow(/bad\.nii\.gz (is corrupt|is truncated|could not be read)/);
  });

  it('stops inflating a stream that holds far more than its header declares', async () => {
    const bytes = nifti1({ littleEndian: true, datatype: 2, bitpix: 8, dims: [10, 10, 10] }, (v, i) => v.setUint8(352 + i, i % 251));
    const bomb = new Uint8Array(bytes.length + (8 << 20));
    bomb.set(bytes);
    const path = write('bomb.nii.gz', bomb);
    await expect(readOwn(path, bytes.length + 1024)).rejects.toThrow(/^bomb\.nii\.gz inflates to more than the .* its header declares/);
  });

  it('swaps bytes of every width in place, and reads no header from a short or foreign start', () => {
    const bytes = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    swapBytes(bytes, 4);
    expect([...bytes]).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
    swapBytes(bytes, 2);
    expect([...bytes]).toEqual([3, 4, 1, 2, 7, 8, 5, 6]);
    expect(readNiftiHeader(new Uint8Array(100))).toBeUndefined();
    expect(readNiftiHeader(new Uint8Array(400))).toBeUndefined();
  });
});
