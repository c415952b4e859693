import { describe, expect, it } from 'vitest';
import { threshold } from '../click/prepare';
import { iou } from '../click/protocol';
import { GrowCutSegmenter } from './growcut';

describe('GrowCut with a box prompt', () => {
  it("seeds background outside the box instead of on the slice border, so a box's object is found", async () => {
    const w = 80;
    const h = 60;
    // A bright square (20..39 × 15..34) with a second bright square touching the slice border.
    const slice = new Float32Array(w * h).map((_, n) => {
      const x = n % w;
      const y = Math.floor(n / w);
      return (x >= 20 && x < 40 && y >= 15 && y < 35) || (x >= 60 && y < 10) ? 900 : 100;
    });
    const truth = new Uint8Array(w * h).map((_, n) => (n % w >= 20 && n % w < 40 && Math.floor(n / w) >= 15 && Math.floor(n / w) < 35 ? 1 : 0));
    const segmenter = new GrowCutSegmenter();
    const box = { x0: 20, y0: 15, x1: 39, y1: 34 };
    const probabilities = await segmenter.predict(slice, w, h, [{ x: 30, y: 25, positive: true }], undefined, { box, intensityRange: [100, 900] });
    const mask = threshold(probabilities, segmenter.threshold);
    expect(iou(mask, truth)).toBeGreaterThan(0.95);
    // A click whose disk or seeds would leave the slice is still answered within it.
    const edge = await segmenter.predict(slice, w, h, [{ x: 70, y: 3, positive: true }], undefined, { box: { x0: 60, y0: 0, x1: 79, y1: 9 } });
    expect(threshold(edge, segmenter.threshold).reduce((a, v) => a + v, 0)).toBeGreaterThan(150);
  });
});
