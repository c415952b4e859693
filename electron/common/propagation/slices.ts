/**
 * Slices of a volume along one index axis. A slice along axis a is the plane of the two other
 * index axes, the lower one running fastest: axis 2 (k) → width i, height j; axis 1 (j) → width i,
 * height k; axis 0 (i) → width j, height k.
 */
import type { Vec3, VoxelArray } from '../volume';

export type IndexAxis = 0 | 1 | 2;

export interface SliceLayout {
  readonly axis: IndexAxis;
  /** Number of slices along the axis. */
  readonly count: number;
  readonly width: number;
  readonly height: number;
  /** Voxel strides of the slice axis, of x (width) and of y (height). */
  readonly strides: readonly [number, number, number];
}

export function sliceLayout(size: Vec3, axis: IndexAxis): SliceLayout {
  const stride: Vec3 = [1, size[0], size[0] * size[1]];
  const [u, v] = axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
  return {
    axis,
    count: size[axis],
    width: size[u as IndexAxis],
    height: size[v as IndexAxis],
    strides: [stride[axis], stride[u as IndexAxis], stride[v as IndexAxis]],
  };
}

export type WritableArray = VoxelArray | Uint8ClampedArray;

/** Copies slice `s` into `out` (width × height, x fastest); returns `out`. */
export function readSlice<T extends WritableArray>(voxels: VoxelArray, layout: SliceLayout, s: number, out: T): T {
  const { width, height, strides } = layout;
  checkSlice(layout, s, out.length);
  const [ss, sx, sy] = strides;
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
  let o = 0;
  for (let y = 0; y < height; y++) {
    let index = s * ss + y * sy;
    for (let x = 0; x < width; x++, index += sx) voxels[index] = values[o++] as number;
  }
}

function checkSlice(layout: SliceLayout, s: number, length: number): void {
  if (!Number.isInteger(s) || s < 0 || s >= layout.count) throw new Error(`slice ${s} is outside 0–${layout.count - 1}`);
  if (length !== layout.width * layout.height) throw new Error(`a slice holds ${layout.width * layout.height} values, not ${length}`);
}

/** Voxels equal to `label` in each slice along the axis. */
export function sliceAreas(voxels: VoxelArray, layout: SliceLayout, label: number): Float64Array {
  const areas = new Float64Array(layout.count);
  const [ss] = layout.strides;
  // Walk the buffer once in memory order and attribute each voxel to its slice.
  const total = voxels.length;
  if (layout.axis === 2) {
    for (let i = 0; i < total; i++) if (voxels[i] === label) areas[Math.floor(i / ss)] = (areas[Math.floor(i / ss)] ?? 0) + 1;
  } else {
    const plane = layout.axis === 1 ? layout.width * layout.count : layout.count;
    for (let i = 0; i < total; i++) {
      if (voxels[i] !== label) continue;
      const s = Math.floor((i % plane) / ss);
      areas[s] = (areas[s] ?? 0) + 1;
    }
  }
  return areas;
}

/** Distinct non-zero values present, ascending. */
export function labelsPresent(voxels: ArrayLike<number>): number[] {
  const seen = new Set<number>();
  let last = 0;
  for (let n = 0; n < voxels.length; n++) {
    const v = voxels[n] ?? 0;
    // Runs of one value are the rule in label maps; the Set is touched only where the value changes.
    if (v !== last && v !== 0) seen.add(v);
    last = v;
  }
  return [...seen].sort((a, b) => a - b);
}
