import { describe, expect, it } from 'vitest';
import { percentiles, phantomSlice } from './bench';

describe('bench helpers', () => {
  it('reports nearest-rank percentiles', () => {
    const p = percentiles(Array.from({ length: 100 }, (_, n) => 100 - n));
    expect(p).toMatchObject({ n: 100, p50: 50, p95: 95, min: 1, max: 100, mean: 50.5 });
    expect(percentiles([]).n).toBe(0);
  });

  it('draws a deterministic phantom with two objects', () => {
    const a = phantomSlice(64);
    const b = phantomSlice(64);
    expect(a.slice).toEqual(b.slice);
    expect(a.objects).toHaveLength(2);
    for (const o of a.objects) expect(o.reduce((s, v) => s + v, 0)).toBeGreaterThan(20);
  });
});
