/**
 * Segment surfaces for the 3D view: which segments changed between two label maps, and a smoothed
 * triangle mesh per segment (surface nets over the segment's cropped mask, Taubin smoothing, point
 * normals). Pure and DOM-free: it runs in the 3D view's worker, in Vitest and in the benchmark.
 */
import type { VolumeGeometry } from '../../../electron/common/volume';
import type { LabelArray } from '../segmentation/paint';

/** A triangle mesh in world coordinates (mm), ready for a vtkPolyData on the page. */
export interface SurfaceMesh {
  /** x, y, z per point. */
  readonly points: Float32Array<ArrayBuffer>;
  /** Unit normal per point. */
  readonly normals: Float32Array<ArrayBuffer>;
  /** vtk's cell layout: 3, a, b, c for every triangle. */
  readonly polys: Uint32Array<ArrayBuffer>;
}

/** Inclusive index bounds of a segment's voxels. */
export interface VoxelBox {
  readonly min: readonly [number, number, number];
  readonly max: readonly [number, number, number];
}

export interface SmoothingOptions {
  /** Taubin λ|μ iterations (0: the raw, blocky surface-nets mesh). */
  readonly iterations: number;
  /** Pass-band frequency (0–1); smaller smooths more. */
  readonly passBand: number;
}

export const DEFAULT_SMOOTHING: SmoothingOptions = { iterations: 20, passBand: 0.1 };

/**
 * Values (other than 0) held by some voxel in one map and not at the same voxel in the other: the
 * segments whose surfaces must be rebuilt. Without a previous map, every value present.
 */
export function changedValues(previous: LabelArray | undefined, next: LabelArray): Set<number> {
  const changed = new Set<number>();
  if (previous?.length !== next.length) {
    for (const value of presentValues(next)) changed.add(value);
    if (previous !== undefined) for (const value of presentValues(previous)) changed.add(value);
    return changed;
  }
  for (let n = 0; n < next.length; n++) {
    const before = previous[n] ?? 0;
    const after = next[n] ?? 0;
    if (before === after) continue;
    if (before !== 0) changed.add(before);
    if (after !== 0) changed.add(after);
  }
  return changed;
}

function presentValues(labels: LabelArray): Set<number> {
  const present = new Set<number>();
  for (let n = 0; n < labels.length; n++) {
    const value = labels[n] ?? 0;
    if (value !== 0) present.add(value);
  }
  return present;
}

/** The bounding box of each wanted value, in one pass; values with no voxel are absent. */
export function boundingBoxes(
  labels: LabelArray,
  size: readonly [number, number, number],
  values: ReadonlySet<number>,
): Map<number, VoxelBox> {
  const bounds = new Map<number, [number, number, number, number, number, number]>();
  const [nx, ny, nz] = size;
  let n = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, n++) {
        const value = labels[n] ?? 0;
        if (value === 0 || !values.has(value)) continue;
        const b = bounds.get(value);
        if (b === undefined) bounds.set(value, [i, j, k, i, j, k]);
        else {
          if (i < b[0]) b[0] = i;
          if (j < b[1]) b[1] = j;
          if (k < b[2]) b[2] = k;
          if (i > b[3]) b[3] = i;
          if (j > b[4]) b[4] = j;
          if (k > b[5]) b[5] = k;
        }
      }
  const boxes = new Map<number, VoxelBox>();
  for (const [value, b] of bounds) boxes.set(value, { min: [b[0], b[1], b[2]], max: [b[3], b[4], b[5]] });
  return boxes;
}

/** The segment's mask cropped to `box` with a one-voxel empty border, so every surface closes. */
export function croppedMask(labels: LabelArray, size: readonly [number, number, number], value: number, box: VoxelBox): CroppedMask {
  const [nx, ny] = size;
  const start: [number, number, number] = [box.min[0] - 1, box.min[1] - 1, box.min[2] - 1];
  const dims: [number, number, number] = [box.max[0] - box.min[0] + 3, box.max[1] - box.min[1] + 3, box.max[2] - box.min[2] + 3];
  const mask = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let k = 1; k < dims[2] - 1; k++)
    for (let j = 1; j < dims[1] - 1; j++) {
      const source = start[0] + 1 + nx * (start[1] + j + ny * (start[2] + k));
      const target = 1 + dims[0] * (j + dims[1] * k);
      for (let i = 0; i < dims[0] - 2; i++) if (labels[source + i] === value) mask[target + i] = 1;
    }
  return { mask, dims, start };
}

