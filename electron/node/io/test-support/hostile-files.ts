/**
 * A corpus of hostile and awkward image files, made from parameters: headers that lie about their
 * size, gzip bombs, truncation, zero or negative sizes, 4D, RGB, unsupported voxel types, links
 * that loop, mixed DICOM series, label maps that do not fit their image. Each case says whether a
 * correct reader opens it or refuses it; scripts/hostile-corpus.mjs runs them all through the CLI
 * and serve mode, and the unit tests run the fast ones.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Volume } from '../../../common/volume';
import { writeVolume } from '../write-volume';
import { writeSyntheticSeries } from './synthetic-dicom';
import { syntheticVolume } from './synthetic-volume';

export type Expectation = 'open' | 'refuse';

export interface HostileCase {
  /** File or folder name in the corpus folder. */
  readonly name: string;
  readonly what: string;
  readonly expect: Expectation;
  /** Fast to make and to read (unit tests run these). */
  readonly fast: boolean;
  /** A label map to lay over `reference.nii.gz` (serve: labels.load) rather than an image to open. */
  readonly labelsOver?: boolean;
  readonly make: (path: string) => Promise<void>;
}

/** The image the label-map cases are laid over. */
export const REFERENCE_IMAGE = 'reference.nii.gz';
const REFERENCE_SIZE: [number, number, number] = [24, 20, 16];

interface NiftiSpec {
  readonly dims: readonly number[];
  readonly datatype: number;
  readonly bitpix: number;
  readonly voxOffset?: number;
  readonly pixdim?: readonly number[];
}

/** A NIfTI-1 header with its 4-byte extension flag (352 bytes), little-endian. */
export function niftiHeader(spec: NiftiSpec): Buffer {
  const view = new DataView(new ArrayBuffer(352));
  view.setInt32(0, 348, true);
  view.setInt16(40, spec.dims.length, true);
  spec.dims.forEach((d, n) => view.setInt16(42 + 2 * n, d, true));
  view.setInt16(70, spec.datatype, true);
  view.setInt16(72, spec.bitpix, true);
  const pixdim = spec.pixdim ?? [1, 1, 1, 1, 1, 1, 1, 1];
  pixdim.forEach((p, n) => view.setFloat32(76 + 4 * n, p, true));
  view.setFloat32(108, spec.voxOffset ?? 352, true);
  const bytes = Buffer.from(view.buffer);
  bytes.write('n+1\0', 344, 'latin1');
  return bytes;
}

/** An MGH header (284 bytes, big-endian) plus 100 bytes of voxels: 384 bytes that may claim anything. */
function mghHeader(dims: readonly [number, number, number, number], type: number): Buffer {
  const view = new DataView(new ArrayBuffer(384));
  view.setInt32(0, 1, false);
  dims.forEach((d, n) => view.setInt32(4 + 4 * n, d, false));
  view.setInt32(20, type, false);
  return Buffer.from(view.buffer);
}

function giplHeader(dims: readonly [number, number, number, number], type: number): Buffer {
  const view = new DataView(new ArrayBuffer(256));
  dims.forEach((d, n) => view.setUint16(2 * n, d, false));
  view.setUint16(8, type, false);
  view.setUint32(252, 0xefffe9b0, false); // GIPL magic
  return Buffer.from(view.buffer);
}

/**
 * A gzip file of `head` followed by `zeroBytes` zeros, as concatenated gzip members (one 16 MiB
 * member repeated), so gigabytes of content cost a few megabytes and milliseconds to make.
 */
function gzipWithZeros(head: Buffer, zeroBytes: number): Buffer {
  const block = 16 << 20;
  const member = gzipSync(Buffer.alloc(block), { level: 9 });
  const parts = [gzipSync(head)];
  for (let left = zeroBytes; left > 0; left -= block) parts.push(left >= block ? member : gzipSync(Buffer.alloc(left)));
  return Buffer.concat(parts);
}

const write = (bytes: Uint8Array) => (path: string) => writeFile(path, bytes);
const volume = (v: Volume) => async (path: string) => {
  await writeVolume(v, path);
};
const small = (componentType: Volume['componentType'] = 'int16', size: [number, number, number] = [12, 10, 8]): Volume =>
  syntheticVolume({ size, componentType });

