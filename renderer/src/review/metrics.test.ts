import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../../electron/common/volume';
import { squaredEdt3d } from './edt3d';
import { errorsPerSlice, hd95, overlapMetrics, rankSlices } from './metrics';

function box(size: Vec3, lo: Vec3, hi: Vec3, value = 1, into?: Uint8Array): Uint8Array {
  const out = into ?? new Uint8Array(size[0] * size[1] * size[2]);
  for (let k = lo[2]; k <= hi[2]; k++)
    for (let j = lo[1]; j <= hi[1]; j++)
      for (let i = lo[0]; i <= hi[0]; i++) out[i + size[0] * (j + size[1] * k)] = value;
  return out;
}

describe('squaredEdt3d', () => {
  it('matches brute force with anisotropic spacing', () => {
    const size: Vec3 = [7, 5, 4];
    const spacing: Vec3 = [0.5, 1, 3];
    const feature = new Uint8Array(7 * 5 * 4);
    const points: Vec3[] = [[1, 1, 0], [6, 4, 3], [3, 0, 2]];
    for (const [i, j, k] of points) feature[i + 7 * (j + 5 * k)] = 1;
    const d = squaredEdt3d(feature, size, spacing);
    let n = 0;
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 5; j++)
        for (let i = 0; i < 7; i++, n++) {
          const best = Math.min(
            ...points.map(([a, b, c]) => ((i - a) * 0.5) ** 2 + (j - b) ** 2 + ((k - c) * 3) ** 2),
          );
          expect(d[n]).toBeCloseTo(best, 9);
        }
  });
});

describe('overlap metrics', () => {
  const size: Vec3 = [10, 10, 10];
  it('are perfect for identical masks', () => {
    const a = box(size, [2, 2, 2], [5, 5, 5]);
    const m = overlapMetrics(a, a, 1, size, [1, 1, 1]);
    expect(m.dice).toBe(1);
    expect(m.iou).toBe(1);
    expect(m.sensitivity).toBe(1);
    expect(m.ppv).toBe(1);
    expect(m.hd95).toBe(0);
  });

  it('count overlap of known boxes', () => {
    const a = box(size, [0, 0, 0], [3, 0, 0]); // 4 voxels
    const b = box(size, [2, 0, 0], [7, 0, 0]); // 6 voxels, 2 shared
    const m = overlapMetrics(a, b, 1, size, [1, 1, 1], false);
    expect(m.both).toBe(2);
    expect(m.dice).toBeCloseTo(4 / 10);
    expect(m.iou).toBeCloseTo(2 / 8);
    expect(m.sensitivity).toBeCloseTo(2 / 6);
    expect(m.ppv).toBeCloseTo(2 / 4);
  });

  it('measure HD95 in millimetres, respecting spacing', () => {
    // Two one-voxel-thick sheets three slices apart along k: every surface distance is 3 slices.
    const a = box(size, [0, 0, 2], [9, 9, 2]);
    const b = box(size, [0, 0, 5], [9, 9, 5]);
    expect(hd95(a, b, 1, size, [1, 1, 1])).toBeCloseTo(3);
    expect(hd95(a, b, 1, size, [0.5, 0.5, 2.5])).toBeCloseTo(7.5);
    // One empty side: undefined.
    expect(hd95(a, new Uint8Array(1000), 1, size, [1, 1, 1])).toBeNaN();
  });

  it('only count the asked value', () => {
    const a = box(size, [0, 0, 0], [1, 1, 1], 2);
    const m = overlapMetrics(a, a, 1, size, [1, 1, 1]);
    expect(m.dice).toBeNaN();
    expect(m.working).toBe(0);
  });
});

describe('slice ranking', () => {
  it('counts false voxels and a Dice per slice', () => {
    const size: Vec3 = [4, 4, 3];
    const a = box(size, [0, 0, 0], [3, 3, 2]);
    const b = box(size, [0, 0, 0], [3, 3, 0]);
    box(size, [0, 0, 1], [1, 3, 1], 1, b);
    const errors = errorsPerSlice(a, b, size, 2);
    expect([...errors.falseVoxels]).toEqual([0, 8, 16]);
    expect([...errors.agree]).toEqual([16, 8, 0]);
    expect([...errorsPerSlice(a, b, size, 2, new Set([3])).falseVoxels]).toEqual([0, 0, 0]);
    expect(rankSlices(errors)).toEqual([
      { slice: 2, voxels: 16, dice: 0 },
      { slice: 1, voxels: 8, dice: (2 * 8) / (16 + 8) },
    ]);
  });

  it('ranks by error, not by size: a small slice that is all wrong before a large one that is mostly right', () => {
    // Slice 0: a 10×10 square, 20 voxels missing (Dice 0.89). Slice 1: 6 voxels, none found (Dice 0).
    const size: Vec3 = [10, 10, 2];
    const reference = box(size, [0, 0, 0], [9, 9, 0]);
    box(size, [0, 0, 1], [5, 0, 1], 1, reference);
    const working = box(size, [0, 0, 0], [9, 7, 0]);
    const ranked = rankSlices(errorsPerSlice(working, reference, size, 2));
    expect(ranked.map((r) => r.slice)).toEqual([1, 0]);
    expect(ranked[0]).toEqual({ slice: 1, voxels: 6, dice: 0 });
    expect(ranked[1]?.voxels).toBe(20);
    expect(ranked[1]?.dice).toBeCloseTo(160 / 180);
    // Fewer false voxels than the minimum: not worth a visit.
    expect(rankSlices(errorsPerSlice(working, reference, size, 2), 20, 10).map((r) => r.slice)).toEqual([0]);
  });
});
