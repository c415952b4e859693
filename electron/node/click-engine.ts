/**
 * The click engine: which segmenter answers a prompt (model selection and load state) and where it
 * runs. Models are found under native-models/ and loaded into the inference worker; the classical
 * segmenter (GrowCut) runs in the worker too. Only while the worker is down does the classical
 * segmenter run here, in the calling process (main), and the answer and the log say so.
 *
 * A model that is missing, damaged (sha256), invalid or fails to load leaves the app working:
 * clicks are answered by the classical segmenter and the status says why. After a worker crash the
 * model is loaded again on the next click.
 */
import { ServiceError } from '../common/errors';
import type { ClickEngineStatus, ModelInfo } from '../common/contract-click';
import { EP_LABELS, parseExecutionProviderPreference, type ExecutionProvider, type ExecutionProviderPreference } from '../common/click/execution-provider';
import { threshold } from '../common/click/prepare';
import type { Prompt } from '../common/click/prompt';
import { segmentPrompt } from '../common/click/prompt-segmenter';
import { defaultModelOrder, identityDigest } from '../common/click/manifest';
import { CLASSICAL_SEGMENTER_ID, type ClickSegmenter } from '../common/click/types';
import { NOT_CACHED_IN_WORKER, type ClickWorkerOpName, type ClickWorkerOps } from '../common/click/worker-ops';
import { decodeMaskRuns } from '../common/click/mask-runs';
import { GrowCutSegmenter } from '../common/segmenters/growcut';
import { discoverModels, isVerified, verifyModel, type DiscoveredModel } from './models/discovery';

/** The inference worker as the click engine needs it (`InferenceHost` and `InferencePool` fit). */
export interface ClickWorkerLike {
  /** `routeKey` names the session a click belongs to, so a pool sends it where its cache is. */
  request(op: string, payload: unknown, routeKey?: string): Promise<unknown>;
}

export interface ClickEngineOptions {
  worker: ClickWorkerLike;
  /** native-models/ (undefined: no models; clicks use the classical segmenter). */
  modelsRoot: string | undefined;
  /** Initial model: an id, "classical" or "default" (default: $ISEG_CLICK_MODEL or "default"). */
  clickModel?: string;
  /** Initial execution provider preference (default: $ISEG_EP or "auto"). */
  ep?: ExecutionProviderPreference;
  /** The segmenter for clicks while the worker is down (default GrowCut); tests count its calls. */
  fallbackSegmenter?: ClickSegmenter;
  log?: (message: string) => void;
}

/** One slice to segment, as the handler extracted it. */
export interface SliceRequest {
  slice: Float32Array;
  width: number;
  height: number;
  prompt: Prompt;
  /** uint8, width × height: the caller's buffer, sent on as it is (or not at all, see below). */
  previousMask?: ArrayBuffer;
  /**
   * Names this slice's contents for the worker's slice cache (e.g. a volume's key, axis and
   * index): further clicks on it send neither the slice nor a previous mask equal to the last
   * answer again.
   */
  sliceKey?: string;
  /** The session (client and image) the click belongs to: a pool of workers keeps it on one worker. */
  sessionKey?: string;
  intensityRange: [number, number];
  pixelSpacing: readonly [number, number];
  /** A model id or "classical"; default: the engine's current model. */
  model?: string;
}

export interface ClickAnswer {
  mask: Uint8Array;
  modelId: string;
  kind: 'onnx' | 'classical';
  modelSha256?: string;
  ep?: ExecutionProvider;
  fallbackReason?: string;
  /** Where the segmenter ran: the inference worker, or the main process while the worker is down. */
  ranIn: 'worker' | 'main';
}

const NOT_LOADED = /is not loaded in the inference worker/;
/** Slice keys remembered as sent; the worker may hold fewer (it then asks for the slice again). */
const SLICES_REMEMBERED = 64;
const MAIN_PROCESS_NOTE = 'The inference worker is down: classical clicks run in the main process until it is back.';