export interface CroppedMask {
  readonly mask: Uint8Array;
  readonly dims: readonly [number, number, number];
  /** Index of the crop's voxel (0, 0, 0) in the volume. */
  readonly start: readonly [number, number, number];
}

/**
 * The surface of one segment: surface nets over its cropped mask (one vertex per boundary cube,
 * one quad per boundary face), Taubin-smoothed in millimetres, then placed in the world by the
 * volume's direction and origin. vtk.js's marching cubes and windowed-sinc filters give a similar
 * surface but took 10–30 times longer on the knee's femur (scripts/bench-view3d.mjs prints both).
 */
export function extractSurface(
  labels: LabelArray,
  geometry: VolumeGeometry,
  value: number,
  box: VoxelBox,
  smoothing: SmoothingOptions = DEFAULT_SMOOTHING,
): SurfaceMesh {
  const crop = croppedMask(labels, geometry.size, value, box);
  const { points, quads } = surfaceNets(crop, geometry.spacing);
  taubinSmooth(points, quads, smoothing.iterations, smoothing.passBand);
  const polys = quadsToTriangles(quads);
  const normals = pointNormals(points, polys);
  rotateIntoWorld(points, normals, geometry);
  return { points, normals, polys };
}

/**
 * Naive surface nets on a binary mask: a vertex in each cube of 2×2×2 voxels whose corners
 * disagree, at the mean of its crossing edges' midpoints; a quad for each pair of face-neighbour
 * voxels that disagree, joining the four cubes around their shared face. Two slabs of vertex ids
 * keep memory to the mesh plus the mask.
 */
function surfaceNets(crop: CroppedMask, spacing: readonly [number, number, number]): { points: Float32Array<ArrayBuffer>; quads: Uint32Array<ArrayBuffer> } {
  const { mask, dims, start } = crop;
  const [dx, dy, dz] = dims;
  const sx = dx;
  const sxy = dx * dy;
  const cubesX = dx - 1;
  const cubesXY = cubesX * (dy - 1);
  let previous = new Int32Array(cubesXY).fill(-1);
  let current = new Int32Array(cubesXY).fill(-1);
  const points: number[] = [];
  const quads: number[] = [];
  // The 12 edges of a cube as pairs of corner offsets (corner bit 0: +i, bit 1: +j, bit 2: +k).
  const edges = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((a) => [1, 2, 4].filter((bit) => (a & bit) === 0).map((bit) => [a, a | bit] as const));
  const cornerOffset = [0, 1, sx, sx + 1, sxy, sxy + 1, sxy + sx, sxy + sx + 1];
  const corner = new Uint8Array(8);
  const cube = (ci: number, cj: number, slab: Int32Array): number => slab[ci + cubesX * cj] ?? -1;
  for (let k = 0; k < dz - 1; k++) {
    [previous, current] = [current, previous];
    current.fill(-1);
    for (let j = 0; j < dy - 1; j++) {
      // Voxels set in the 2×2 column at x = i (the four rows this row of cubes spans), slid along i:
      // four reads per cube, and the eight corners only for cubes on the boundary.
      const row = sx * j + sxy * k;
      let left = (mask[row] ?? 0) + (mask[row + sx] ?? 0) + (mask[row + sxy] ?? 0) + (mask[row + sxy + sx] ?? 0);
      for (let i = 0; i < dx - 1; i++) {
        const base = row + i;
        const right = (mask[base + 1] ?? 0) + (mask[base + sx + 1] ?? 0) + (mask[base + sxy + 1] ?? 0) + (mask[base + sxy + sx + 1] ?? 0);
        const inside = left + right;
        left = right;
        if (inside === 0 || inside === 8) continue;
        for (let c = 0; c < 8; c++) corner[c] = mask[base + (cornerOffset[c] ?? 0)] ?? 0;
        let x = 0;
        let y = 0;
        let z = 0;
        let crossings = 0;
        for (const [a, b] of edges) {
          if (corner[a] === corner[b]) continue;
          x += ((a & 1) + (b & 1)) / 2;
          y += (((a >> 1) & 1) + ((b >> 1) & 1)) / 2;
          z += (((a >> 2) & 1) + ((b >> 2) & 1)) / 2;
          crossings++;
        }
        current[i + cubesX * j] = points.length / 3;
        points.push(
          (start[0] + i + x / crossings) * spacing[0],
          (start[1] + j + y / crossings) * spacing[1],
          (start[2] + k + z / crossings) * spacing[2],
        );
      }
    }
    // Faces between voxels in the plane k (their four cubes lie in slabs k - 1 and k) and along k
    // (cubes in slab k only); the mask's empty border keeps every crossing face inside the crop.
    for (let j = 0; j < dy - 1; j++)
      for (let i = 0; i < dx - 1; i++) {
        const v = i + sx * j + sxy * k;
        const here = mask[v] ?? 0;
        if (k > 0 && j > 0 && here !== (mask[v + 1] ?? 0)) {
          // Between (i, j, k) and (i + 1, j, k): the cubes (i, j-1..j, k-1..k) around that edge.
          pushQuad(quads, here === 1, cube(i, j - 1, previous), cube(i, j, previous), cube(i, j, current), cube(i, j - 1, current));
        }
        if (k > 0 && i > 0 && here !== (mask[v + sx] ?? 0)) {
          pushQuad(quads, here === 1, cube(i - 1, j, previous), cube(i - 1, j, current), cube(i, j, current), cube(i, j, previous));
        }
        if (i > 0 && j > 0 && here !== (mask[v + sxy] ?? 0)) {
          pushQuad(quads, here === 1, cube(i - 1, j - 1, current), cube(i, j - 1, current), cube(i, j, current), cube(i - 1, j, current));
        }
      }
  }
  return { points: Float32Array.from(points), quads: Uint32Array.from(quads) };
}

