import { describe, expect, it } from 'vitest';
import { percentileOfSorted, robustRange, toThreeChannels, unitScale } from './normalize';

describe('percentiles', () => {
  it('interpolate like numpy.percentile', () => {
    const values = Array.from({ length: 101 }, (_, n) => n); // 0..100
    expect(percentileOfSorted(values, 0.5)).toBeCloseTo(0.5, 12);
    expect(percentileOfSorted(values, 99.5)).toBeCloseTo(99.5, 12);
    // np.percentile([1, 2, 3, 4], [0.5, 99.5]) = [1.015, 3.985]
    expect(robustRange([4, 1, 3, 2], 0.5, 99.5)).toEqual([expect.closeTo(1.015, 12), expect.closeTo(3.985, 12)]);
  });

  it('ignore outliers that min/max would follow, and non-finite values', () => {
    const values = new Float32Array(10_000).map((_, n) => n % 100);
    values[0] = 1e6;
    values[1] = Number.NaN;
    const [low, high] = robustRange(values, 0.5, 99.5);
    expect(low).toBe(0);
    expect(high).toBe(99);
  });

  it('match a full sort on random data (quickselect)', () => {
    const values = new Float64Array(5001).map((_, n) => Math.sin(n * 12.9898) * 43758.5453 - Math.floor(Math.sin(n * 12.9898) * 43758.5453));
    const sorted = Float64Array.from(values).sort();
    for (const p of [0, 0.5, 13.7, 50, 99.5, 100]) {
      expect(robustRange(values, p, p)[0]).toBeCloseTo(percentileOfSorted(sorted, p), 12);
    }
  });

  it('subsample large inputs with a fixed stride', () => {
    const values = new Float32Array(1000).map((_, n) => n);
    expect(robustRange(values, 0, 100, 100)).toEqual([0, 990]);
  });
});

describe('unit scaling and channels', () => {
  it('clips to [0, 1] and standardises each replicated channel', () => {
    expect(unitScale(-5, 0, 10)).toBe(0);
    expect(unitScale(5, 0, 10)).toBe(0.5);
    expect(unitScale(50, 0, 10)).toBe(1);
    expect(unitScale(3, 3, 3)).toBe(0);
    const out = toThreeChannels(new Float32Array([0, 1]), [0.5, 0.4, 0.3], [0.5, 0.2, 0.1]);
    expect(Array.from(out)).toEqual([-1, 1, -2, 3, -3, 7].map((v) => expect.closeTo(v, 5) as unknown as number));
  });
});
