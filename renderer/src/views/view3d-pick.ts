/**
 * Click-to-locate in the 3D view: the first voxel of a visible segment along the ray under the
 * pointer. Marching the label map (half a voxel per step) rather than the smoothed meshes keeps
 * the answer on a labelled voxel, and costs at most a few thousand reads.
 */
import { worldToIndex, type Vec3, type VolumeGeometry } from '../../../electron/common/volume';
import type { LabelArray } from '../segmentation/paint';

/** Where the ray enters and leaves the volume's voxel box (in ray parameter t), if it meets it. */
function clipToBox(start: Vec3, step: Vec3, size: Vec3): [number, number] | undefined {
  let enter = 0;
  let exit = Infinity;
  for (let axis = 0; axis < 3; axis++) {
    const s = start[axis] ?? 0;
    const d = step[axis] ?? 0;
    const low = -0.5;
    const high = (size[axis] ?? 0) - 0.5;
    if (Math.abs(d) < 1e-12) {
      if (s < low || s > high) return undefined;
      continue;
    }
    const a = (low - s) / d;
    const b = (high - s) / d;
    enter = Math.max(enter, Math.min(a, b));
    exit = Math.min(exit, Math.max(a, b));
  }
  return enter <= exit ? [enter, exit] : undefined;
}

/**
 * The first voxel (integer index) holding one of `values` along the ray from `near` towards `far`
 * (world points, e.g. the pointer on the near and far clipping planes), or undefined.
 */
export function firstVoxelAlongRay(
  labels: LabelArray,
  geometry: VolumeGeometry,
  values: ReadonlySet<number>,
  near: Vec3,
  far: Vec3,
): Vec3 | undefined {
  const start = worldToIndex(geometry, near);
  const end = worldToIndex(geometry, far);
  const delta: Vec3 = [end[0] - start[0], end[1] - start[1], end[2] - start[2]];
  const longest = Math.max(Math.abs(delta[0]), Math.abs(delta[1]), Math.abs(delta[2]));
  if (longest === 0 || values.size === 0) return undefined;
  const clipped = clipToBox(start, delta, geometry.size);
  if (clipped === undefined) return undefined;
  const [nx, ny, nz] = geometry.size;
  const dt = 0.5 / longest;
  for (let t = clipped[0]; t <= clipped[1]; t += dt) {
    const i = Math.round(start[0] + t * delta[0]);
    const j = Math.round(start[1] + t * delta[1]);
    const k = Math.round(start[2] + t * delta[2]);
    if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
    if (values.has(labels[i + nx * (j + ny * k)] ?? 0)) return [i, j, k];
  }
  return undefined;
}