function isWorkerDown(error: unknown): error is ServiceError {
  return error instanceof ServiceError && (error.code === 'worker-unavailable' || error.code === 'worker-crashed');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let n = 0; n < a.length; n++) if (a[n] !== b[n]) return false;
  return true;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function toModelInfo(m: DiscoveredModel): ModelInfo {
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

export class ClickEngine {
  private readonly worker: ClickWorkerLike;
  private readonly modelsRoot: string | undefined;
  private readonly fallback: ClickSegmenter;
  private readonly log: (message: string) => void;
  private wanted: string;
  private preference: ExecutionProviderPreference;
  /** The loaded model; `sha256` is its manifest's digest, checked before the worker loaded it. */
  private active: { modelId: string; ep: ExecutionProvider; sha256: string | undefined } | undefined;
  private state: ClickEngineStatus['state'] = 'idle';
  private messages: string[] = [];
  private loading: Promise<void> | undefined;
  private retryOnNextClick = false;
  /** Where the last classical click ran, so the switch to and from main is logged once. */
  private classicalRanIn: 'worker' | 'main' = 'worker';
  /**
   * Slice keys sent to the worker, with the last mask it answered there (and that answer's id); by
   * session and slice key, since sessions on one image share slice keys but may sit on two workers.
   */
  private readonly workerSlices = new Map<string, { mask: Uint8Array; answerId?: number }>();

  constructor(options: ClickEngineOptions) {
    this.worker = options.worker;
    this.modelsRoot = options.modelsRoot;
    this.fallback = options.fallbackSegmenter ?? new GrowCutSegmenter();
    this.log = options.log ?? ((m: string) => console.error(m));
    this.wanted = options.clickModel ?? (process.env.ISEG_CLICK_MODEL || 'default');
    this.preference = options.ep ?? parseExecutionProviderPreference(process.env.ISEG_EP) ?? 'auto';
  }

  status(): ClickEngineStatus {
    const active = this.active;
    const messages = this.classicalRanIn === 'main' ? [...this.messages, MAIN_PROCESS_NOTE] : [...this.messages];
    const s: ClickEngineStatus = {
      clickModel: active?.modelId ?? CLASSICAL_SEGMENTER_ID,
      kind: active ? 'onnx' : 'classical',
      state: this.state,
      label: active ? EP_LABELS[active.ep] : 'classical',
      preference: this.preference,
      messages,
      classicalRunsIn: this.classicalRanIn,
    };
    if (active) s.ep = active.ep;
    return s;
  }

  async listModels(): Promise<ModelInfo[]> {
    const found = await this.discover();
    return Promise.all(found.map(async (m) => toModelInfo(await verifyModel(m))));
  }

  /** Starts loading the wanted model unless it is loaded or loading; resolves when that settles. */
  ensureLoaded(): Promise<void> {
    if (this.retryOnNextClick && !this.loading) {
      this.retryOnNextClick = false;
      this.state = 'idle';
    }
    if (this.state === 'idle') this.loading = this.load().finally(() => (this.loading = undefined));
    return this.loading ?? Promise.resolve();
  }

  async select(choice: { clickModel?: string; ep?: ExecutionProviderPreference }): Promise<ClickEngineStatus> {
    if (choice.ep) this.preference = choice.ep;
    if (choice.clickModel) this.wanted = choice.clickModel;
    if (this.loading) await this.loading;
    if (this.active && (choice.ep || choice.clickModel)) {
      await this.request('click.unload', { modelId: this.active.modelId }).catch(() => undefined);
    }
    this.state = 'idle';
    await this.ensureLoaded();
    return this.status();
  }

  /** The mask for `request`'s prompt from the wanted model, else from the classical segmenter. */
  async segment(request: SliceRequest): Promise<ClickAnswer> {
    const wantClassical = request.model === 'classical' || request.model === CLASSICAL_SEGMENTER_ID;
    if (!wantClassical) {
      if (request.model !== undefined && request.model !== (this.active?.modelId ?? '') && request.model !== this.wanted) {
        this.wanted = request.model;
        this.state = 'idle';
      }
      await this.ensureLoaded();
    }
    const model = wantClassical ? undefined : this.active;
    if (!model) return this.classical(request, wantClassical ? undefined : this.messages.join(' ') || undefined);
    let answered = model;
    let result: { modelId: string; mask: Uint8Array };
    try {
      result = await this.predict(request, model.modelId);
    } catch (error) {
      const message = messageOf(error);
      if (NOT_LOADED.test(message)) {
        // The worker restarted and lost its sessions: load again, then retry once.
        this.state = 'idle';
        await this.ensureLoaded();
        const again = this.active;
        if (!again) return this.classical(request, this.messages.join(' ') || undefined);
        answered = again;
        try {
          result = await this.predict(request, again.modelId);
        } catch (retryError) {
          return this.classical(request, `The click model failed (${messageOf(retryError)}); the classical segmenter answered.`);
        }
      } else if (error instanceof ServiceError && error.code !== 'internal') {
        return this.classical(request, `${error.message} The classical segmenter answered.`);
      } else {
        throw new ServiceError('internal', `The click model failed: ${message}`);
      }
    }
    return {
      mask: result.mask,
      modelId: result.modelId,
      kind: 'onnx',
      // Only when the worker answered with the model whose digest we hold (never a stale one).
      ...(answered.sha256 !== undefined && result.modelId === answered.modelId ? { modelSha256: answered.sha256 } : {}),
      ep: answered.ep,
      ranIn: 'worker',
    };
  }

  private request<K extends ClickWorkerOpName>(op: K, payload: ClickWorkerOps[K]['payload'], routeKey?: string): Promise<ClickWorkerOps[K]['result']> {
    // The host has checked the reply against the operation's result schema (inference-host.ts).
    return (routeKey === undefined ? this.worker.request(op, payload) : this.worker.request(op, payload, routeKey)) as Promise<ClickWorkerOps[K]['result']>;
  }

  /**
   * One click.predict. With a slice key, what the worker still holds is not sent: the slice, and
   * the previous mask when it is the worker's last answer there; a worker that has lost them
   * (evicted, restarted) says so and gets them once more.
   */
  private async predict(request: SliceRequest, modelId: string): Promise<{ modelId: string; mask: Uint8Array }> {
    const { prompt, sliceKey } = request;
    const pixels = request.width * request.height;
    const heldKey = sliceKey === undefined ? undefined : request.sessionKey === undefined ? sliceKey : `${request.sessionKey}|${sliceKey}`;
    const held = heldKey === undefined ? undefined : this.workerSlices.get(heldKey);
    const previousAnswerId =
      held?.answerId !== undefined && request.previousMask !== undefined && sameBytes(held.mask, new Uint8Array(request.previousMask)) ? held.answerId : undefined;
    const send = (everything: boolean): Promise<ClickWorkerOps['click.predict']['result']> =>
      this.request('click.predict', {
        modelId,
        // Structured clone copies each buffer once on the way to the worker; nothing is copied before.
        ...(everything || held === undefined ? { slice: request.slice.buffer as ArrayBuffer } : {}),
        ...(sliceKey === undefined ? {} : { sliceKey }),
        width: request.width,
        height: request.height,
        clicks: prompt.clicks,
        ...(prompt.box ? { box: prompt.box } : {}),
        ...(prompt.scribbles ? { scribbles: prompt.scribbles } : {}),
        ...(!everything && previousAnswerId !== undefined
          ? { previousAnswerId }
          : request.previousMask
            ? { previousMask: request.previousMask, previousMaskType: 'uint8' as const }
            : {}),
        intensityRange: request.intensityRange,
        pixelSpacing: request.pixelSpacing,
        output: 'mask-runs',
      }, request.sessionKey);
    let result: ClickWorkerOps['click.predict']['result'];
    try {
      result = await send(false);
    } catch (error) {
      if (sliceKey === undefined || !messageOf(error).includes(NOT_CACHED_IN_WORKER)) throw error;
      result = await send(true);
    }
    let mask: Uint8Array;
    try {
      if (result.output !== 'mask-runs' || result.probabilities.byteLength % 4 !== 0) throw new Error('it is not a mask');
      mask = decodeMaskRuns(new Uint32Array(result.probabilities), pixels);
    } catch (error) {
      throw new ServiceError('internal', `The inference worker returned a bad mask: ${messageOf(error)}`);
    }
    if (heldKey !== undefined) this.rememberAnswer(heldKey, mask, result.answerId);
    return { modelId: result.modelId, mask };
  }

  /** What the worker holds for `heldKey`, as far as this engine knows (least recently used first). */
  private rememberAnswer(heldKey: string, mask: Uint8Array, answerId: number | undefined): void {
    this.workerSlices.delete(heldKey);
    this.workerSlices.set(heldKey, { mask, ...(answerId === undefined ? {} : { answerId }) });
    for (const key of this.workerSlices.keys()) {
      if (this.workerSlices.size <= SLICES_REMEMBERED) break;
      this.workerSlices.delete(key);
    }
  }

  /** The classical segmenter: in the worker, or here while the worker is down. */
  private async classical(request: SliceRequest, reason: string | undefined): Promise<ClickAnswer> {
    try {
      const result = await this.predict(request, CLASSICAL_SEGMENTER_ID);
      if (this.classicalRanIn === 'main') this.log('The inference worker is back: classical clicks run in it again.');
      this.classicalRanIn = 'worker';
      return { mask: result.mask, modelId: result.modelId, kind: 'classical', ...(reason ? { fallbackReason: reason } : {}), ranIn: 'worker' };
    } catch (error) {
      if (!isWorkerDown(error)) throw new ServiceError('internal', `The classical segmenter failed in the inference worker: ${messageOf(error)}`);
      if (this.classicalRanIn === 'worker') this.log(`${MAIN_PROCESS_NOTE} (${error.message})`);
      this.classicalRanIn = 'main';
      const mask = await this.inMainProcess(request);
      // Both why the model did not answer and why the worker could not: unless they are one reason.
      const why = reason === undefined ? `${error.message} The classical segmenter answered.` : reason.includes(error.message) ? reason : `${reason} ${error.message}`;
      return { mask, modelId: this.fallback.id, kind: 'classical', fallbackReason: `${why} It ran in the main process.`, ranIn: 'main' };
    }
  }

  private async inMainProcess(request: SliceRequest): Promise<Uint8Array> {
    const previous = request.previousMask ? new Uint8Array(request.previousMask) : undefined;
    const probabilities = await segmentPrompt(this.fallback, request.slice, request.width, request.height, request.prompt, previous, {
      intensityRange: request.intensityRange,
      pixelSpacing: request.pixelSpacing,
    });
    return threshold(probabilities, this.fallback.threshold);
  }

  private discover(): Promise<DiscoveredModel[]> {
    return this.modelsRoot ? discoverModels(this.modelsRoot) : Promise.resolve([]);
  }

  /** Picks, verifies and loads the wanted model; on any failure the classical segmenter stays. */
  private async load(): Promise<void> {
    this.state = 'loading';
    this.messages = [];
    this.active = undefined;
    const wanted = this.wanted;
    if (wanted === 'classical' || wanted === CLASSICAL_SEGMENTER_ID) {
      this.state = 'ready';
      return;
    }
    const models = (await this.discover()).filter((m) => m.manifest?.task !== 'propagation');
    const candidates = wanted === 'default' ? defaultModelOrder(models) : models.filter((m) => m.id === wanted);
    if (candidates.length === 0) {
      this.messages.push(
        wanted === 'default'
          ? 'No click model is installed; clicks use the classical segmenter.'
          : `There is no click model "${wanted}"; clicks use the classical segmenter.`,
      );
      this.state = 'fallback';
      return;
    }
    for (const candidate of candidates) {
      const verified = await verifyModel(candidate);
      if (!isVerified(verified)) {
        this.messages.push(verified.problem ?? `Model "${candidate.id}" cannot be used.`);
        continue;
      }
      try {
        const result = await this.request('click.load', { modelDir: verified.dir, ep: this.preference });
        // The worker verifies the same folder against the same manifest before it loads, so the
        // digest checked here is the one of the weights in its session.
        this.active = { modelId: result.modelId, ep: result.ep, sha256: identityDigest(verified.manifest) };
        for (const attempt of result.attempts) {
          if (attempt.error) this.messages.push(`${EP_LABELS[attempt.ep]} could not run ${result.modelId} (${attempt.error}); fell back.`);
        }
        this.state = 'ready';
        this.log(`Click model ${result.modelId} loaded on ${EP_LABELS[result.ep]} in ${Math.round(result.loadMs)} ms.`);
        return;
      } catch (error) {
        this.messages.push(`Model "${candidate.id}" could not be loaded: ${messageOf(error)}`);
        if (isWorkerDown(error)) {
          // The worker, not the model, failed: answer with the classical segmenter and try again
          // at the next click.
          this.messages.push('Clicks use the classical segmenter until the inference worker is back.');
          this.state = 'fallback';
          for (const m of this.messages) this.log(m);
          this.retryOnNextClick = true;
          return;
        }
      }
    }
    this.messages.push('Clicks use the classical segmenter.');
    this.state = 'fallback';
    for (const m of this.messages) this.log(m);
  }
}
