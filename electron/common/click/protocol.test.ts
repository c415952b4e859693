import { describe, expect, it } from 'vitest';
import { iou, MAX_CLICKS, nextClick, noc, simulateClicks, summarize } from './protocol';
import type { Click, ClickSegmenter } from './types';

function square(width: number, height: number, x0: number, y0: number, size: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = y0; y < y0 + size; y++) for (let x = x0; x < x0 + size; x++) mask[y * width + x] = 1;
  return mask;
}

function segmenter(predict: (clicks: readonly Click[]) => Float32Array): ClickSegmenter & { calls: number } {
  const s = {
    id: 'test',
    kind: 'classical' as const,
    threshold: 0.49,
    calls: 0,
    predict: (_slice: Float32Array, _w: number, _h: number, clicks: readonly Click[]) => {
      s.calls++;
      return Promise.resolve(predict(clicks));
    },
  };
  return s;
}

describe('RITM click placement', () => {
  it('puts the first click at the centre of a square object', () => {
    const gt = square(40, 30, 10, 5, 11); // x 10..20, y 5..15: centre (15, 10)
    const click = nextClick(new Uint8Array(1200), gt, new Uint8Array(1200), 40, 30);
    expect(click).toEqual({ x: 15, y: 10, positive: true });
  });

  it('takes the first maximum in row-major order on ties', () => {
    const gt = square(20, 20, 4, 4, 10); // even side: four central maxima
    expect(nextClick(new Uint8Array(400), gt, new Uint8Array(400), 20, 20)).toEqual({ x: 8, y: 8, positive: true });
  });

  it('clicks negative in the larger false-positive region and skips clicked pixels', () => {
    const gt = square(30, 30, 2, 2, 5);
    const pred = new Uint8Array(gt);
    const fp = square(30, 30, 15, 15, 9);
    fp.forEach((v, n) => {
      if (v) pred[n] = 1;
    });
    const clicked = new Uint8Array(900);
    expect(nextClick(pred, gt, clicked, 30, 30)).toEqual({ x: 19, y: 19, positive: false });
    clicked[19 * 30 + 19] = 1;
    const second = nextClick(pred, gt, clicked, 30, 30);
    expect(second?.positive).toBe(false);
    expect(second).not.toEqual({ x: 19, y: 19, positive: false });
  });

  it('counts the image border as a region border (padding)', () => {
    const gt = new Uint8Array(5 * 3).fill(1);
    expect(nextClick(new Uint8Array(15), gt, new Uint8Array(15), 5, 3)).toEqual({ x: 1, y: 1, positive: true });
  });

  it('returns nothing for a perfect prediction', () => {
    const gt = square(10, 10, 2, 2, 3);
    expect(nextClick(gt, gt, new Uint8Array(100), 10, 10)).toBeUndefined();
  });
});

describe('NoC', () => {
  it('is the 1-based index of the first IoU at or above the target, else the maximum', () => {
    expect(noc([0.5, 0.81, 0.86, 0.95], 0.8)).toBe(2);
    expect(noc([0.5, 0.81, 0.86, 0.95], 0.9)).toBe(4);
    expect(noc([0.5, 0.6], 0.9)).toBe(MAX_CLICKS);
    expect(iou(new Uint8Array([1, 1, 0, 0]), new Uint8Array([0, 1, 1, 0]))).toBeCloseTo(1 / 3, 12);
    expect(iou(new Uint8Array(3), new Uint8Array(3))).toBe(1);
  });

  it('is 1 at every threshold for a predictor that returns the ground truth', async () => {
    const gt = square(32, 32, 6, 9, 12);
    const perfect = segmenter(() => Float32Array.from(gt));
    const run = await simulateClicks(perfect, new Float32Array(1024), 32, 32, gt);
    expect(run.ious).toHaveLength(20);
    expect(run.ious.every((v) => v === 1)).toBe(true);
    expect(perfect.calls).toBe(1); // nothing left to click after a perfect answer
    const s = summarize([run]);
    expect(s.noc['80'].mean).toBe(1);
    expect(s.noc['85'].mean).toBe(1);
    expect(s.noc['90'].mean).toBe(1);
    expect(s.over20).toEqual({ '85': 0, '90': 0 });
  });

  it('is 20 and counted in over20 for a predictor that never changes', async () => {
    const gt = square(32, 32, 6, 9, 12);
    const stuck = segmenter(() => new Float32Array(1024).fill(0.3)); // below 0.49: empty
    const run = await simulateClicks(stuck, new Float32Array(1024), 32, 32, gt);
    expect(stuck.calls).toBe(20);
    expect(run.ious.every((v) => v === 0)).toBe(true);
    expect(new Set(run.clicks.map((c) => `${c.x},${c.y}`)).size).toBe(20); // never the same pixel twice
    const s = summarize([run, run]);
    expect(s.noc['85']).toEqual({ mean: 20, std: 0 });
    expect(s.over20).toEqual({ '85': 2, '90': 2 });
  });

  it('counts a sample reaching the target at the 20th click as NoC 20 but not as over20', async () => {
    const gt = square(32, 32, 6, 9, 12);
    const late = segmenter((clicks) => (clicks.length >= 20 ? Float32Array.from(gt) : new Float32Array(1024)));
    const s = summarize([await simulateClicks(late, new Float32Array(1024), 32, 32, gt)]);
    expect(s.noc['90'].mean).toBe(20);
    expect(s.over20['90']).toBe(0);
  });

  it('reports mean and population std over samples', () => {
    const s = summarize([{ ious: [0.9] }, { ious: [0.1, 0.1, 0.95] }], 3);
    expect(s.noc['90']).toEqual({ mean: 2, std: 1 });
    expect(s.meanIouPerClick).toEqual([0.5, 0.5, expect.closeTo(0.925, 12)]);
  });
});
