/**
 * Writes a volume as single-file NIfTI-1 (.nii, or .nii.gz through Node's native zlib) without
 * ITK-Wasm, whose write costs ~10× nibabel's for a label map. The header says what ITK's writer
 * says: sform and qform both "scanner", the sform exact (direction × spacing, RAS) and the qform
 * its nearest rotation, so ITK, nibabel and this app's reader all read the same geometry back.
 */
import { open } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ComponentType, Mat3, Volume } from '../../common/volume';

const HEADER_BYTES = 348;
/** The header plus the 4-byte extension flag (all zero: no extensions). */
export const NIFTI1_VOXEL_OFFSET = 352;

const DATATYPE_OF: Record<ComponentType, { code: number; bits: number }> = {
  uint8: { code: 2, bits: 8 },
  int8: { code: 256, bits: 8 },
  uint16: { code: 512, bits: 16 },
  int16: { code: 4, bits: 16 },
  uint32: { code: 768, bits: 32 },
  int32: { code: 8, bits: 32 },
  float32: { code: 16, bits: 32 },
  float64: { code: 64, bits: 64 },
};

/** nibabel's default: level 1 is ~4× faster than 6 and label maps (long runs) still shrink ~100×. */
export const NIFTI_GZIP_LEVEL = 1;

const SCANNER_ANAT = 1;
const UNITS_MM_SECONDS = 2 | 8;

/**
 * The unit quaternion (b, c, d; a ≥ 0) and qfac of a 3×3 matrix whose columns are direction
 * cosines in RAS. A left-handed frame gets qfac −1 and its third column negated first (NIfTI's rule).
 */
export function quaternionOf(columns: readonly (readonly [number, number, number])[]): { b: number; c: number; d: number; qfac: 1 | -1 } {
  const m = (row: number, col: number): number => columns[col]?.[row] ?? 0;
  const det =
    m(0, 0) * (m(1, 1) * m(2, 2) - m(1, 2) * m(2, 1)) - m(0, 1) * (m(1, 0) * m(2, 2) - m(1, 2) * m(2, 0)) + m(0, 2) * (m(1, 0) * m(2, 1) - m(1, 1) * m(2, 0));
  const qfac = det < 0 ? -1 : 1;
  const r = (row: number, col: number): number => (col === 2 ? qfac : 1) * m(row, col);
  const trace = r(0, 0) + r(1, 1) + r(2, 2);
  let a: number;
  let b: number;
  let c: number;
  let d: number;
  // The largest of the four candidates is computed from the diagonal; the others from it (stable).
  if (trace > 0) {
    a = 0.5 * Math.sqrt(1 + trace);
    b = (r(2, 1) - r(1, 2)) / (4 * a);
    c = (r(0, 2) - r(2, 0)) / (4 * a);
    d = (r(1, 0) - r(0, 1)) / (4 * a);
  } else if (r(0, 0) >= r(1, 1) && r(0, 0) >= r(2, 2)) {
    b = 0.5 * Math.sqrt(1 + r(0, 0) - r(1, 1) - r(2, 2));
    a = (r(2, 1) - r(1, 2)) / (4 * b);
    c = (r(0, 1) + r(1, 0)) / (4 * b);
    d = (r(0, 2) + r(2, 0)) / (4 * b);
  } else if (r(1, 1) >= r(2, 2)) {
    c = 0.5 * Math.sqrt(1 - r(0, 0) + r(1, 1) - r(2, 2));
    a = (r(0, 2) - r(2, 0)) / (4 * c);
    b = (r(0, 1) + r(1, 0)) / (4 * c);
    d = (r(1, 2) + r(2, 1)) / (4 * c);
  } else {
    d = 0.5 * Math.sqrt(1 - r(0, 0) - r(1, 1) + r(2, 2));
    a = (r(1, 0) - r(0, 1)) / (4 * d);
    b = (r(0, 2) + r(2, 0)) / (4 * d);
    c = (r(1, 2) + r(2, 1)) / (4 * d);
  }
  const sign = a < 0 ? -1 : 1;
  return { b: sign * b, c: sign * c, d: sign * d, qfac };
}

/** The 352 bytes before the voxels of a little-endian single-file NIfTI-1. */
export function nifti1Header(volume: Pick<Volume, 'geometry' | 'componentType'>): Uint8Array {
  const { size, spacing, origin, direction } = volume.geometry;
  const bytes = new Uint8Array(NIFTI1_VOXEL_OFFSET);
  const view = new DataView(bytes.buffer);
  const type = DATATYPE_OF[volume.componentType];
  view.setInt32(0, HEADER_BYTES, true);
  [3, size[0], size[1], size[2], 1, 1, 1, 1].forEach((d, n) => view.setInt16(40 + 2 * n, d, true));
  view.setInt16(70, type.code, true);
  view.setInt16(72, type.bits, true);
  // Direction columns in RAS: LPS x and y change sign.
  const ras = (m: Mat3, col: number): [number, number, number] => [-(m[col] ?? 0), -(m[3 + col] ?? 0), m[6 + col] ?? 0];
  const columns = [0, 1, 2].map((col) => ras(direction, col));
  const { b, c, d, qfac } = quaternionOf(columns);
  [qfac, spacing[0], spacing[1], spacing[2], 1, 1, 1, 1].forEach((p, n) => view.setFloat32(76 + 4 * n, p, true));
  view.setFloat32(108, NIFTI1_VOXEL_OFFSET, true);
  view.setFloat32(112, 1, true); // scl_slope: values as stored
  view.setUint8(123, UNITS_MM_SECONDS);
  new TextEncoder().encodeInto('iSeg Studio', bytes.subarray(148, 228));
  view.setInt16(252, SCANNER_ANAT, true);
  view.setInt16(254, SCANNER_ANAT, true);
  [b, c, d].forEach((q, n) => view.setFloat32(256 + 4 * n, q, true));
  const offset = [-origin[0], -origin[1], origin[2]];
  offset.forEach((x, n) => view.setFloat32(268 + 4 * n, x, true));
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) view.setFloat32(280 + 16 * row + 4 * col, (columns[col]?.[row] ?? 0) * spacing[col as 0 | 1 | 2], true);
    view.setFloat32(280 + 16 * row + 12, offset[row] ?? 0, true);
  }
  bytes.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  return bytes;
}

/** Writes `volume` to `path` (the caller's temporary name), gzip-compressed when `gzip`. */
export async function writeNifti(volume: Volume, path: string, gzip: boolean): Promise<void> {
  const header = nifti1Header(volume);
  // The voxels are written from where they are: no buffer holding header and voxels together.
  const voxels = new Uint8Array(volume.voxels.buffer, volume.voxels.byteOffset, volume.voxels.byteLength);
  if (gzip) {
    await pipeline(Readable.from([header, voxels], { objectMode: false }), createGzip({ level: NIFTI_GZIP_LEVEL, chunkSize: 1 << 20 }), createWriteStream(path));
    return;
  }
  const handle = await open(path, 'w');
  try {
    await handle.writev([header, voxels]);
  } finally {
    await handle.close();
  }
}
