/**
 * The inference worker's click operations (types in common/click/worker-ops.ts). Merge into
 * handlers.ts as `{ ping, ...createClickWorkerHandlers() }`. The worker keeps one session per
 * loaded model; the classical segmenter is always there, so a click is answered even when no
 * model loads.
 */
import type { ClickWorkerOps } from '../common/click/worker-ops';
import { threshold } from '../common/click/prepare';
import { segmentPrompt } from '../common/click/prompt-segmenter';
import { CLASSICAL_SEGMENTER_ID, type ClickSegmenter } from '../common/click/types';
import { GrowCutSegmenter } from '../common/segmenters/growcut';
import { loadClickModelFromDir } from '../node/models/open-segmenter';
import type { OnnxClickSegmenter } from '../node/models/onnx-click-segmenter';

export type ClickWorkerHandlers = {
  [K in keyof ClickWorkerOps]: (payload: ClickWorkerOps[K]['payload']) => Promise<ClickWorkerOps[K]['result']>;
};

function floatView(buffer: ArrayBuffer, what: string, length: number): Float32Array {
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength !== length * 4) {
    throw new Error(`The ${what} must be ${length} float32 values.`);
  }
  return new Float32Array(buffer);
}

export function createClickWorkerHandlers(): ClickWorkerHandlers {
  const classical = new GrowCutSegmenter();
  const models = new Map<string, OnnxClickSegmenter>();

  const segmenterFor = (id: string): ClickSegmenter => {
    if (id === CLASSICAL_SEGMENTER_ID || id === 'classical') return classical;
    const model = models.get(id);
    if (!model) throw new Error(`Click model "${id}" is not loaded in the inference worker.`);
    return model;
  };

  return {
    'click.load': async ({ modelDir, ep, threads }) => {
      const model = await loadClickModelFromDir(modelDir, { ep, ...(threads !== undefined ? { threads } : {}) });
      const old = models.get(model.id);
      models.set(model.id, model);
      if (old) await old.dispose();
      return { modelId: model.id, ep: model.ep, attempts: [...model.attempts], loadMs: model.loadMs, warmupMs: model.warmupMs };
    },
    'click.predict': async (payload) => {
      const { width, height } = payload;
      if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > 1 << 26) {
        throw new Error(`The slice size ${width}×${height} is not valid.`);
      }
      const plane = width * height;
      const slice = floatView(payload.slice, 'slice', plane);
      let previous: Uint8Array | Float32Array | undefined;
      if (payload.previousMask) {
        if (payload.previousMaskType === 'float32') previous = floatView(payload.previousMask, 'previous mask', plane);
        else {
          if (payload.previousMask.byteLength !== plane) throw new Error(`The previous mask must be ${plane} bytes.`);
          previous = new Uint8Array(payload.previousMask);
        }
      }
      const segmenter = segmenterFor(payload.modelId);
      const t0 = performance.now();
      const prompt = { clicks: payload.clicks, ...(payload.box ? { box: payload.box } : {}), ...(payload.scribbles ? { scribbles: payload.scribbles } : {}) };
      const probabilities = await segmentPrompt(segmenter, slice, width, height, prompt, previous, {
        ...(payload.intensityRange ? { intensityRange: payload.intensityRange } : {}),
        ...(payload.pixelSpacing ? { pixelSpacing: payload.pixelSpacing } : {}),
        ...(payload.guarantee === false ? { guarantee: false } : {}),
      });
      const predictMs = performance.now() - t0;
      const forwardMs = segmenter.kind === 'onnx' ? (segmenter as OnnxClickSegmenter).lastForwardMs : 0;
      const output = payload.output ?? 'probabilities';
      const data = output === 'mask' ? threshold(probabilities, segmenter.threshold) : probabilities;
      // A view on a larger buffer would carry the rest of that buffer along: copy it out.
      const buffer = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data.buffer : data.slice().buffer;
      return {
        modelId: segmenter.id,
        probabilities: buffer as ArrayBuffer,
        output,
        threshold: segmenter.threshold,
        width,
        height,
        predictMs,
        forwardMs,
      };
    },
    'click.unload': async ({ modelId }) => {
      const model = models.get(modelId);
      if (!model) return { unloaded: false };
      models.delete(modelId);
      await model.dispose();
      return { unloaded: true };
    },
    'click.status': () =>
      Promise.resolve({
        loaded: [...models.values()].map((m) => ({ modelId: m.id, ep: m.ep })),
        rssMb: process.memoryUsage.rss() / (1024 * 1024),
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      }),
  };
}
