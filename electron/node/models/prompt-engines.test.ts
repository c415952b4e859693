/**
 * Box and scribble prompts through both engines the app runs — the shipped click model (real
 * onnxruntime-node) and the classical GrowCut — along the one path the worker uses
 * (common/click/prompt-segmenter.ts).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countViolations } from '../../common/click/honour';
import { threshold } from '../../common/click/prepare';
import { promptClicks, type Prompt } from '../../common/click/prompt';
import { segmentPrompt } from '../../common/click/prompt-segmenter';
import { iou } from '../../common/click/protocol';
import type { ClickSegmenter } from '../../common/click/types';
import { GrowCutSegmenter } from '../../common/segmenters/growcut';
import { loadClickModelFromDir } from './open-segmenter';
import type { OnnxClickSegmenter } from './onnx-click-segmenter';

const modelDir = fileURLToPath(new URL('../../../native-models/isegformer-swin32-cpu', import.meta.url));

const W = 120;
const H = 80;
/** Two bright disks on a darker, noisy-free background: the target (left) and a look-alike. */
const target = { x: 35, y: 40, r: 16 };
const distractor = { x: 88, y: 40, r: 13 };
const inDisk = (d: { x: number; y: number; r: number }, x: number, y: number): boolean => (x - d.x) ** 2 + (y - d.y) ** 2 <= d.r * d.r;
const slice = new Float32Array(W * H);
const truth = new Uint8Array(W * H);
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const n = y * W + x;
    truth[n] = inDisk(target, x, y) ? 1 : 0;
    slice[n] = inDisk(target, x, y) || inDisk(distractor, x, y) ? 800 + ((x * 7 + y * 13) % 40) : 200 + ((x * 11 + y * 5) % 40);
  }
}
const options = { intensityRange: [200, 840] as [number, number], pixelSpacing: [1, 1] as [number, number] };

let model: OnnxClickSegmenter;
beforeAll(async () => {
  model = await loadClickModelFromDir(join(modelDir), { ep: 'cpu', threads: 1 });
});
afterAll(() => model.dispose());

const engines: [string, () => ClickSegmenter][] = [
  ['the click model', () => model],
  ['the classical segmenter', () => new GrowCutSegmenter()],
];

async function maskFor(segmenter: ClickSegmenter, prompt: Prompt): Promise<Uint8Array> {
  return threshold(await segmentPrompt(segmenter, slice, W, H, prompt, undefined, options), segmenter.threshold);
}

const distractorPixels = (mask: Uint8Array): number => mask.reduce((a, v, n) => a + (v !== 0 && inDisk(distractor, n % W, Math.floor(n / W)) ? 1 : 0), 0);

describe.each(engines)('prompts through %s', (_name, engine) => {
  it('a box around the object gives its first mask, and nothing outside the box', async () => {
    const box = { x0: target.x - target.r, y0: target.y - target.r, x1: target.x + target.r, y1: target.y + target.r };
    const mask = await maskFor(engine(), { clicks: [], box });
    expect(iou(mask, truth)).toBeGreaterThan(0.8);
    mask.forEach((v, n) => {
      const x = n % W;
      const y = Math.floor(n / W);
      if (v !== 0) expect(x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1).toBe(true);
    });
  });

  it('a positive scribble on the object and a negative one on its look-alike segment the object', async () => {
    const prompt: Prompt = {
      clicks: [],
      scribbles: [
        { points: [{ x: target.x - 8, y: target.y }, { x: target.x + 8, y: target.y + 4 }], positive: true },
        { points: [{ x: distractor.x, y: distractor.y - 6 }, { x: distractor.x, y: distractor.y + 6 }], positive: false },
      ],
    };
    const mask = await maskFor(engine(), prompt);
    expect(iou(mask, truth)).toBeGreaterThan(0.8);
    expect(distractorPixels(mask)).toBe(0);
    expect(countViolations(mask, W, promptClicks(prompt).user)).toBe(0);
  });
});

describe('the blobs no click asked for (honour.ts step 4), along the one path', () => {
  // An engine that answers both bright disks whatever was clicked: the look-alike is a stray blob.
  const bothDisks: ClickSegmenter = {
    id: 'both-disks',
    kind: 'classical',
    threshold: 0.5,
    predict: () => Promise.resolve(Float32Array.from(slice, (v) => (v >= 800 ? 0.9 : 0.1))),
  };
  const click = { clicks: [{ x: target.x, y: target.y, positive: true }] };

  it('drops the look-alike a click on the target did not name', async () => {
    const mask = await maskFor(bothDisks, click);
    expect(distractorPixels(mask)).toBe(0);
    expect(iou(mask, truth)).toBeGreaterThan(0.95);
  });

  it('keeps it where the request started from it, or when asked to', async () => {
    const previous = Uint8Array.from(slice, (_, n) => (inDisk(distractor, n % W, Math.floor(n / W)) ? 1 : 0));
    const seeded = threshold(await segmentPrompt(bothDisks, slice, W, H, click, previous, options), bothDisks.threshold);
    expect(distractorPixels(seeded)).toBeGreaterThan(400);
    const kept = threshold(await segmentPrompt(bothDisks, slice, W, H, click, undefined, { ...options, keepStray: true }), bothDisks.threshold);
    expect(distractorPixels(kept)).toBeGreaterThan(400);
  });
});
