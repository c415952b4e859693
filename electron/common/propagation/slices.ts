/**
 * What propagation counts over a label map's slices: each slice's area of a label, and the labels
 * present. Slice layout, pixel ↔ voxel and reading and writing a slice are in ../slice.ts.
 */
import type { SliceLayout } from '../slice';
import type { VoxelArray } from '../volume';

/** Voxels equal to `label` in the listed slices only (others 0): a pass over those slices, not the volume. */
export function areasOfSlices(voxels: VoxelArray, layout: SliceLayout, label: number, slices: Iterable<number>): Float64Array {
  const areas = new Float64Array(layout.count);
  const { width, height, strides } = layout;
  const [ss, sx, sy] = strides;
  for (const s of slices) {
    if (!Number.isInteger(s) || s < 0 || s >= layout.count) continue;
    let n = 0;
    for (let y = 0; y < height; y++) {
      let index = s * ss + y * sy;
      for (let x = 0; x < width; x++, index += sx) if (voxels[index] === label) n++;
    }
    areas[s] = n;
  }
  return areas;
}

/** Voxels equal to `label` in each slice along the axis. */
export function sliceAreas(voxels: VoxelArray, layout: SliceLayout, label: number): Float64Array {
  const areas = new Float64Array(layout.count);
  const [ss] = layout.strides;
  // Walk the buffer once in memory order and attribute each voxel to its slice.
  const total = voxels.length;
  if (layout.axis === 2) {
    // Each slice is one contiguous run of ss voxels.
    for (let s = 0; s < layout.count; s++) {
      let n = 0;
      for (let i = s * ss, end = Math.min(total, (s + 1) * ss); i < end; i++) if (voxels[i] === label) n++;
      areas[s] = n;
    }
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
