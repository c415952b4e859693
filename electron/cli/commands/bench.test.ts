import { describe, expect, it } from 'vitest';
import type { Click } from '../../common/click/types';
import { compareEndToEnd, percentiles, phantomSlice } from './bench';

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

  it('times the first clicks of prompts apart, and passes each path its own previous answer', async () => {
    const seen: (number | undefined)[] = [];
    // A first click takes 40 ms, a later one 1 ms; each answer is a mask holding the click count.
    const runner = async (clicks: Click[], previous: Uint8Array | undefined): Promise<Uint8Array> => {
      seen.push(previous?.[0]);
      await new Promise((resolve) => setTimeout(resolve, clicks.length === 1 ? 40 : 1));
      return Uint8Array.of(clicks.length);
    };
    const click = { x: 1, y: 1, positive: true };
    const lists = [[click], [click, click], [click, click, click], [click], [click, click]];
    const e = await compareEndToEnd({ inProcess: runner, worker: runner, workerFullBuffers: runner }, lists);
    expect(e.inProcessMs.n).toBe(5);
    expect(e.firstClickWorkerMs.n).toBe(2);
    expect(e.firstClickInProcessMs.min).toBeGreaterThanOrEqual(39);
    expect(e.inProcessMs.min).toBeLessThan(20);
    // Per list, the three paths in turn: a first click gets no previous mask, a later one its own path's last answer.
    expect(seen).toEqual([undefined, undefined, undefined, 1, 1, 1, 2, 2, 2, undefined, undefined, undefined, 1, 1, 1]);
  });
});
