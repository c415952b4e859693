import { describe, expect, it } from 'vitest';
import type { VolumeGeometry } from '../../../electron/common/volume';
import { boundingBoxes, changedValues, extractSurface, rebuildSurfaces } from './view3d-surfaces';

function ball(size: number, centre: readonly [number, number, number], radius: number, value: number, into?: Uint8Array): Uint8Array {
  const labels = into ?? new Uint8Array(size * size * size);
  for (let k = 0; k < size; k++)
    for (let j = 0; j < size; j++)
      for (let i = 0; i < size; i++) {
        const d = Math.hypot(i - centre[0], j - centre[1], k - centre[2]);
        if (d <= radius) labels[i + size * (j + size * k)] = value;
      }
  return labels;
}

const geometry = (size: number, spacing: readonly [number, number, number] = [1, 1, 1]): VolumeGeometry => ({
  size: [size, size, size],
  spacing: [...spacing],
  origin: [10, -20, 5],
  // Index i runs along -x, j along +y, k along +z (a flipped, LPS-like frame).
  direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1],
});

describe('changedValues', () => {
  it('names the values on both sides of every changed voxel', () => {
    const before = Uint8Array.from([0, 1, 1, 2, 0, 3]);
    const after = Uint8Array.from([0, 1, 4, 2, 2, 3]);
    expect([...changedValues(before, after)].sort()).toEqual([1, 2, 4]);
  });

  it('takes every present value without a previous map', () => {
    expect([...changedValues(undefined, Uint8Array.from([0, 5, 5, 7]))].sort()).toEqual([5, 7]);
  });
});

describe('boundingBoxes', () => {
  it('bounds each wanted value and skips the others', () => {
    const labels = ball(20, [8, 9, 10], 3, 1);
    labels[0] = 2;
    const boxes = boundingBoxes(labels, [20, 20, 20], new Set([1, 3]));
    expect(boxes.get(1)).toEqual({ min: [5, 6, 7], max: [11, 12, 13] });
    expect(boxes.has(2)).toBe(false);
    expect(boxes.has(3)).toBe(false);
  });
});

describe('extractSurface', () => {
  // Surface nets joins voxels that touch only along an edge with four faces there, so "closed"
  // here means no hole: every edge is shared by an even number of triangles.
  it('builds a closed surface: no edge borders a single triangle', () => {
    const size = 20;
    const g = geometry(size);
    const labels = ball(size, [9, 10, 10], 5, 1);
    ball(size, [14, 10, 10], 3, 1, labels);
    const box = boundingBoxes(labels, g.size, new Set([1])).get(1);
    if (box === undefined) throw new Error('no box');
    const { polys } = extractSurface(labels, g, 1, box);
    const uses = new Map<string, number>();
    for (let p = 0; p < polys.length; p += 4) {
      const corners = [polys[p + 1] ?? 0, polys[p + 2] ?? 0, polys[p + 3] ?? 0];
      for (let c = 0; c < 3; c++) {
        const a = corners[c] ?? 0;
        const b = corners[(c + 1) % 3] ?? 0;
        const key = `${Math.min(a, b)}-${Math.max(a, b)}`;
        uses.set(key, (uses.get(key) ?? 0) + 1);
      }
    }
    expect(uses.size).toBeGreaterThan(100);
    expect([...uses.values()].filter((n) => n % 2 !== 0)).toEqual([]);
    expect([...uses.values()].filter((n) => n === 2).length).toBeGreaterThan(0.95 * uses.size);
  });

  it('closes a smoothed surface around a ball, in world millimetres', () => {
    const size = 32;
    const g = geometry(size, [0.5, 1, 2]);
    const labels = ball(size, [16, 16, 16], 8, 3);
    const box = boundingBoxes(labels, g.size, new Set([3])).get(3);
    if (box === undefined) throw new Error('no box');
    const mesh = extractSurface(labels, g, 3, box);
    expect(mesh.points.length).toBeGreaterThan(300);
    expect(mesh.normals.length).toBe(mesh.points.length);
    expect(mesh.polys.length % 4).toBe(0);
    // The ball's centre in the world: origin + direction · (index · spacing).
    const centre = [10 - 16 * 0.5, -20 + 16, 5 + 16 * 2];
    // An ellipsoid with semi-axes 4, 8 and 16 mm: every point is between the smallest and largest, near the surface.
    let min = Infinity;
    let max = 0;
    for (let n = 0; n < mesh.points.length; n += 3) {
      const x = ((mesh.points[n] ?? 0) - (centre[0] ?? 0)) / 4;
      const y = ((mesh.points[n + 1] ?? 0) - (centre[1] ?? 0)) / 8;
      const z = ((mesh.points[n + 2] ?? 0) - (centre[2] ?? 0)) / 16;
      const r = Math.hypot(x, y, z);
      min = Math.min(min, r);
      max = Math.max(max, r);
    }
    expect(min).toBeGreaterThan(0.8);
    expect(max).toBeLessThan(1.2);
    // Normals point outwards (for an ellipsoid, along the gradient of its implicit function).
    let outward = 0;
    for (let n = 0; n < mesh.points.length; n += 3) {
      const gx = ((mesh.points[n] ?? 0) - (centre[0] ?? 0)) / 16;
      const gy = ((mesh.points[n + 1] ?? 0) - (centre[1] ?? 0)) / 64;
      const gz = ((mesh.points[n + 2] ?? 0) - (centre[2] ?? 0)) / 256;
      const dot = gx * (mesh.normals[n] ?? 0) + gy * (mesh.normals[n + 1] ?? 0) + gz * (mesh.normals[n + 2] ?? 0);
      if (dot > 0) outward++;
    }
    expect(outward).toBe(mesh.points.length / 3);
  });
});

describe('rebuildSurfaces', () => {
  it('meshes the changed values that still have voxels and reports the emptied ones', () => {
    const size = 24;
    const labels = ball(size, [8, 8, 8], 4, 1);
    ball(size, [16, 16, 16], 4, 2, labels);
    const update = rebuildSurfaces(labels, geometry(size), new Set([2, 5]), { iterations: 0, passBand: 0.1 });
    expect([...update.meshes.keys()]).toEqual([2]);
    expect(update.removed).toEqual([5]);
  });
});
