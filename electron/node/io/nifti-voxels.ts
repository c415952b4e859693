/**
 * Where a NIfTI file's voxels are and how they are stored. The bytes are taken as they are only
 * where they are exactly what ITK would return: a basic scalar type and no intensity scaling.
 * Anything else is left to ITK's full read (`undefined` here).
 */
import { bytesPerVoxel, type ComponentType } from '../../common/volume';
import type { NiftiHeader } from './nifti-header';

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

/**
 * The voxel layout of a NIfTI-1 or NIfTI-2 header, or undefined when the voxels need ITK: an
 * unknown or compound datatype, scaled intensities, or a header that makes no sense.
 */
export function niftiLayout(header: NiftiHeader | undefined): NiftiLayout | undefined {
  if (!header || header.rank < 1 || header.rank > 7) return undefined;
  const { headerSize, littleEndian, dims, voxOffset: offset } = header;
  const componentType = DATATYPES.get(header.datatype);
  if (componentType === undefined || !isIdentityScaling(header.slope, header.intercept)) return undefined;
  if (!Number.isInteger(offset) || offset < headerSize || dims.some((d) => !Number.isInteger(d) || d < 1)) return undefined;
  return { offset, componentType, littleEndian, count: dims.reduce((a, b) => a * b, 1) };
}

/** Whether this machine stores numbers little-endian (every platform Electron ships on does). */
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Reverses the bytes of each `width`-byte value in place (a file stored in the other byte order). */
export function swapBytes(bytes: Uint8Array, width: number): void {
  if (width < 2) return;
  for (let at = 0; at + width <= bytes.length; at += width) {
    for (let a = at, b = at + width - 1; a < b; a++, b--) {
      const t = bytes[a] ?? 0;
      bytes[a] = bytes[b] ?? 0;
      bytes[b] = t;
    }
  }
}

/** Whether the file's byte order differs from this machine's. */
export function needsSwap(layout: NiftiLayout): boolean {
  return layout.littleEndian !== HOST_LITTLE_ENDIAN && bytesPerVoxel(layout.componentType) > 1;
}
