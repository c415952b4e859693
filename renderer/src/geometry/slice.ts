/** Slice ↔ index ↔ world helpers shared by the stores and the views. */
import { worldToIndex, type Vec3, type VolumeGeometry } from '../../../electron/common/volume';
import type { IndexAxis } from '../../../electron/common/slice';

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Number of slices along an index axis. */
export function sliceCount(g: VolumeGeometry, axis: IndexAxis): number {
  return g.size[axis];
}

/** The slice a continuous index coordinate falls in, clamped to the volume. */
export function sliceOf(g: VolumeGeometry, index: Vec3, axis: IndexAxis): number {
  return clamp(Math.round(index[axis]), 0, g.size[axis] - 1);
}

/** The index point with each coordinate clamped to the volume's voxel centres. */
export function clampIndex(g: VolumeGeometry, index: Vec3): Vec3 {
  return [
    clamp(index[0], 0, g.size[0] - 1),
    clamp(index[1], 0, g.size[1] - 1),
    clamp(index[2], 0, g.size[2] - 1),
  ];
}

/** The index point snapped to the centre of the voxel it lies in. */
export function roundIndex(g: VolumeGeometry, index: Vec3): Vec3 {
  return [sliceOf(g, index, 0), sliceOf(g, index, 1), sliceOf(g, index, 2)];
}

export { centreIndex } from '../../../electron/common/volume';

/** Moves an index point `delta` slices along `axis`, landing on a slice and staying in the volume. */
export function stepSlice(g: VolumeGeometry, index: Vec3, axis: IndexAxis, delta: number): Vec3 {
  const out: [number, number, number] = [index[0], index[1], index[2]];
  out[axis] = clamp(Math.round(index[axis]) + delta, 0, g.size[axis] - 1);
  return out;
}

/** Sets the slice along `axis` (clamped), leaving the other coordinates as they are. */
export function withSlice(g: VolumeGeometry, index: Vec3, axis: IndexAxis, slice: number): Vec3 {
  const out: [number, number, number] = [index[0], index[1], index[2]];
  out[axis] = clamp(Math.round(slice), 0, g.size[axis] - 1);
  return out;
}

/**
 * The index point a click at `world` selects in a view slicing along `normalAxis`: the in-plane
 * coordinates come from the click (clamped into the volume), the slice stays the current one.
 */
export function pickIndex(g: VolumeGeometry, current: Vec3, world: Vec3, normalAxis: IndexAxis): Vec3 {
  const picked = clampIndex(g, worldToIndex(g, world));
  const out: [number, number, number] = [picked[0], picked[1], picked[2]];
  out[normalAxis] = current[normalAxis];
  return out;
}

/** True when the index point lies inside the volume (within half a voxel of the edge centres). */
export function insideVolume(g: VolumeGeometry, index: Vec3): boolean {
  for (const a of [0, 1, 2] as const) {
    if (index[a] < -0.5 || index[a] > g.size[a] - 0.5) return false;
  }
  return true;
}
