import { describe, expect, it } from 'vitest';
import { binVoxels } from './bin-voxels';
import { indexToWorld, type Mat3, type Volume } from './volume';

// An oblique, anisotropic geometry, so an origin or spacing slip shows up in world positions.
const direction: Mat3 = [0, 0, -1, 1, 0, 0, 0, -1, 0];
function ramp(size: [number, number, number]): Volume {
  const voxels = new Int16Array(size[0] * size[1] * size[2]).map((_, n) => n);
  return { geometry: { size, spacing: [0.3125, 0.3125, 1.5], origin: [13, -68, 79], direction }, componentType: 'int16', voxels };
}

describe('binVoxels', () => {
  const source = ramp([4, 6, 3]);
  const binned = binVoxels(source, [2, 2, 1]);

  it('halves the slice, keeps the slices and the orientation', () => {
    expect(binned.geometry.size).toEqual([2, 3, 3]);
    expect(binned.geometry.spacing).toEqual([0.625, 0.625, 1.5]);
    expect(binned.geometry.direction).toEqual(direction);
    expect(binned.componentType).toBe('int16');
  });

  it('puts each output voxel at the mean world position of its block, holding the block mean', () => {
    for (const [i, j, k] of [
      [0, 0, 0],
      [1, 2, 2],
      [1, 0, 1],
    ] as const) {
      const block = [0, 1].flatMap((b) => [0, 1].map((a) => [2 * i + a, 2 * j + b, k] as const));
      const centres = block.map((idx) => indexToWorld(source.geometry, idx));
      const expectedWorld = [0, 1, 2].map((c) => centres.reduce((s, p) => s + (p[c] ?? 0), 0) / 4);
      const world = indexToWorld(binned.geometry, [i, j, k]);
      world.forEach((w, c) => expect(w).toBeCloseTo(expectedWorld[c] ?? NaN, 9));
      const values = block.map(([a, b, c]) => a + 4 * b + 24 * c);
      expect(binned.voxels[i + 2 * j + 6 * k]).toBe(Math.round(values.reduce((s, v) => s + v, 0) / 4));
    }
  });

  it('refuses factors that are not whole numbers and volumes smaller than a block', () => {
    expect(() => binVoxels(source, [1.5, 1, 1])).toThrow(/whole numbers/);
    expect(() => binVoxels(source, [8, 1, 1])).toThrow(/smaller than one 8×1×1 block/);
  });
});
