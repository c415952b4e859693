import { describe, expect, it } from 'vitest';
import { squaredDistance1d } from './distance-1d';

function bruteForce(f: number[], w2: number): number[] {
  return f.map((_, q) => Math.min(...f.map((fp, p) => w2 * (q - p) ** 2 + fp)));
}

describe('squaredDistance1d', () => {
  it('matches the brute-force minimum for random samples and spacings', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(random() * 30);
      const w2 = [1, 0.25, 2.7][trial % 3] ?? 1;
      const f = Array.from({ length: n }, () => (random() < 0.6 ? Infinity : Math.floor(random() * 20)));
      const d = new Float64Array(n);
      squaredDistance1d(Float64Array.from(f), n, w2, d, new Int32Array(n), new Float64Array(n + 1));
      const expected = bruteForce(f, w2);
      expected.forEach((e, q) => (e === Infinity ? expect(d[q]).toBe(Infinity) : expect(d[q]).toBeCloseTo(e, 9)));
    }
  });
});
