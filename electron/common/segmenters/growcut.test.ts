import { describe, expect, it } from 'vitest';
import { iou } from '../click/protocol';
import { threshold } from '../click/prepare';
import { ClickInputError } from '../click/types';
import { GrowCutSegmenter } from './growcut';
import { BucketQueue } from './bucket-queue';

function disk(width: number, height: number, cx: number, cy: number, r: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) mask[y * width + x] = (x - cx) ** 2 + (y - cy) ** 2 <= r * r ? 1 : 0;
  return mask;
}

describe('bucket queue', () => {
  it('pops in key order while keys stay within maxStep of the last pop', () => {
    const queue = new BucketQueue(10, 2);
    queue.push(0, 100);
    queue.push(7, 107);
    queue.push(3, 103);
    const out: number[] = [];
    let entry = queue.pop();
    out.push(queue.key(entry));
    queue.push(queue.key(entry) + 10, 110);
    queue.push(queue.key(entry) + 3, 113);
    while (queue.size > 0) {
      entry = queue.pop();
      out.push(queue.key(entry));
    }
    expect(out).toEqual([0, 3, 3, 7, 10]);
  });
});

describe('classical GrowCut segmenter', () => {
  const w = 96;
  const h = 80;
  const gt = disk(w, h, 40, 42, 18);
  const slice = new Float32Array(w * h).map((_, n) => (gt[n] ? 180 : 60) + ((n * 7919) % 13));

  it('segments a contrasted object from one positive click', async () => {
    const seg = new GrowCutSegmenter();
    expect(seg.id).toBe('classical-growcut');
    const probs = await seg.predict(slice, w, h, [{ x: 40, y: 42, positive: true }]);
    expect(iou(threshold(probs, 0.49), gt)).toBeGreaterThan(0.95);
  });

  it('follows a negative click into a region', async () => {
    const seg = new GrowCutSegmenter();
    const uniform = new Float32Array(w * h).fill(100);
    const probs = await seg.predict(uniform, w, h, [{ x: 20, y: 40, positive: true }, { x: 30, y: 40, positive: false }]);
    expect(probs[40 * w + 20]).toBe(1);
    expect(probs[40 * w + 30]).toBe(0);
  });

  it('rejects a click outside the slice', async () => {
    await expect(new GrowCutSegmenter().predict(slice, w, h, [{ x: 200, y: 5, positive: true }])).rejects.toThrow(ClickInputError);
  });
});
