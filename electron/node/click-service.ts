/**
 * Handlers of the click engine's contract methods (common/contract-click.ts). Wire into
 * services.ts with
 *   ...createClickServiceHandlers({ worker: host, getVolume: (id) => registry.get(id)?.volume,
 *                                   modelsRoot: join(paths.root, 'native-models') })
 *
 * Models are found under native-models/ and loaded into the inference worker on the first
 * `models.list` (the page's start-up), first click or `models.select`. A model that is missing, damaged (sha256), invalid or fails to load leaves
 * the app working: clicks are answered by the classical segmenter and `models.list` says why.
 * After a worker crash the model is loaded again on the next click.
 */
import { ServiceError } from '../common/errors';
import type { ClickEngineStatus, ClickMethodInput, ClickMethodName, ClickMethodOutput, ModelInfo } from '../common/contract-click';
import { EP_LABELS, parseExecutionProviderPreference, type ExecutionProvider, type ExecutionProviderPreference } from '../common/click/execution-provider';
import { robustRange } from '../common/click/normalize';
import { threshold } from '../common/click/prepare';
import { extractSlice } from '../common/click/slice';
import type { IndexAxis } from '../common/slice';
import { ClickInputError, CLASSICAL_SEGMENTER_ID, type Click } from '../common/click/types';
import { checkSliceInput } from '../common/click/validate';
import { checkPrompt, promptClicks, type Prompt } from '../common/click/prompt';
import { segmentPrompt } from '../common/click/prompt-segmenter';
import { identityDigest } from '../common/click/manifest';
import type { ClickWorkerOpName, ClickWorkerOps } from '../common/click/worker-ops';
import { GrowCutSegmenter } from '../common/segmenters/growcut';
import type { Volume } from '../common/volume';
import { discoverModels, isVerified, verifyModel, type DiscoveredModel } from './models/discovery';

/**
 * The inference worker as the click service needs it. `InferenceHost` fits (method parameters are
 * compared bivariantly) once WorkerOps includes ClickWorkerOps.
 */
export interface ClickWorkerLike {
  request(op: string, payload: unknown): Promise<unknown>;
}

export interface ClickServiceContext {
  worker: ClickWorkerLike;
  getVolume: (volumeId: string) => Volume | undefined;
  /** native-models/ (undefined: no models; clicks use the classical segmenter). */
  modelsRoot: string | undefined;
  /**
   * Initial settings (from the settings store). Default: $ISEG_CLICK_MODEL or "default" (the first
   * click model under modelsRoot that verifies), and $ISEG_EP or "auto".
   */
  clickModel?: string;
  ep?: ExecutionProviderPreference;
  log?: (message: string) => void;
}

export type ClickServiceHandlers = {
  [M in ClickMethodName]: (input: ClickMethodInput<M>) => Promise<ClickMethodOutput<M>>;
};

function typedRequest<K extends ClickWorkerOpName>(
  worker: ClickWorkerLike,
  op: K,
  payload: ClickWorkerOps[K]['payload'],
): Promise<ClickWorkerOps[K]['result']> {
  return worker.request(op, payload) as Promise<ClickWorkerOps[K]['result']>;
}

function toModelInfo(m: DiscoveredModel): ModelInfo {
  const info: ModelInfo = { id: m.id, status: m.status };
  if (m.problem) info.problem = m.problem;
  // Only a verified model's files are known to match the manifest's digest.
  const digest = m.status === 'ok' && m.manifest ? identityDigest(m.manifest) : undefined;
  if (digest !== undefined) info.sha256 = digest;
  if (m.manifest) {
    info.version = m.manifest.version;
    info.task = m.manifest.task;
    info.inputSize = [m.manifest.inputSize[0], m.manifest.inputSize[1]];
    const licence = m.manifest.licence;
    if (licence) {
      info.licence = {};
      if (typeof licence.weights === 'string') info.licence.weights = licence.weights;
      if (typeof licence.data === 'string') info.licence.data = licence.data;
    }
  }
  return info;
}

const NOT_LOADED = /is not loaded in the inference worker/;

