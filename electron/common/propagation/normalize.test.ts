import { describe, expect, it } from 'vitest';
import { normalizeSlice, padTo, percentileWindow } from './normalize';

describe('propagation input normalisation', () => {
  it('windows, standardises per channel and pads with what a zero pixel would give', () => {
    // 3 × 2 slice, window [10, 20], padded to 4 × 3; two channels with their own mean and std.
    const slice = Float32Array.of(5, 10, 15, 20, 25, 12.5);
    const out = normalizeSlice(
      slice,
      3,
      2,
      { low: 10, high: 20 },
      { mean: [0.5, 0.25], std: [0.5, 0.25] },
      2,
      4,
      3,
    );
    const unit = [0, 0, 0.5, 1, 1, 0.25];
    expect(out.length).toBe(2 * 12);
    for (const [c, mean, std] of [
      [0, 0.5, 0.5],
      [1, 0.25, 0.25],
    ] as const) {
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 4; x++) {
          const inside = x < 3 && y < 2;
          const v = inside ? (unit[y * 3 + x] ?? NaN) : Math.min(1, Math.max(0, (0 - 10) / 10));
          expect(out[c * 12 + y * 4 + x]).toBeCloseTo((v - mean) / std, 6);
        }
    }
  });

  it('replicates one mean and std over every channel', () => {
    const out = normalizeSlice(
      Float32Array.of(0, 1),
      2,
      1,
      { low: 0, high: 1 },
      { mean: 0.5, std: 2 },
      3,
      2,
      1,
    );
    expect(Array.from(out)).toEqual([-0.25, 0.25, -0.25, 0.25, -0.25, 0.25]);
  });

  it('finds percentile windows and pads sizes to the stride', () => {
    const voxels = Float32Array.from({ length: 1001 }, (_, i) => i);
    const w = percentileWindow(voxels, 1, 99);
    expect(w.low).toBeGreaterThan(9);
    expect(w.low).toBeLessThan(11);
    expect(w.high).toBeGreaterThan(989);
    expect(w.high).toBeLessThan(991);
    expect(percentileWindow(Float32Array.of(3, 3, 3), 1, 99)).toEqual({ low: 3, high: 4 });
    expect(padTo(384, 16)).toBe(384);
    expect(padTo(385, 16)).toBe(400);
  });
});
