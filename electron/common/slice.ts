/**
 * Slices of a volume: the one place that says how a slice's pixels map to voxels. A slice normal
 * to index axis `axis` (0 = i, 1 = j, 2 = k) spans the two other index axes, the lower one
 * running along slice x (fastest) and the higher one along slice y: axis 2 → x = i, y = j;
 * axis 1 → x = i, y = k; axis 0 → x = j, y = k. Which index axis a view (axial/coronal/sagittal)
 * cuts follows the direction matrix: see `indexAxisForView` in volume.ts. Slice pixel n is
 * y * width + x.
 */
import type { Vec3, VoxelArray } from './volume';

export type IndexAxis = 0 | 1 | 2;

/** One slice of a volume: the index axis it is normal to, and its index along that axis. */
export interface SliceRef {
  readonly axis: IndexAxis;
  readonly slice: number;
}

/** How the slices along one axis lie in a volume's voxel buffer. */
export interface SliceLayout {
  readonly axis: IndexAxis;
  /** Number of slices along the axis. */
  readonly count: number;
  readonly width: number;
  readonly height: number;
  /** Index axes along slice x and y. */
  readonly xAxis: IndexAxis;
  readonly yAxis: IndexAxis;
  /** Voxel strides of the slice axis, of x (width) and of y (height). */
  readonly strides: readonly [number, number, number];
}

/** A slice's pixel grid in millimetres, for tools that measure on it. */
export interface SliceGeometry {
  readonly width: number;
  readonly height: number;
  readonly xAxis: IndexAxis;
  readonly yAxis: IndexAxis;
  /** Millimetres per pixel along x and y. */
  readonly pixelSpacing: readonly [number, number];
}

export function sliceLayout(size: Vec3, axis: IndexAxis): SliceLayout {
  const stride: Vec3 = [1, size[0], size[0] * size[1]];
  const xAxis: IndexAxis = axis === 0 ? 1 : 0;
  const yAxis: IndexAxis = axis === 2 ? 1 : 2;
  return { axis, count: size[axis], width: size[xAxis], height: size[yAxis], xAxis, yAxis, strides: [stride[axis], stride[xAxis], stride[yAxis]] };
}

export function sliceGeometry(size: Vec3, spacing: Vec3, axis: IndexAxis): SliceGeometry {
  const { width, height, xAxis, yAxis } = sliceLayout(size, axis);
  return { width, height, xAxis, yAxis, pixelSpacing: [spacing[xAxis], spacing[yAxis]] };
}

export function checkSliceIndex(size: Vec3, axis: IndexAxis, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= size[axis]) {
    throw new RangeError(`Slice ${index} does not exist: the volume has ${size[axis]} slices along index axis ${'ijk'[axis] ?? '?'}.`);
  }
}

/** Maps slice pixel number n (= y * width + x) to the voxel's linear index. */
export function slicePixelToIndex(size: Vec3, ref: SliceRef): (n: number) => number {
  const { width, strides } = sliceLayout(size, ref.axis);
  const [ss, sx, sy] = strides;
  const base = ref.slice * ss;
  return (n) => base + (n % width) * sx + Math.floor(n / width) * sy;
}

/** The slice pixel (x, y) of a voxel index (i, j, k). */
export function voxelToSlicePixel(size: Vec3, axis: IndexAxis, voxel: Vec3): [number, number] {
  const { xAxis, yAxis } = sliceLayout(size, axis);
  return [voxel[xAxis], voxel[yAxis]];
}

export type WritableArray = VoxelArray | Uint8ClampedArray;

/** Copies slice `s` into `out` (width × height, x fastest); returns `out`. */
export function readSlice<T extends WritableArray>(voxels: ArrayLike<number>, layout: SliceLayout, s: number, out: T): T {
  const { width, height, strides } = layout;
  checkSlice(layout, s, out.length);
  const [ss, sx, sy] = strides;
  if (sx === 1 && isTyped(voxels)) {
    // Rows lie contiguous in memory: one typed-array copy per row (it converts as assignment does).
    for (let y = 0; y < height; y++) out.set(voxels.subarray(s * ss + y * sy, s * ss + y * sy + width), y * width);
    return out;
  }
  let o = 0;
  for (let y = 0; y < height; y++) {
    let index = s * ss + y * sy;
    for (let x = 0; x < width; x++, index += sx) out[o++] = voxels[index] as number;
  }
  return out;
}

/** Writes `values` (width × height, x fastest) into slice `s` of `voxels`. */
export function writeSlice(voxels: WritableArray, layout: SliceLayout, s: number, values: ArrayLike<number>): void {
  const { width, height, strides } = layout;
  checkSlice(layout, s, values.length);
  const [ss, sx, sy] = strides;
  if (sx === 1 && isTyped(values)) {
    for (let y = 0; y < height; y++) voxels.set(values.subarray(y * width, (y + 1) * width), s * ss + y * sy);
    return;
  }
  let o = 0;
  for (let y = 0; y < height; y++) {
    let index = s * ss + y * sy;
    for (let x = 0; x < width; x++, index += sx) voxels[index] = values[o++] as number;
  }
}

function isTyped(values: ArrayLike<number>): values is WritableArray {
  return ArrayBuffer.isView(values) && !(values instanceof DataView) && !(values instanceof BigInt64Array) && !(values instanceof BigUint64Array);
}

function checkSlice(layout: SliceLayout, s: number, length: number): void {
  if (!Number.isInteger(s) || s < 0 || s >= layout.count) throw new RangeError(`Slice ${s} is outside 0–${layout.count - 1}.`);
  if (length !== layout.width * layout.height) throw new RangeError(`A slice holds ${layout.width * layout.height} values, not ${length}.`);
}
