import { describe, expect, it } from 'vitest';
import { parseModelManifest } from './manifest';
import { prepareClickInput, restoreProbabilities, specFromManifest, threshold, type ClickModelSpec } from './prepare';
import { defaultZoomIn } from './roi';
import { ClickInputError } from './types';

const spec: ClickModelSpec = {
  inputSize: [16, 16],
  percentiles: [0.5, 99.5],
  mean: [0.5, 0.5, 0.5],
  std: [0.25, 0.25, 0.25],
  radius: 5,
  threshold: 0.49,
  withPreviousMask: true,
  zoomIn: defaultZoomIn([16, 16], 0.49),
};

describe('click model input', () => {
  it('normalises with the given range, replicates gray and encodes clicks on the identity grid', () => {
    const slice = new Float32Array(256).map((_, n) => n % 16); // x ramp 0..15
    const p = prepareClickInput(spec, slice, 16, 16, [{ x: 3, y: 4, positive: true }], undefined, { intensityRange: [0, 15] });
    expect(p.roi).toEqual({ x0: 0, y0: 0, x1: 15, y1: 15 });
    expect(p.image[0]).toBeCloseTo((0 - 0.5) / 0.25, 6);
    expect(p.image[15]).toBeCloseTo((1 - 0.5) / 0.25, 6);
    expect(p.image[256 + 15]).toBeCloseTo(p.image[15] ?? 0, 6);
    expect(p.clicks[4 * 16 + 3]).toBe(1);
    expect(p.clicks.subarray(0, 256).reduce((a, b) => a + b, 0)).toBe(81 - 8 - 1); // clipped: 8 pixels at x < 0, 1 at y < 0
    expect(p.clicks.subarray(256, 512).every((v) => v === 0)).toBe(true);
    expect(p.clicks.subarray(512).every((v) => v === 0)).toBe(true);
  });

  it('writes into reused input buffers exactly what it writes into new arrays, whatever they held', () => {
    const w = 40;
    const slice = new Float32Array(w * w).map((_, n) => (n * 7) % 13);
    const prev = new Uint8Array(w * w);
    for (let y = 12; y < 20; y++) for (let x = 14; x < 22; x++) prev[y * w + x] = 1;
    const requests: Array<[Array<{ x: number; y: number; positive: boolean }>, Uint8Array | undefined]> = [
      [[{ x: 16, y: 15, positive: true }, { x: 30, y: 30, positive: false }], prev],
      [[{ x: 5, y: 8, positive: true }], undefined],
    ];
    const dirty = { image: new Float32Array(3 * 256).fill(7), clicks: new Float32Array(3 * 256).fill(1) };
    for (const [clicks, previous] of requests) {
      const fresh = prepareClickInput(spec, slice, w, w, clicks, previous);
      const reused = prepareClickInput(spec, slice, w, w, clicks, previous, {}, dirty);
      expect(reused.image).toBe(dirty.image);
      expect(reused.clicks).toBe(dirty.clicks);
      expect(Array.from(reused.image)).toEqual(Array.from(fresh.image));
      expect(Array.from(reused.clicks)).toEqual(Array.from(fresh.clicks));
    }
    expect(() => prepareClickInput(spec, slice, w, w, [{ x: 5, y: 8, positive: true }], undefined, {}, { image: new Float32Array(3), clicks: dirty.clicks })).toThrow(
      'The input buffers must hold 3 × 16 × 16 values each.',
    );
  });

  it('puts the previous mask in channel 3 and zooms in around it after the first click', () => {
    const w = 64;
    const slice = new Float32Array(w * w).fill(1);
    const prev = new Uint8Array(w * w);
    for (let y = 30; y < 34; y++) for (let x = 30; x < 34; x++) prev[y * w + x] = 1;
    const clicks = [{ x: 31, y: 31, positive: true }, { x: 10, y: 10, positive: false }];
    const p = prepareClickInput({ ...spec, zoomIn: { ...spec.zoomIn, minCropSize: 16 } }, slice, w, w, clicks, prev);
    expect(p.roi).toEqual({ x0: 24, y0: 24, x1: 39, y1: 39 }); // 16 px minimum around (31.5, 31.5)
    expect(p.clicks[512 + 6 * 16 + 6]).toBe(1); // prev mask (30, 30) → grid (6, 6)
    expect(p.clicks[512]).toBe(0);
    // The negative click is outside the crop: its disk does not reach it.
    expect(p.clicks.subarray(256, 512).every((v) => v === 0)).toBe(true);
  });

  it("takes the zoom-in the model was tuned with from its manifest, under the caller's override", () => {
    const manifest = {
      id: 'm', version: '1', task: 'click-to-mask', inputSize: [224, 224],
      files: { model: { file: 'model.onnx', sha256: 'a'.repeat(64), inputs: [{ name: 'image', shape: [1], type: 'float32' }, { name: 'clicks', shape: [1], type: 'float32' }], outputs: [{ name: 'logits', shape: [1], type: 'float32' }] } },
      normalization: { kind: 'percentile', low: 0.5, high: 99.5, mean: [0, 0, 0], std: [1, 1, 1] },
      clickEncoding: { kind: 'disks', radius: 5, channels: ['positive', 'negative', 'previousMask'] },
    };
    const parse = (extra: Record<string, unknown>) => {
      const check = parseModelManifest({ ...manifest, ...extra });
      if (!check.ok) throw new Error(check.problem);
      return check.manifest;
    };
    expect(specFromManifest(parse({})).zoomIn).toEqual(defaultZoomIn([224, 224], 0.49)); // RITM: half the input, 112
    const tuned = specFromManifest(parse({ zoomIn: { minCropSize: 34 } }));
    expect(tuned.zoomIn).toEqual({ ...defaultZoomIn([224, 224], 0.49), minCropSize: 34 });
    expect(specFromManifest(parse({ zoomIn: { minCropSize: 34 } }), { minCropSize: 60 }).zoomIn.minCropSize).toBe(60);
    // A 10-pixel object on a 200-pixel slice: the tuned model sees a 34-pixel crop, not 112.
    const w = 200;
    const prev = new Uint8Array(w * w);
    for (let y = 95; y < 105; y++) for (let x = 95; x < 105; x++) prev[y * w + x] = 1;
    const clicks = [{ x: 99, y: 99, positive: true }, { x: 101, y: 101, positive: true }];
    const roi = prepareClickInput(tuned, new Float32Array(w * w), w, w, clicks, prev).roi;
    expect(roi.x1 - roi.x0 + 1).toBe(34);
  });

  it('rejects clicks outside the slice with a clear error', () => {
    const slice = new Float32Array(100);
    expect(() => prepareClickInput(spec, slice, 10, 10, [{ x: 10, y: 2, positive: true }])).toThrow(ClickInputError);
    expect(() => prepareClickInput(spec, slice, 10, 10, [{ x: -1, y: 2, positive: true }])).toThrow(/outside the 10×10 slice/);
    expect(() => prepareClickInput(spec, slice, 10, 10, [{ x: Number.NaN, y: 2, positive: true }])).toThrow(/finite/);
    expect(() => prepareClickInput(spec, slice, 10, 10, [])).toThrow(/At least one click/);
    expect(() => prepareClickInput(spec, slice, 10, 11, [{ x: 1, y: 1, positive: true }])).toThrow(/110 were expected/);
  });
});

