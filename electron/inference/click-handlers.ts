/**
 * The inference worker's click operations (schemas in common/click/worker-ops.ts; the dispatch in
 * handlers.ts has parsed the options before a handler runs). The worker keeps one session per
 * loaded model; the classical segmenter is always there, so a click is answered even when no model
 * loads, and classical clicks run here rather than in the main process.
 */
import { NOT_CACHED_IN_WORKER, type ClickWorkerOps } from '../common/click/worker-ops';
import { encodeMaskRuns } from '../common/click/mask-runs';
import { ClickSliceCache, type CachedSlice } from './click-slice-cache';
import type { WorkerOptions } from '../common/inference-protocol';
import { threshold } from '../common/click/prepare';
import { segmentPrompt } from '../common/click/prompt-segmenter';
import { CLASSICAL_SEGMENTER_ID, type ClickSegmenter } from '../common/click/types';
import { GrowCutSegmenter } from '../common/segmenters/growcut';
import { loadClickModelFromDir } from '../node/models/open-segmenter';
import type { OnnxClickSegmenter } from '../node/models/onnx-click-segmenter';

export type ClickWorkerHandlers = {
  [K in keyof ClickWorkerOps]: (options: WorkerOptions<K>) => Promise<ClickWorkerOps[K]['result']>;
};

export interface ClickWorkerHandlerOptions {
  /** The classical engine (default GrowCut); tests pass an instrumented one. */
  classical?: ClickSegmenter;
}

export function createClickWorkerHandlers(options: ClickWorkerHandlerOptions = {}): ClickWorkerHandlers {
  const classical = options.classical ?? new GrowCutSegmenter();
  const models = new Map<string, OnnxClickSegmenter>();
  const slices = new ClickSliceCache();

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
    'click.predict': async (request) => {
      const { width, height, sliceKey } = request;
      // Sizes were checked against width × height by the options schema: these are views, not copies.
      let cached: CachedSlice | undefined;
      if (request.slice !== undefined) {
        const slice = new Float32Array(request.slice);
        cached = sliceKey === undefined ? { slice } : slices.set(sliceKey, slice);
      } else {
        cached = sliceKey === undefined ? undefined : slices.get(sliceKey);
        if (cached === undefined || cached.slice.length !== width * height) throw new Error(`Slice "${sliceKey ?? ''}" ${NOT_CACHED_IN_WORKER}.`);
      }
      const slice = cached.slice;
      let previous: Uint8Array | Float32Array | undefined;
      if (request.previousAnswerId !== undefined) {
        previous = cached.lastAnswerId === request.previousAnswerId ? cached.lastMask : undefined;
        if (previous === undefined) throw new Error(`Answer ${request.previousAnswerId} on slice "${sliceKey ?? ''}" ${NOT_CACHED_IN_WORKER}.`);
      } else if (request.previousMask !== undefined) {
        previous = request.previousMaskType === 'float32' ? new Float32Array(request.previousMask) : new Uint8Array(request.previousMask);
      }
      const segmenter = segmenterFor(request.modelId);
      const t0 = performance.now();
      const prompt = { clicks: request.clicks, ...(request.box ? { box: request.box } : {}), ...(request.scribbles ? { scribbles: request.scribbles } : {}) };
      const probabilities = await segmentPrompt(segmenter, slice, width, height, prompt, previous, {
        ...(request.intensityRange ? { intensityRange: request.intensityRange } : {}),
        ...(request.pixelSpacing ? { pixelSpacing: request.pixelSpacing } : {}),
        ...(request.guarantee === false ? { guarantee: false } : {}),
      });
      const predictMs = performance.now() - t0;
      const forwardMs = segmenter.kind === 'onnx' ? (segmenter as OnnxClickSegmenter).lastForwardMs : 0;
      const output = request.output ?? 'probabilities';
      const mask = output === 'probabilities' ? undefined : threshold(probabilities, segmenter.threshold);
      const answerId = mask !== undefined && sliceKey !== undefined ? slices.setLastMask(cached, mask) : undefined;
      const data = mask === undefined ? probabilities : output === 'mask-runs' ? encodeMaskRuns(mask) : mask;
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
        ...(answerId === undefined ? {} : { answerId }),
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