/** Appends a quad, reversed when the inside is on the other side, so every face points out. */
function pushQuad(quads: number[], insideFirst: boolean, a: number, b: number, c: number, d: number): void {
  if (a < 0 || b < 0 || c < 0 || d < 0) return;
  if (insideFirst) quads.push(a, b, c, d);
  else quads.push(d, c, b, a);
}

/**
 * Taubin's λ|μ smoothing (a shrink step then an inflate step per iteration): low-pass like
 * windowed-sinc, without Laplacian smoothing's shrinking. `passBand` sets μ from λ = 0.5 through
 * the pass-band frequency k_PB = 1/λ + 1/μ. Neighbours are the quads' edges (each counted twice on
 * a closed surface, so weights stay uniform).
 */
function taubinSmooth(points: Float32Array, quads: Uint32Array, iterations: number, passBand: number): void {
  if (iterations <= 0 || quads.length === 0) return;
  const count = points.length / 3;
  const offsets = new Uint32Array(count + 1);
  for (let q = 0; q < quads.length; q += 4)
    for (let c = 0; c < 4; c++) {
      const after = (quads[q + c] ?? 0) + 1;
      offsets[after] = (offsets[after] ?? 0) + 2;
    }
  for (let n = 0; n < count; n++) offsets[n + 1] = (offsets[n + 1] ?? 0) + (offsets[n] ?? 0);
  const neighbours = new Uint32Array(offsets[count] ?? 0);
  const fill = offsets.slice(0, count);
  for (let q = 0; q < quads.length; q += 4)
    for (let c = 0; c < 4; c++) {
      const a = quads[q + c] ?? 0;
      const b = quads[q + ((c + 1) % 4)] ?? 0;
      const atA = fill[a] ?? 0;
      const atB = fill[b] ?? 0;
      neighbours[atA] = b;
      neighbours[atB] = a;
      fill[a] = atA + 1;
      fill[b] = atB + 1;
    }
  const lambda = 0.5;
  const mu = 1 / (passBand - 1 / lambda);
  const delta = new Float32Array(points.length);
  const step = (factor: number): void => {
    for (let n = 0; n < count; n++) {
      const from = offsets[n] ?? 0;
      const to = offsets[n + 1] ?? 0;
      if (to === from) continue;
      let x = 0;
      let y = 0;
      let z = 0;
      for (let e = from; e < to; e++) {
        const m = 3 * (neighbours[e] ?? 0);
        x += points[m] ?? 0;
        y += points[m + 1] ?? 0;
        z += points[m + 2] ?? 0;
      }
      const inverse = 1 / (to - from);
      delta[3 * n] = factor * (x * inverse - (points[3 * n] ?? 0));
      delta[3 * n + 1] = factor * (y * inverse - (points[3 * n + 1] ?? 0));
      delta[3 * n + 2] = factor * (z * inverse - (points[3 * n + 2] ?? 0));
    }
    for (let n = 0; n < points.length; n++) points[n] = (points[n] ?? 0) + (delta[n] ?? 0);
  };
  for (let it = 0; it < iterations; it++) {
    step(lambda);
    step(mu);
  }
}

