/**
 * Prompts on one slice (clicks, a box, scribbles) and the click engine's live preview. Each new
 * prompt sends the whole prompt so far (and the previous preview) to segmentation.clickToMask;
 * answers to older requests are dropped. Committing is workflows/label-edits.ts's (it writes through the segmentation store).
 *
 * A click model refines a mask (its previous-mask input), so a prompt on a slice where the active
 * segment already has pixels starts from them: clicking a propagated slice corrects it, and a
 * negative click can take pixels away. GrowCut ignores the previous mask, so its prompts start empty
 * and add to the labels, as before.
 */
import { action, computed, makeObservable, observable, observableRef, runInAction } from 'mobx';
import type { ServiceClient } from '../../../electron/common/contract';
import type { ClickEngineStatus, ModelDigest } from '../../../electron/common/contract-click';
import type { SliceRef } from '../../../electron/common/slice';
import type { SegmentSliceMask } from '../segmentation/slice-mask';

export interface Click {
  readonly x: number;
  readonly y: number;
  readonly positive: boolean;
}

/** A box prompt, inclusive slice pixels (electron/common/click/prompt.ts). */
export interface PromptBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** A positive or negative stroke in slice pixels; the engine turns it into clicks along it. */
export interface PromptScribble {
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly positive: boolean;
}

/** What one request adds to the prompt. */
export type PromptPart = { readonly click: Click } | { readonly box: PromptBox } | { readonly scribble: PromptScribble };

export interface Preview extends SliceRef {
  readonly mask: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Non-zero pixels of the mask. */
  readonly voxels: number;
  /** The ONNX model that drew this mask (undefined for the classical segmenter), for provenance. */
  readonly model: ModelDigest | undefined;
  /**
   * The active segment's pixels on this slice when the prompt began, where the prompt started from
   * them: committing then makes the segment on this slice exactly `mask`. Absent: `mask` is added.
   */
  readonly startedFrom?: SegmentSliceMask;
}

/** The active segment's mask on `ref`, or undefined (no image, no active segment it may change). */
export type ActiveSegmentMask = (ref: SliceRef) => SegmentSliceMask | undefined;

export interface ClickAnswer {
  readonly modelId: string;
  readonly kind: 'onnx' | 'classical';
  /** sha256 of the ONNX model's file (undefined for the classical segmenter). */
  readonly modelSha256: string | undefined;
  readonly ep: string | undefined;
  readonly fallbackReason: string | undefined;
  /** Where the segmenter ran: the inference worker, or the main process while the worker was down. */
  readonly ranIn?: 'worker' | 'main' | undefined;
  /** Time the engine reported, and the round trip the page saw (ms). */
  readonly engineMs: number;
  readonly roundTripMs: number;
}