describe('model output back to the slice', () => {
  it('applies the sigmoid and is exact on the identity crop', () => {
    const logits = new Float32Array(256).map((_, n) => (n % 2 === 0 ? 10 : -10));
    const probs = restoreProbabilities(spec, logits, true, { x0: 0, y0: 0, x1: 15, y1: 15 }, 16, 16);
    expect(Array.from(threshold(probs, 0.49))).toEqual(Array.from({ length: 256 }, (_, n) => (n % 2 === 0 ? 1 : 0)));
    const passthrough = restoreProbabilities(spec, new Float32Array(256).fill(0.7), false, { x0: 0, y0: 0, x1: 15, y1: 15 }, 16, 16);
    expect(passthrough.every((v) => Math.abs(v - 0.7) < 1e-7)).toBe(true);
  });

  it('pastes a crop back and leaves the outside at zero', () => {
    const probs = restoreProbabilities(spec, new Float32Array(256).fill(0.9), false, { x0: 10, y0: 10, x1: 25, y1: 25 }, 40, 40);
    expect(probs[10 * 40 + 10]).toBeCloseTo(0.9, 6);
    expect(probs[25 * 40 + 25]).toBeCloseTo(0.9, 6);
    expect(probs[9 * 40 + 10]).toBe(0);
    expect(probs[26 * 40 + 26]).toBe(0);
  });
});
