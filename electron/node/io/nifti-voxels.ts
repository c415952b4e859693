/**
 * NIfTI voxels straight from the file's (inflated) bytes, so a .nii.gz is inflated once, natively,
 * instead of twice (ITK's WebAssembly zlib, plus the integrity check in payload-check.ts).
 *
 * ITK stays the reader of record for what the file means (size, spacing, origin, direction): it
 * reads the header alone. The bytes are used only where they are exactly what ITK would return:
 * a 3D scalar of a basic type, no intensity scaling, and ITK's own reading of the header agreeing
 * on type and size. Anything else is left to ITK's full read (`undefined` here).
 */
import { allocateVoxels, bytesPerVoxel, type ComponentType, type VoxelArray } from '../../common/volume';

/** NIfTI datatype codes we take as they are stored. */
const DATATYPES: ReadonlyMap<number, ComponentType> = new Map([
  [2, 'uint8'],
  [4, 'int16'],
  [8, 'int32'],
  [16, 'float32'],
  [64, 'float64'],
  [256, 'int8'],
  [512, 'uint16'],
  [768, 'uint32'],
]);

export interface NiftiLayout {
  /** Where the voxels start (vox_offset). */
  readonly offset: number;
  readonly componentType: ComponentType;
  readonly littleEndian: boolean;
  /** Voxels the header declares (product of dim[1..dim[0]]). */
  readonly count: number;
}

/** Slope 0 or NaN means "not scaled" in NIfTI; anything that could change a value goes to ITK. */
const isIdentityScaling = (slope: number, intercept: number): boolean =>
  (slope === 0 || slope === 1 || Number.isNaN(slope)) && (intercept === 0 || Number.isNaN(intercept));

/** The fields of a NIfTI-1 or NIfTI-2 header that say where the voxels are and what they hold, as stored. */
export interface NiftiHeader {
  readonly headerSize: 348 | 540;
  readonly littleEndian: boolean;
  /** dim[0]. */
  readonly rank: number;
  /** dim[1] … dim[min(rank, 7)]. */
  readonly dims: readonly number[];
  readonly datatype: number;
  readonly bitpix: number;
  readonly voxOffset: number;
  readonly slope: number;
  readonly intercept: number;
}

/** The header at the start of `head`, in whichever byte order makes sizeof_hdr 348 or 540. */
export function readNiftiHeader(head: Uint8Array): NiftiHeader | undefined {
  if (head.length < 348) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  for (const littleEndian of [true, false]) {
    const headerSize = view.getInt32(0, littleEndian);
    if (headerSize === 348) {
      const rank = view.getInt16(40, littleEndian);
      return {
        headerSize,
        littleEndian,
        rank,
        dims: Array.from({ length: Math.max(0, Math.min(rank, 7)) }, (_, n) => view.getInt16(42 + 2 * n, littleEndian)),
        datatype: view.getInt16(70, littleEndian),
        bitpix: view.getInt16(72, littleEndian),
        voxOffset: view.getFloat32(108, littleEndian),
        slope: view.getFloat32(112, littleEndian),
        intercept: view.getFloat32(116, littleEndian),
      };
    }
    if (headerSize === 540 && head.length >= 540) {
      const rank = Number(view.getBigInt64(16, littleEndian));
      return {
        headerSize,
        littleEndian,
        rank,
        dims: Array.from({ length: Math.max(0, Math.min(rank, 7)) }, (_, n) => Number(view.getBigInt64(24 + 8 * n, littleEndian))),
        datatype: view.getInt16(12, littleEndian),
        bitpix: view.getInt16(14, littleEndian),
        voxOffset: Number(view.getBigInt64(168, littleEndian)),
        slope: view.getFloat64(176, littleEndian),
        intercept: view.getFloat64(184, littleEndian),
      };
    }
  }
  return undefined;
}

/**
 * The voxel layout of a NIfTI-1 or NIfTI-2 header, or undefined when the voxels need ITK: an
 * unknown or compound datatype, scaled intensities, or a header that makes no sense.
 */
export function niftiLayout(head: Uint8Array): NiftiLayout | undefined {
  const header = readNiftiHeader(head);
  if (!header || header.rank < 1 || header.rank > 7) return undefined;
  const { headerSize, littleEndian, dims, voxOffset: offset } = header;
  const componentType = DATATYPES.get(header.datatype);
  if (componentType === undefined || !isIdentityScaling(header.slope, header.intercept)) return undefined;
  if (!Number.isInteger(offset) || offset < headerSize || dims.some((d) => !Number.isInteger(d) || d < 1)) return undefined;
  return { offset, componentType, littleEndian, count: dims.reduce((a, b) => a * b, 1) };
}

/** Whether this machine stores numbers little-endian (every platform Electron ships on does). */
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * The voxels as an owned typed array (its own ArrayBuffer, ready to transfer), byte-swapped when
 * the file's byte order differs from the machine's. `content` must hold them all.
 */
export function niftiVoxels(content: Uint8Array, layout: NiftiLayout): VoxelArray {
  const width = bytesPerVoxel(layout.componentType);
  const voxels = allocateVoxels(layout.componentType, layout.count);
  const bytes = new Uint8Array(voxels.buffer);
  const end = layout.offset + layout.count * width;
  if (content.length < end) throw new RangeError(`NIfTI content holds ${content.length} bytes, needs ${end}`);
  bytes.set(content.subarray(layout.offset, end));
  if (layout.littleEndian !== HOST_LITTLE_ENDIAN && width > 1) {
    for (let at = 0; at < bytes.length; at += width) {
      for (let a = at, b = at + width - 1; a < b; a++, b--) {
        const t = bytes[a] ?? 0;
        bytes[a] = bytes[b] ?? 0;
        bytes[b] = t;
      }
    }
  }
  return voxels;
}