const cubed = 30000;

export const HOSTILE_CASES: readonly HostileCase[] = [
  // Headers that claim far more than the file holds.
  { name: 'claims-30000-cubed.mgh', what: '384-byte MGH header claiming 30000³ float voxels', expect: 'refuse', fast: true, make: write(mghHeader([cubed, cubed, cubed, 1], 3)) },
  { name: 'claims-30000-cubed.mgz', what: 'gzipped MGH header claiming 30000³', expect: 'refuse', fast: true, make: write(gzipSync(mghHeader([cubed, cubed, cubed, 1], 3))) },
  { name: 'claims-30000-cubed.nii', what: 'NIfTI header claiming 30000³ int16', expect: 'refuse', fast: true, make: write(Buffer.concat([niftiHeader({ dims: [cubed, cubed, cubed], datatype: 4, bitpix: 16 }), Buffer.alloc(1000)])) },
  { name: 'claims-30000-cubed.nii.gz', what: 'gzipped NIfTI header claiming 30000³', expect: 'refuse', fast: true, make: write(gzipSync(niftiHeader({ dims: [cubed, cubed, cubed], datatype: 4, bitpix: 16 }))) },
  { name: 'claims-65535-cubed.gipl', what: 'GIPL header claiming 65535³ doubles', expect: 'refuse', fast: true, make: write(giplHeader([65535, 65535, 65535, 1], 65)) },
  { name: 'claims-huge.nrrd', what: 'NRRD header claiming 100000×100000×100000', expect: 'refuse', fast: true, make: write(Buffer.from('NRRD0004\ntype: float\ndimension: 3\nsizes: 100000 100000 100000\nencoding: raw\nendian: little\n\n\0\0\0\0')) },
  { name: 'claims-huge.mha', what: 'MetaImage header claiming 100000³', expect: 'refuse', fast: true, make: write(Buffer.from('ObjectType = Image\nNDims = 3\nDimSize = 100000 100000 100000\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n\0\0\0\0')) },
  { name: 'claims-2d-huge.nii', what: 'NIfTI 4D header whose 4th axis makes it 40 GB', expect: 'refuse', fast: true, make: write(Buffer.concat([niftiHeader({ dims: [512, 512, 400, 100], datatype: 16, bitpix: 32 }), Buffer.alloc(64)])) },
  // Voxel types iSeg cannot use, refused before reading them.
  { name: 'int64-512x512x400.nii.gz', what: 'gzipped int64 512×512×400 (840 MB inflated)', expect: 'refuse', fast: false, make: write(gzipWithZeros(niftiHeader({ dims: [512, 512, 400], datatype: 1024, bitpix: 64 }), 512 * 512 * 400 * 8)) },
  { name: 'int64-small.nii', what: 'int64 NIfTI 12×10×8', expect: 'refuse', fast: true, make: write(Buffer.concat([niftiHeader({ dims: [12, 10, 8], datatype: 1024, bitpix: 64 }), Buffer.alloc(12 * 10 * 8 * 8)])) },
  { name: 'complex.nii', what: 'complex64 NIfTI', expect: 'refuse', fast: true, make: write(Buffer.concat([niftiHeader({ dims: [12, 10, 8], datatype: 32, bitpix: 64 }), Buffer.alloc(12 * 10 * 8 * 8)])) },
  { name: 'int64.nrrd', what: 'NRRD of int64', expect: 'refuse', fast: true, make: write(Buffer.concat([Buffer.from('NRRD0004\ntype: int64\ndimension: 3\nsizes: 4 4 4\nencoding: raw\nendian: little\n\n'), Buffer.alloc(4 * 4 * 4 * 8)])) },
  // Gzip bombs: small files that inflate to gigabytes.
  { name: 'bomb-declares-16MB.nii.gz', what: 'gzip bomb: header says 256³ uint8, stream inflates to 4.6 GB', expect: 'refuse', fast: false, make: write(gzipWithZeros(niftiHeader({ dims: [256, 256, 256], datatype: 2, bitpix: 8 }), 4600 * 1e6)) },
  { name: 'bomb-declares-small.nii.gz', what: 'gzip bomb: header says 12×10×8, stream inflates to 1 GB', expect: 'refuse', fast: false, make: write(gzipWithZeros(niftiHeader({ dims: [12, 10, 8], datatype: 2, bitpix: 8 }), 1e9)) },
  { name: 'bomb-declares-huge.nii.gz', what: 'gzip bomb whose header claims 4.6 GB', expect: 'refuse', fast: false, make: write(gzipWithZeros(niftiHeader({ dims: [2048, 2048, 1100], datatype: 2, bitpix: 8 }), 4600 * 1e6)) },
  { name: 'bomb.mgz', what: 'gzip bomb in MGZ: header says 64³ uchar, 2 GB inflated', expect: 'refuse', fast: false, make: write(gzipWithZeros(mghHeader([64, 64, 64, 1], 0).subarray(0, 284), 2e9)) },
  { name: 'bomb.gipl.gz', what: 'gzip bomb in GIPL: header says 64³ uchar, 2 GB inflated', expect: 'refuse', fast: false, make: write(gzipWithZeros(giplHeader([64, 64, 64, 1], 8), 2e9)) },
  // Truncated and damaged.
  { name: 'truncated.nii', what: 'NIfTI cut in its voxels', expect: 'refuse', fast: true, make: write(Buffer.concat([niftiHeader({ dims: [12, 10, 8], datatype: 4, bitpix: 16 }), Buffer.alloc(500)])) },
  { name: 'truncated.nii.gz', what: 'gzip stream cut at half its length', expect: 'refuse', fast: true, make: async (path) => {
    const whole = gzipSync(Buffer.concat([niftiHeader({ dims: [40, 40, 40], datatype: 4, bitpix: 16 }), Buffer.alloc(128000).fill(7)]));
    await writeFile(path, whole.subarray(0, whole.length >> 1));
  } },
  { name: 'header-only.nii', what: 'NIfTI header and nothing else', expect: 'refuse', fast: true, make: write(niftiHeader({ dims: [12, 10, 8], datatype: 4, bitpix: 16 })) },
  { name: 'half-header.nii', what: 'first 200 bytes of a NIfTI header', expect: 'refuse', fast: true, make: write(niftiHeader({ dims: [12, 10, 8], datatype: 4, bitpix: 16 }).subarray(0, 200)) },
  { name: 'truncated.mgh', what: 'MGH cut in its voxels', expect: 'refuse', fast: true, make: write(mghHeader([64, 64, 64, 1], 0)) },
  { name: 'truncated.gipl', what: 'GIPL cut in its voxels', expect: 'refuse', fast: true, make: write(Buffer.concat([giplHeader([64, 64, 64, 1], 8), Buffer.alloc(100)])) },
  { name: 'truncated.nrrd', what: 'NRRD cut in its voxels', expect: 'refuse', fast: true, make: write(Buffer.concat([Buffer.from('NRRD0004\ntype: short\ndimension: 3\nsizes: 40 40 40\nencoding: raw\nendian: little\n\n'), Buffer.alloc(1000)])) },
  { name: 'truncated.mha', what: 'MetaImage cut in its voxels', expect: 'refuse', fast: true, make: write(Buffer.concat([Buffer.from('ObjectType = Image\nNDims = 3\nDimSize = 40 40 40\nElementType = MET_SHORT\nElementDataFile = LOCAL\n'), Buffer.alloc(1000)])) },
  { name: 'damaged.nii.gz', what: 'gzip stream with flipped bytes in the middle', expect: 'refuse', fast: true, make: async (path) => {
    const bytes = gzipSync(Buffer.concat([niftiHeader({ dims: [40, 40, 40], datatype: 4, bitpix: 16 }), Buffer.from(Array.from({ length: 128000 }, (_, n) => (n * 31) % 251))]));
    for (let n = 200; n < 260; n++) bytes[n] = (bytes[n] ?? 0) ^ 0xff;
    await writeFile(path, bytes);
  } },
  { name: 'random.nii.gz', what: 'random bytes behind a gzip magic', expect: 'refuse', fast: true, make: write(Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.from(Array.from({ length: 4000 }, (_, n) => (n * 7919) % 256))])) },
  { name: 'random.mgz', what: 'random bytes named .mgz', expect: 'refuse', fast: true, make: write(Buffer.from(Array.from({ length: 4000 }, (_, n) => (n * 104729) % 256))) },
  { name: 'text.nii', what: 'a text file named .nii', expect: 'refuse', fast: true, make: write(Buffer.from('this is not an image\n'.repeat(40))) },
  { name: 'empty.nii.gz', what: 'an empty file', expect: 'refuse', fast: true, make: write(Buffer.alloc(0)) },
  // Sizes and shapes iSeg cannot open.
  { name: 'zero-dim.nii', what: 'NIfTI with a zero-length axis', expect: 'refuse', fast: true, make: write(Buffer.concat([niftiHeader({ dims: [12, 0, 8], datatype: 4, bitpix: 16 }), Buffer.alloc(64)])) },
  { name: 'negative-dim.nii', what: 'NIfTI with a negative axis', expect: 'refuse', fast: true, make: write(Buffer.concat([niftiHeader({ dims: [12, -10, 8], datatype: 4, bitpix: 16 }), Buffer.alloc(64)])) },
  { name: 'zero-dim.nrrd', what: 'NRRD with a zero size', expect: 'refuse', fast: true, make: write(Buffer.from('NRRD0004\ntype: short\ndimension: 3\nsizes: 10 0 10\nencoding: raw\nendian: little\n\n')) },
  { name: 'zero-dim.mgh', what: 'MGH with a zero width', expect: 'refuse', fast: true, make: write(mghHeader([0, 64, 64, 1], 0)) },
  { name: 'four-d.nii', what: '4D NIfTI 12×10×8×3', expect: 'refuse', fast: true, make: write(Buffer.concat([niftiHeader({ dims: [12, 10, 8, 3], datatype: 2, bitpix: 8 }), Buffer.alloc(12 * 10 * 8 * 3)])) },
  { name: 'rgb.nii', what: 'RGB NIfTI', expect: 'refuse', fast: true, make: write(Buffer.concat([niftiHeader({ dims: [12, 10, 8], datatype: 128, bitpix: 24 }), Buffer.alloc(12 * 10 * 8 * 3)])) },
  { name: 'flat.nii', what: '2D NIfTI', expect: 'refuse', fast: true, make: write(Buffer.concat([niftiHeader({ dims: [64, 64], datatype: 2, bitpix: 8 }), Buffer.alloc(64 * 64)])) },
  { name: 'one-slice.nii', what: 'a single slice 64×64×1', expect: 'refuse', fast: true, make: write(Buffer.concat([niftiHeader({ dims: [64, 64, 1], datatype: 2, bitpix: 8 }), Buffer.alloc(64 * 64)])) },
  { name: 'vox-offset-past-end.nii', what: 'NIfTI whose voxels start past the end of the file', expect: 'refuse', fast: true, make: write(Buffer.concat([niftiHeader({ dims: [12, 10, 8], datatype: 2, bitpix: 8, voxOffset: 1e9 }), Buffer.alloc(960)])) },
  // Links and things that are not files.
  { name: 'loop-a.nii', what: 'a symlink loop (loop-a → loop-b → loop-a)', expect: 'refuse', fast: true, make: async (path) => {
    await symlink('loop-b.nii', path);
    await symlink('loop-a.nii', join(path, '..', 'loop-b.nii'));
  } },
  { name: 'self-loop.nii.gz', what: 'a symlink to itself', expect: 'refuse', fast: true, make: (path) => symlink('self-loop.nii.gz', path) },
  { name: 'dangling.nii', what: 'a symlink to nothing', expect: 'refuse', fast: true, make: (path) => symlink('does-not-exist.nii', path) },
  { name: 'folder.nii.gz', what: 'a folder named like an image', expect: 'refuse', fast: true, make: (path) => mkdir(path).then(() => undefined) },
  // DICOM folders.
  { name: 'dicom-mixed', what: 'a folder with two DICOM series', expect: 'refuse', fast: true, make: async (path) => {
    await mkdir(path);
    await writeSyntheticSeries(path, { uid: '1.2.3.1', count: 4, rows: 8, columns: 8 });
    await writeSyntheticSeries(path, { uid: '1.2.3.2', count: 3, rows: 8, columns: 8 });
  } },
  { name: 'dicom-one-slice', what: 'a DICOM folder with a single slice', expect: 'refuse', fast: true, make: async (path) => {
    await mkdir(path);
    await writeSyntheticSeries(path, { uid: '1.2.3.3', count: 1, rows: 8, columns: 8 });
  } },
  { name: 'dicom-empty', what: 'a folder with no DICOM images', expect: 'refuse', fast: true, make: async (path) => {
    await mkdir(path);
    await writeFile(join(path, 'notes.txt'), 'nothing here');
  } },
  { name: 'dicom-good', what: 'a DICOM folder with one series of 5 slices', expect: 'open', fast: true, make: async (path) => {
    await mkdir(path);
    await writeSyntheticSeries(path, { uid: '1.2.3.4', count: 5, rows: 8, columns: 8 });
  } },
  // Files that must open, awkward or not.
  { name: 'nan-inf.nii', what: 'float32 with NaN and ±Inf voxels', expect: 'open', fast: true, make: volume(syntheticVolume({ size: [12, 10, 8], componentType: 'float32', value: (n) => (n === 3 ? NaN : n === 4 ? Infinity : n === 5 ? -Infinity : n) })) },
  { name: 'good.nii.gz', what: 'a small valid NIfTI', expect: 'open', fast: true, make: volume(small()) },
  { name: 'good.nrrd', what: 'a small valid NRRD', expect: 'open', fast: true, make: volume(small('float32')) },
  { name: 'good.mha', what: 'a small valid MetaImage', expect: 'open', fast: true, make: volume(small('uint8')) },
  { name: 'good.mgz', what: 'a small valid MGZ', expect: 'open', fast: true, make: volume(small('uint8')) },
  { name: 'good.gipl', what: 'a small valid GIPL', expect: 'open', fast: true, make: volume(small('int16')) },
  // Label maps laid over reference.nii.gz.
  { name: 'labels-wrong-size.nii.gz', what: 'label map of another size than its image', expect: 'refuse', fast: true, labelsOver: true, make: volume(syntheticVolume({ size: [24, 20, 15], componentType: 'uint8', value: (n) => n % 3 })) },
  { name: 'labels-wrong-spacing.nii.gz', what: 'label map with other spacing than its image', expect: 'refuse', fast: true, labelsOver: true, make: volume(syntheticVolume({ size: REFERENCE_SIZE, spacing: [2, 1, 1], componentType: 'uint8', value: (n) => n % 3 })) },
  { name: 'labels-float.nii.gz', what: 'label map of fractional floats', expect: 'refuse', fast: true, labelsOver: true, make: volume(syntheticVolume({ size: REFERENCE_SIZE, componentType: 'float32', value: (n) => n / 7 })) },
  { name: 'labels-good.nii.gz', what: 'label map that fits its image', expect: 'open', fast: true, labelsOver: true, make: volume(syntheticVolume({ size: REFERENCE_SIZE, componentType: 'uint8', value: (n) => n % 3 })) },
];

/** Writes the reference image and every case (or those `include` keeps) into `folder`. */
export async function writeHostileCorpus(folder: string, include: (c: HostileCase) => boolean = () => true): Promise<HostileCase[]> {
  await writeVolume(syntheticVolume({ size: REFERENCE_SIZE, componentType: 'int16' }), join(folder, REFERENCE_IMAGE));
  const cases = HOSTILE_CASES.filter(include);
  for (const c of cases) await c.make(join(folder, c.name));
  return cases;
}

/** One sentence for a person: a single line ending in a full stop, without a stack frame. */
export function isOneSentence(message: string): boolean {
  return !/\n|\bat .+:\d+/.test(message) && /\.$/.test(message);
}
