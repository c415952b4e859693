/**
 * Lays a DICOM SEG's voxels onto the grid of the series it was drawn on. A SEG stores only the
 * frames it needs (empty slices are skipped), so the reader gets a stack that covers part of the
 * series, perhaps in another slice order: each of its axes must run along one axis of the series
 * with the same step, and its first voxel must sit on a series voxel. Pure, so it is tested on
 * synthetic geometries.
 */
import { indexToWorld, voxelCount, worldToIndex, type Vec3, type VolumeGeometry } from '../../common/volume';

/** How far (in voxels) a SEG voxel may sit from a series voxel: positions are stored as rounded decimal text. */
const POSITION_TOLERANCE_VOXELS = 0.05;
/** How far a SEG axis step may differ from one series step (fraction of a voxel). */
const STEP_TOLERANCE = 1e-3;

export interface GridPlacement {
  /** Series index of the SEG's voxel (0, 0, 0). */
  readonly offset: Vec3;
  /** For each SEG axis, the series axis it runs along and the direction (+1 or -1). */
  readonly axes: readonly [0 | 1 | 2, 0 | 1 | 2, 0 | 1 | 2];
  readonly signs: Vec3;
}

function round3(values: readonly number[]): string {
  return values.map((v) => Number(v.toFixed(3))).join(', ');
}

/**
 * Where `part` lies on `grid`, or one sentence (without a subject, for the caller's) saying why it
 * does not: another orientation, another slice step, positions between the series' slices, or
 * frames outside the series.
 */
export function placeOnGrid(part: VolumeGeometry, grid: VolumeGeometry): GridPlacement | { readonly problem: string } {
  const start = worldToIndex(grid, part.origin);
  const axes: (0 | 1 | 2)[] = [];
  const signs: number[] = [];
  for (let a = 0; a < 3; a++) {
    const unit: Vec3 = [a === 0 ? 1 : 0, a === 1 ? 1 : 0, a === 2 ? 1 : 0];
    const next = worldToIndex(grid, indexToWorld(part, unit));
    const step = [next[0] - start[0], next[1] - start[1], next[2] - start[2]];
    const along = step.findIndex((s) => Math.abs(Math.abs(s) - 1) <= STEP_TOLERANCE);
    const others = step.filter((_, b) => b !== along);
    if (along < 0 || others.some((s) => Math.abs(s) > STEP_TOLERANCE)) {
      return {
        problem: `its voxel axis ${a} steps (${round3(step)}) series voxels, so it was not drawn on this series' grid (another orientation or spacing)`,
      };
    }
    axes.push(along as 0 | 1 | 2);
    signs.push(Math.sign(step[along] ?? 1));
  }
  if (new Set(axes).size !== 3) return { problem: 'two of its axes run along the same series axis' };
  // "+ 0" turns a rounded -0 into 0.
  const offset = start.map((s) => Math.round(s) + 0) as [number, number, number];
  const off = start.map((s, n) => Math.abs(s - (offset[n] ?? 0)));
  if (off.some((d) => d > POSITION_TOLERANCE_VOXELS)) {
    return { problem: `its first frame lies between the series' voxels (at series index ${round3(start)})` };
  }
  for (let a = 0; a < 3; a++) {
    const b = axes[a] ?? 0;
    const first = offset[b];
    const last = first + (signs[a] ?? 1) * ((part.size[a] ?? 1) - 1);
    if (Math.min(first, last) < 0 || Math.max(first, last) >= grid.size[b]) {
      return {
        problem: `its frames reach series index ${Math.min(first, last)}–${Math.max(first, last)} along axis ${b}, outside the series' 0–${grid.size[b] - 1}`,
      };
    }
  }
  return { offset, axes: [axes[0] ?? 0, axes[1] ?? 1, axes[2] ?? 2], signs: [signs[0] ?? 1, signs[1] ?? 1, signs[2] ?? 1] };
}

/** Writes `part`'s voxels (i fastest) into a new array of `grid`'s size, at `placement`; the rest is 0. */
export function copyOntoGrid<T extends Uint8Array | Uint16Array>(
  voxels: ArrayLike<number>,
  partSize: Vec3,
  grid: VolumeGeometry,
  placement: GridPlacement,
  make: (length: number) => T,
): T {
  const out = make(voxelCount(grid.size));
  const strides = [1, grid.size[0], grid.size[0] * grid.size[1]];
  const delta = placement.axes.map((b, a) => (placement.signs[a] ?? 1) * (strides[b] ?? 0));
  const [di = 0, dj = 0, dk = 0] = delta;
  const base = placement.offset.reduce((sum, o, b) => sum + o * (strides[b] ?? 0), 0);
  const [nx, ny, nz] = partSize;
  let n = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let target = base + j * dj + k * dk;
      for (let i = 0; i < nx; i++, n++, target += di) {
        const value = voxels[n] ?? 0;
        if (value !== 0) out[target] = value;
      }
    }
  }
  return out;
}