/** vtk's cell layout, two triangles per quad: 3, a, b, c, 3, a, c, d. */
function quadsToTriangles(quads: Uint32Array): Uint32Array<ArrayBuffer> {
  const polys = new Uint32Array((quads.length / 4) * 8);
  for (let q = 0, p = 0; q < quads.length; q += 4, p += 8) {
    const [a, b, c, d] = [quads[q] ?? 0, quads[q + 1] ?? 0, quads[q + 2] ?? 0, quads[q + 3] ?? 0];
    polys.set([3, a, b, c, 3, a, c, d], p);
  }
  return polys;
}

/** Area-weighted vertex normals (unit length). */
function pointNormals(points: Float32Array, polys: Uint32Array): Float32Array<ArrayBuffer> {
  const normals = new Float32Array(points.length);
  for (let p = 0; p < polys.length; p += 4) {
    const a = 3 * (polys[p + 1] ?? 0);
    const b = 3 * (polys[p + 2] ?? 0);
    const c = 3 * (polys[p + 3] ?? 0);
    const ux = (points[b] ?? 0) - (points[a] ?? 0);
    const uy = (points[b + 1] ?? 0) - (points[a + 1] ?? 0);
    const uz = (points[b + 2] ?? 0) - (points[a + 2] ?? 0);
    const vx = (points[c] ?? 0) - (points[a] ?? 0);
    const vy = (points[c + 1] ?? 0) - (points[a + 1] ?? 0);
    const vz = (points[c + 2] ?? 0) - (points[a + 2] ?? 0);
    const nx = uy * vz - uz * vy;
    const ny = uz * vx - ux * vz;
    const nz = ux * vy - uy * vx;
    for (const v of [a, b, c]) {
      normals[v] = (normals[v] ?? 0) + nx;
      normals[v + 1] = (normals[v + 1] ?? 0) + ny;
      normals[v + 2] = (normals[v + 2] ?? 0) + nz;
    }
  }
  for (let n = 0; n < normals.length; n += 3) {
    const length = Math.hypot(normals[n] ?? 0, normals[n + 1] ?? 0, normals[n + 2] ?? 0) || 1;
    normals[n] = (normals[n] ?? 0) / length;
    normals[n + 1] = (normals[n + 1] ?? 0) / length;
    normals[n + 2] = (normals[n + 2] ?? 0) / length;
  }
  return normals;
}

/** The mesh is in millimetres along the index axes: apply the direction, then the origin. */
function rotateIntoWorld(points: Float32Array, normals: Float32Array, geometry: VolumeGeometry): void {
  const d = geometry.direction;
  const rotate = (array: Float32Array, offset: readonly [number, number, number]): void => {
    for (let n = 0; n + 2 < array.length; n += 3) {
      const x = array[n] ?? 0;
      const y = array[n + 1] ?? 0;
      const z = array[n + 2] ?? 0;
      array[n] = offset[0] + d[0] * x + d[1] * y + d[2] * z;
      array[n + 1] = offset[1] + d[3] * x + d[4] * y + d[5] * z;
      array[n + 2] = offset[2] + d[6] * x + d[7] * y + d[8] * z;
    }
  };
  rotate(points, geometry.origin);
  rotate(normals, [0, 0, 0]);
}

export interface SurfaceUpdate {
  /** New meshes for changed segments; a changed value without a mesh has no voxels left. */
  readonly meshes: ReadonlyMap<number, SurfaceMesh>;
  readonly removed: readonly number[];
}

/** Rebuilds the surfaces of `values` (the changed segments) from `labels`. */
export function rebuildSurfaces(
  labels: LabelArray,
  geometry: VolumeGeometry,
  values: ReadonlySet<number>,
  smoothing: SmoothingOptions = DEFAULT_SMOOTHING,
): SurfaceUpdate {
  const boxes = boundingBoxes(labels, geometry.size, values);
  const meshes = new Map<number, SurfaceMesh>();
  for (const [value, box] of boxes) meshes.set(value, extractSurface(labels, geometry, value, box, smoothing));
  return { meshes, removed: [...values].filter((value) => !boxes.has(value)) };
}