export class PromptStore {
  /** The slice the current prompt is on (clicks on another slice start a new prompt). */
  target: SliceRef | undefined = undefined;
  clicks: readonly Click[] = [];
  /** The box of the prompt (a new box replaces it). */
  box: PromptBox | undefined = undefined;
  scribbles: readonly PromptScribble[] = [];
  preview: Preview | undefined = undefined;
  engine: ClickEngineStatus | undefined = undefined;
  lastAnswer: ClickAnswer | undefined = undefined;
  /** Requests sent and not yet answered. */
  inFlight = 0;
  /** Clicks that went into committed masks since the image was opened (for provenance). */
  committedClicks = 0;
  /** The distinct ONNX models (id and sha256) whose masks were committed since the image was opened. */
  committedModels: readonly ModelDigest[] = [];
  private seq = 0;
  /** The latest request (resolved when it is answered or failed). */
  private latest: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: ServiceClient,
    private readonly activeSegmentMask: ActiveSegmentMask = () => undefined,
  ) {
    makeObservable<PromptStore, 'client' | 'activeSegmentMask' | 'seq' | 'latest'>(this, {
      client: false,
      activeSegmentMask: false,
      seq: false,
      latest: false,
      target: observableRef,
      clicks: observableRef,
      box: observableRef,
      scribbles: observableRef,
      preview: observableRef,
      engine: observableRef,
      lastAnswer: observableRef,
      inFlight: observable,
      committedClicks: observable,
      committedModels: observableRef,
      active: computed,
      summary: computed,
      setEngine: action,
      cancel: action,
      markCommitted: action,
      resetCounts: action,
    });
  }

  /** True while a prompt is open (clicks, a box or scribbles placed, not yet committed or cancelled). */
  get active(): boolean {
    return this.clicks.length > 0 || this.box !== undefined || this.scribbles.length > 0;
  }

  /** What the prompt holds, for the history: "3 clicks", "box, 1 click", "2 scribbles". */
  get summary(): string {
    const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
    const parts = [
      ...(this.box === undefined ? [] : ['box']),
      ...(this.clicks.length > 0 || (this.box === undefined && this.scribbles.length === 0) ? [count(this.clicks.length, 'click')] : []),
      ...(this.scribbles.length === 0 ? [] : [count(this.scribbles.length, 'scribble')]),
    ];
    return parts.join(', ');
  }

  setEngine(engine: ClickEngineStatus): void {
    this.engine = engine;
    // The status bar prefers the last click's answer; once the engine changed, that answer is stale.
    const last = this.lastAnswer;
    if (last !== undefined && (last.kind !== engine.kind || (engine.kind === 'onnx' && (last.modelId !== engine.clickModel || last.ep !== engine.ep))))
      this.lastAnswer = undefined;
  }

  /** Resolves once the latest click has been answered (or has failed). */
  whenSettled(): Promise<void> {
    return this.latest.catch(() => undefined);
  }

  /** Adds a click on `ref` and asks the engine for the new mask. */
  addClick(volumeId: string, ref: SliceRef, click: Click): Promise<void> {
    return this.add(volumeId, ref, { click });
  }

  /** Adds a box, a scribble or a click to the prompt on `ref` and asks the engine for the new mask. */
  add(volumeId: string, ref: SliceRef, part: PromptPart): Promise<void> {
    const request = this.request(volumeId, ref, part);
    this.latest = request;
    return request;
  }

  private async request(volumeId: string, ref: SliceRef, part: PromptPart): Promise<void> {
    const seq = ++this.seq;
    const { clicks, box, scribbles, previous } = runInAction(() => {
      if (this.target === undefined || this.target.axis !== ref.axis || this.target.slice !== ref.slice) {
        this.target = ref;
        this.clicks = [];
        this.box = undefined;
        this.scribbles = [];
        this.preview = 'box' in part ? undefined : this.startingPreview(ref);
      }
      if ('click' in part) this.clicks = [...this.clicks, part.click];
      else if ('box' in part) this.box = part.box;
      else this.scribbles = [...this.scribbles, part.scribble];
      this.inFlight++;
      return { clicks: this.clicks, box: this.box, scribbles: this.scribbles, previous: this.preview };
    });
    const started = performance.now();
    try {
      const answer = await this.client.call('segmentation.clickToMask', {
        volumeId,
        axis: ref.axis,
        slice: ref.slice,
        clicks: clicks.map((c) => ({ x: c.x, y: c.y, positive: c.positive })),
        ...(box === undefined ? {} : { box: { ...box } }),
        ...(scribbles.length === 0 ? {} : { scribbles: scribbles.map((s) => ({ positive: s.positive, points: s.points.map((p) => ({ x: p.x, y: p.y })) })) }),
        // The transport copies it (structured clone, or the WebSocket frame): no copy here.
        ...(previous === undefined ? {} : { previousMask: wholeBuffer(previous.mask) }),
      });
      const roundTripMs = performance.now() - started;
      runInAction(() => {
        if (seq !== this.seq || this.clicks !== clicks || this.box !== box || this.scribbles !== scribbles) return; // a newer prompt, or cancelled
        const mask = new Uint8Array(answer.mask);
        if (mask.length !== answer.width * answer.height)
          throw new Error(`The click engine returned ${mask.length} mask pixels for a ${answer.width} × ${answer.height} slice.`);
        const voxels = setPixels(mask);
        // Provenance names a model by its digest: an ONNX answer without one names no model.
        const model = answer.kind === 'onnx' && answer.modelSha256 !== undefined ? { id: answer.modelId, sha256: answer.modelSha256 } : undefined;
        // A classical answer (the worker down, GrowCut in main) ignored the mask it was given, so
        // it adds to the labels as GrowCut always does rather than replace what was there.
        const startedFrom = answer.kind === 'onnx' ? previous?.startedFrom : undefined;
        this.preview = {
          axis: answer.axis,
          slice: answer.slice,
          mask,
          width: answer.width,
          height: answer.height,
          voxels,
          model,
          ...(startedFrom === undefined ? {} : { startedFrom }),
        };
        this.lastAnswer = {
          modelId: answer.modelId,
          kind: answer.kind,
          modelSha256: answer.modelSha256,
          ep: answer.ep,
          fallbackReason: answer.fallbackReason,
          ranIn: answer.ranIn,
          engineMs: answer.elapsedMs,
          roundTripMs,
        };
      });
    } finally {
      runInAction(() => {
        this.inFlight = Math.max(0, this.inFlight - 1);
      });
    }
  }

  /**
   * What a new prompt on `ref` starts from: the active segment's pixels there when the engine is a
   * click model (it takes them as its previous mask); a box starts a new object, so it starts empty.
   */
  private startingPreview(ref: SliceRef): Preview | undefined {
    if (this.engine?.kind !== 'onnx') return undefined;
    const start = this.activeSegmentMask(ref);
    if (start === undefined) return undefined;
    const voxels = setPixels(start.mask);
    if (voxels === 0) return undefined;
    return { ...ref, mask: start.mask, width: start.width, height: start.height, voxels, model: undefined, startedFrom: start };
  }

  /** Drops the prompt and its preview (Esc). */
  cancel(): void {
    this.seq++;
    this.target = undefined;
    this.clicks = [];
    this.box = undefined;
    this.scribbles = [];
    this.preview = undefined;
  }

  /** After the preview was written into the labels (workflows/label-edits.ts). */
  markCommitted(): void {
    this.committedClicks += this.clicks.length;
    // The model travels with the preview it drew, so what is recorded is what was written.
    const model = this.preview?.model;
    if (model !== undefined && !this.committedModels.some((m) => m.id === model.id && m.sha256 === model.sha256))
      this.committedModels = [...this.committedModels, model];
    this.cancel();
  }

  resetCounts(): void {
    this.committedClicks = 0;
    this.committedModels = [];
  }
}

/** `mask`'s bytes as an ArrayBuffer: its own buffer when the view covers it all, else a copy. */
function wholeBuffer(mask: Uint8Array): ArrayBuffer {
  return mask.byteOffset === 0 && mask.byteLength === mask.buffer.byteLength ? (mask.buffer as ArrayBuffer) : mask.slice().buffer;
}

/** Non-zero pixels of a mask (a preview's `voxels`). */
function setPixels(mask: Uint8Array): number {
  let count = 0;
  for (let n = 0; n < mask.length; n++) if (mask[n] !== 0) count++;
  return count;
}
