import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { ClickInputError } from '../../common/click/types';
import { createOrtSession } from './ort-session';
import { loadClickModelFromDir, ModelUnavailableError, openClickSegmenter } from './open-segmenter';
import { OnnxClickSegmenter } from './onnx-click-segmenter';

const repoModels = fileURLToPath(new URL('../../../native-models', import.meta.url));
const fixtureDir = join(repoModels, 'fixtures', 'click-tiny');

describe('ONNX click segmenter on the CPU (real onnxruntime-node)', () => {
  it('loads the fixture, reports its provider, and predicts a probability per slice pixel', async () => {
    const model = await loadClickModelFromDir(fixtureDir, { ep: 'cpu', threads: 1 });
    expect(model.id).toBe('fixture-click-tiny');
    expect(model.ep).toBe('cpu');
    expect(model.attempts).toEqual([{ ep: 'cpu' }]);
    const w = 100;
    const h = 70;
    const slice = new Float32Array(w * h).map((_, n) => (n * 31) % 200);
    const first = await model.predict(slice, w, h, [{ x: 50, y: 30, positive: true }]);
    expect(first).toHaveLength(w * h);
    expect(first.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(model.lastForwardMs).toBeGreaterThan(0);
    const second = await model.predict(slice, w, h, [{ x: 50, y: 30, positive: true }, { x: 5, y: 5, positive: false }], first, {
      intensityRange: [0, 199],
      pixelSpacing: [0.5, 0.5],
    });
    expect(second).toHaveLength(w * h);
    await expect(model.predict(slice, w, h, [{ x: 100, y: 3, positive: true }])).rejects.toThrow(ClickInputError);
    await model.dispose();
  });

  it('answers a first click twice with zoomIn.refineFirst: again, zoomed in, from its first answer', async () => {
    const shipped = join(repoModels, 'isegformer-swin32-cpu-int8');
    const plain = await loadClickModelFromDir(shipped, { ep: 'cpu', threads: 1, zoomIn: { refineFirst: false } });
    const refining = await loadClickModelFromDir(shipped, { ep: 'cpu', threads: 1, zoomIn: { refineFirst: true } });
    const w = 256;
    const h = 256;
    /** A bright disk of radius r at (128, 128) on a darker, textured slice. */
    const disk = (r: number): Float32Array =>
      new Float32Array(w * h).map((_, n) => ((n % w) - 128) ** 2 + (Math.floor(n / w) - 128) ** 2 <= r * r ? 800 + (n % 13) : 200 + ((n * 7) % 31));
    const clicks = [{ x: 128, y: 128, positive: true }];
    const options = { intensityRange: [200, 812] as [number, number], pixelSpacing: [1, 1] as [number, number] };
    const passes = vi.spyOn(refining, 'forward');
    const small = disk(9);
    const refined = await refining.predict(small, w, h, clicks, undefined, options);
    expect(passes).toHaveBeenCalledTimes(2);
    const first = await plain.predict(small, w, h, clicks, undefined, options);
    const byHand = await plain.predict(small, w, h, clicks, first, options);
    expect(Array.from(refined)).toEqual(Array.from(byHand));
    // Not again once there is a previous mask, nor for a box (already cropped to the object).
    passes.mockClear();
    await refining.predict(small, w, h, [...clicks, { x: 10, y: 10, positive: false }], refined, options);
    await refining.predict(small, w, h, clicks, undefined, { ...options, box: { x0: 110, y0: 110, x1: 146, y1: 146 } });
    expect(passes).toHaveBeenCalledTimes(2);
    await Promise.all([plain.dispose(), refining.dispose()]);
  });

  it('falls back to the CPU when the accelerator cannot create the session', async () => {
    const handle = await createOrtSession(join(fixtureDir, 'model.onnx'), 'auto', {
      threads: 1,
      facts: { platform: 'linux', arch: 'x64', cudaBinaries: true }, // claims CUDA; this machine has none
      warmup: { image: [1, 3, 64, 64], clicks: [1, 3, 64, 64] },
    });
    expect(handle.ep).toBe('cpu');
    expect(handle.attempts[0]?.ep).toBe('cuda');
    expect(handle.attempts[0]?.error).toBeTruthy();
    expect(handle.attempts[1]).toEqual({ ep: 'cpu' });
    await handle.session.release();
  });

  it('opens the classical segmenter by name and explains an unknown model', async () => {
    expect((await openClickSegmenter('classical', undefined)).id).toBe('classical-growcut');
    await expect(openClickSegmenter('no-such-model', repoModels)).rejects.toThrow(ModelUnavailableError);
    await expect(openClickSegmenter('no-such-model', repoModels)).rejects.toThrow(/There is no model "no-such-model"/);
  });

  it('opens what the app starts with for "default": the shipped model\'s int8 copy', async () => {
    const model = await openClickSegmenter('default', repoModels, { ep: 'cpu', threads: 1 });
    expect(model.id).toBe('isegformer-swin32-cpu-int8');
    if (model instanceof OnnxClickSegmenter) await model.dispose();
  });
});