export function createClickServiceHandlers(context: ClickServiceContext): ClickServiceHandlers {
  const log = context.log ?? ((m: string) => console.error(m));
  const classical = new GrowCutSegmenter();
  const ranges = new WeakMap<Volume, [number, number]>();
  let wanted = context.clickModel ?? (process.env.ISEG_CLICK_MODEL || 'default');
  let preference: ExecutionProviderPreference = context.ep ?? parseExecutionProviderPreference(process.env.ISEG_EP) ?? 'auto';
  /** The loaded model; `sha256` is its model file's digest, checked against the manifest before loading. */
  let active: { modelId: string; ep: ExecutionProvider; dir: string; sha256: string | undefined } | undefined;
  let state: ClickEngineStatus['state'] = 'idle';
  let messages: string[] = [];
  let loading: Promise<void> | undefined;
  let retryOnNextClick = false;

  const status = (): ClickEngineStatus => {
    const s: ClickEngineStatus = {
      clickModel: active?.modelId ?? CLASSICAL_SEGMENTER_ID,
      kind: active ? 'onnx' : 'classical',
      state,
      label: active ? EP_LABELS[active.ep] : 'classical',
      preference,
      messages: [...messages],
    };
    if (active) s.ep = active.ep;
    return s;
  };

  const discover = async (): Promise<DiscoveredModel[]> => (context.modelsRoot ? discoverModels(context.modelsRoot) : []);

  /** Picks, verifies and loads the wanted model; on any failure the classical segmenter stays. */
  const load = async (): Promise<void> => {
    state = 'loading';
    messages = [];
    active = undefined;
    if (wanted === 'classical' || wanted === CLASSICAL_SEGMENTER_ID) {
      state = 'ready';
      return;
    }
    const models = (await discover()).filter((m) => m.manifest?.task !== 'propagation');
    const candidates = wanted === 'default' ? models : models.filter((m) => m.id === wanted);
    if (candidates.length === 0) {
      messages.push(
        wanted === 'default'
          ? 'No click model is installed; clicks use the classical segmenter.'
          : `There is no click model "${wanted}"; clicks use the classical segmenter.`,
      );
      state = 'fallback';
      return;
    }
    for (const candidate of candidates) {
      const verified = await verifyModel(candidate);
      if (!isVerified(verified)) {
        messages.push(verified.problem ?? `Model "${candidate.id}" cannot be used.`);
        continue;
      }
      try {
        const result = await typedRequest(context.worker, 'click.load', { modelDir: verified.dir, ep: preference });
        // The worker verifies the same folder against the same manifest before it loads, so the
        // digest checked here is the one of the weights in its session.
        active = { modelId: result.modelId, ep: result.ep, dir: verified.dir, sha256: identityDigest(verified.manifest) };
        for (const attempt of result.attempts) {
          if (attempt.error) messages.push(`${EP_LABELS[attempt.ep]} could not run ${result.modelId} (${attempt.error}); fell back.`);
        }
        state = 'ready';
        log(`Click model ${result.modelId} loaded on ${EP_LABELS[result.ep]} in ${Math.round(result.loadMs)} ms.`);
        return;
      } catch (error) {
        messages.push(`Model "${candidate.id}" could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
        if (error instanceof ServiceError && (error.code === 'worker-unavailable' || error.code === 'worker-crashed')) {
          // The worker, not the model, failed: answer with the classical segmenter and try again
          // at the next click.
          messages.push('Clicks use the classical segmenter until the inference worker is back.');
          state = 'fallback';
          for (const m of messages) log(m);
          retryOnNextClick = true;
          return;
        }
      }
    }
    messages.push('Clicks use the classical segmenter.');
    state = 'fallback';
    for (const m of messages) log(m);
  };

  const ensureLoaded = (): Promise<void> => {
    if (retryOnNextClick && !loading) {
      retryOnNextClick = false;
      state = 'idle';
    }
    if (state === 'idle') loading = load().finally(() => (loading = undefined));
    return loading ?? Promise.resolve();
  };

  const rangeOf = (volume: Volume): [number, number] => {
    let range = ranges.get(volume);
    if (!range) {
      range = robustRange(volume.voxels, 0.5, 99.5, 1 << 20);
      ranges.set(volume, range);
    }
    return range;
  };

  return {
    'segmentation.clickToMask': async (input) => {
      const started = performance.now();
      const volume = context.getVolume(input.volumeId);
      if (!volume) throw new ServiceError('not-found', 'That volume is not open (it may have been closed).');
      const axis: IndexAxis = input.axis;
      if (input.slice >= volume.geometry.size[axis]) {
        throw new ServiceError('bad-request', `Slice ${input.slice} does not exist: the volume has ${volume.geometry.size[axis]} slices on that axis.`);
      }
      const { data, geometry } = extractSlice(volume, axis, input.slice);
      const { width, height } = geometry;
      const clicks: Click[] = input.clicks.map((c) => ({ x: c.x, y: c.y, positive: c.positive }));
      const prompt: Prompt = { clicks, ...(input.box ? { box: input.box } : {}), ...(input.scribbles ? { scribbles: input.scribbles } : {}) };
      const previous = input.previousMask ? new Uint8Array(input.previousMask) : undefined;
      try {
        checkPrompt(prompt, width, height);
        checkSliceInput(data, width, height, promptClicks(prompt).engine, previous);
      } catch (error) {
        if (error instanceof ClickInputError) throw new ServiceError('bad-request', error.message);
        throw error;
      }
      const intensityRange = rangeOf(volume);
      const base = { width, height, axis: input.axis, slice: input.slice };
      const classicalAnswer = async (reason?: string): Promise<ClickMethodOutput<'segmentation.clickToMask'>> => {
        const probabilities = await segmentPrompt(classical, data, width, height, prompt, previous, { intensityRange, pixelSpacing: geometry.pixelSpacing });
        const mask = threshold(probabilities, classical.threshold);
        return {
          ...base,
          mask: mask.buffer as ArrayBuffer,
          modelId: classical.id,
          kind: 'classical',
          ...(reason ? { fallbackReason: reason } : {}),
          elapsedMs: performance.now() - started,
        };
      };
      const wantClassical = input.model === 'classical' || input.model === CLASSICAL_SEGMENTER_ID;
      if (!wantClassical) {
        if (input.model !== undefined && input.model !== (active?.modelId ?? '') && input.model !== wanted) {
          wanted = input.model;
          state = 'idle';
        }
        await ensureLoaded();
      }
      const model = wantClassical ? undefined : active;
      if (!model) return classicalAnswer(wantClassical ? undefined : messages.join(' ') || undefined);
      const payload = {
        modelId: model.modelId,
        slice: data.buffer as ArrayBuffer,
        width,
        height,
        clicks,
        ...(prompt.box ? { box: prompt.box } : {}),
        ...(prompt.scribbles ? { scribbles: prompt.scribbles } : {}),
        ...(previous ? { previousMask: previous.slice().buffer, previousMaskType: 'uint8' as const } : {}),
        intensityRange,
        pixelSpacing: geometry.pixelSpacing,
        output: 'mask' as const,
      };
      let result: ClickWorkerOps['click.predict']['result'];
      /** The model that answered (after a worker restart, the one loaded again). */
      let answered = model;
      try {
        result = await typedRequest(context.worker, 'click.predict', payload);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (NOT_LOADED.test(message)) {
          // The worker restarted and lost its sessions: load again, then retry once.
          state = 'idle';
          await ensureLoaded();
          const again = active;
          if (!again) return classicalAnswer(messages.join(' ') || undefined);
          answered = again;
          try {
            result = await typedRequest(context.worker, 'click.predict', { ...payload, modelId: again.modelId });
          } catch (retryError) {
            return classicalAnswer(`The click model failed (${retryError instanceof Error ? retryError.message : String(retryError)}); the classical segmenter answered.`);
          }
        } else if (error instanceof ServiceError && error.code !== 'internal') {
          return classicalAnswer(`${error.message} The classical segmenter answered.`);
        } else {
          throw new ServiceError('internal', `The click model failed: ${message}`);
        }
      }
      const mask = result.output === 'mask' ? new Uint8Array(result.probabilities) : threshold(new Float32Array(result.probabilities), result.threshold);
      if (mask.length !== width * height) throw new ServiceError('internal', 'The inference worker returned a mask of the wrong size.');
      return {
        ...base,
        mask: mask.buffer as ArrayBuffer,
        modelId: result.modelId,
        kind: 'onnx',
        // Only when the worker answered with the model whose digest we hold (never a stale one).
        ...(answered.sha256 !== undefined && result.modelId === answered.modelId ? { modelSha256: answered.sha256 } : {}),
        ep: answered.ep,
        elapsedMs: performance.now() - started,
      };
    },
    'models.list': async (input) => {
      // The page asks for the list at start-up (status bar): begin loading the click model now, so
      // the first click does not wait for the session (seconds on a CPU).
      const loaded = ensureLoaded().catch((error: unknown) => log(`Click model loading failed: ${String(error)}`));
      if (input.waitForEngine === true) await loaded;
      const found = await discover();
      const models = await Promise.all(found.map(async (m) => toModelInfo(await verifyModel(m))));
      return { models, engine: status() };
    },
    'models.select': async (input) => {
      if (input.ep) preference = input.ep;
      if (input.clickModel) wanted = input.clickModel;
      if (loading) await loading;
      if (active && (input.ep || input.clickModel)) {
        await typedRequest(context.worker, 'click.unload', { modelId: active.modelId }).catch(() => undefined);
      }
      state = 'idle';
      await ensureLoaded();
      return status();
    },
  };
}
