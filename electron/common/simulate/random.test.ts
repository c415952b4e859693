import { describe, expect, it } from 'vitest';
import { createRandom, deriveSeed, inverseNormalCdf, NORMAL_TABLE } from './random';

describe('createRandom', () => {
  it('repeats a seed exactly and separates seeds', () => {
    const draw = (seed: number): number[] => {
      const random = createRandom(seed);
      return Array.from({ length: 8 }, () => random.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(0)).not.toEqual(draw(1));
  });

  it('gives uniform floats in [0, 1)', () => {
    const random = createRandom(7);
    let sum = 0;
    let low = 1;
    let high = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = random.next();
      sum += x;
      low = Math.min(low, x);
      high = Math.max(high, x);
    }
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThan(1);
    expect(sum / n).toBeCloseTo(0.5, 2);
  });

  it('derives distinct sub-stream seeds', () => {
    const seeds = new Set(Array.from({ length: 100 }, (_, stream) => deriveSeed(5, stream)));
    expect(seeds.size).toBe(100);
    expect(deriveSeed(5, 1)).toBe(deriveSeed(5, 1));
    expect(deriveSeed(5, 1)).not.toBe(deriveSeed(6, 1));
  });
});

describe('normal deviates', () => {
  it('inverseNormalCdf matches known quantiles', () => {
    expect(inverseNormalCdf(0.5)).toBeCloseTo(0, 9);
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959964, 5);
    expect(inverseNormalCdf(0.025)).toBeCloseTo(-1.959964, 5);
    expect(inverseNormalCdf(0.001)).toBeCloseTo(-3.090232, 5);
  });

  it('NORMAL_TABLE has mean 0 and variance 1', () => {
    let sum = 0;
    let sq = 0;
    for (const x of NORMAL_TABLE) {
      sum += x;
      sq += x * x;
    }
    expect(sum / NORMAL_TABLE.length).toBeCloseTo(0, 6);
    expect(sq / NORMAL_TABLE.length).toBeCloseTo(1, 5);
    expect(NORMAL_TABLE.length & (NORMAL_TABLE.length - 1)).toBe(0);
  });
});
