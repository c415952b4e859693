/**
 * The memory propagation engine (STCN protocol) behind the `Propagator` interface. Pure: the
 * networks are injected (ONNX Runtime in electron/node/propagation/onnx-networks.ts, fakes in tests),
 * so the same engine runs in the inference worker and in the CLI.
 *
 * Every slice is key-encoded once, and the keys are cached per volume and axis, so a
 * re-propagation after a correction costs only read-outs and decodes. Each run starts from an
 * annotated slice whose seed mask is value-encoded into a fresh memory (with the annotation at
 * the gap's far end too, when the run heads for another annotated slice); every later slice
 * reads the memory (L2 affinity, top-k, softmax: `readout.ts`, on ONNX Runtime where the
 * networks offer it), is decoded to a probability map, and (every `memoryEvery` slices) its
 * prediction joins the memory, the annotations always kept and the oldest predictions dropped
 * past `maxMemoryFrames`. The plan (common/propagation/plan.ts) says
 * which runs go where, which gaps are fused and where a run may stop at the object's end.
 */
import { LabelAssembler, throwIfCancelled } from './assembler';
import { normalizeSlice, padTo, percentileWindow, type IntensityWindow } from './normalize';
import type { PropagateOptions } from './options';
import { fusionWeights, runFillsGap, runSlices, type PropagationRun } from './plan';
import type { CancelSignal, PropagationOutcome, Propagator, SliceListener } from './propagator';
import { fuseRuns, summarise, type ProbabilitySummary } from './probability-pass';
import { ReadoutMemory, type ReadoutWindow } from './readout';
import type { SegmentEvidence } from './suspect';
import { planRequest, totalWrites } from './segments';
import { DEFAULT_STOP_RULE, ObjectEndWatch, type StopRuleSettings } from './stop-rule';
import { readSlice, sliceLayout, type IndexAxis, type SliceLayout } from '../slice';
import type { Volume, VoxelArray } from '../volume';
import type { KeyFeatures, NetworkGeometry, PropagationNetworks } from './networks';

export interface MemoryEngineOptions {
  /**
   * A prediction joins the memory every this many slices (default 5, STCN's mem_every). On the
   * training-source knees (CLAIR, SPL; 3/5/10 given slices) Dice rose steadily from 1 to 5
   * (CLAIR 68.6/71.2/75.4 → 73.5/74.6/77.5 %, SPL 34.8/38.7/54.3 → 51.3/56.6/62.3 %): fewer
   * predicted frames in the memory, less error carried along. Fewer value encodings, too.
   */
  readonly memoryEvery?: number;
  /** Memory frames kept, the origin included (default 3). */
  readonly maxMemoryFrames?: number;
  /**
   * A run between two annotated slices also keeps the far annotation in its memory, as STCN keeps
   * every annotated frame (default true; on the training-source knees CLAIR and SPL it gave
   * +0.3 to +2 Dice points at 3 and 5 given slices, −0.2 to +1 at 10).
   */
  readonly rememberGapEnds?: boolean;
  /** Byte budget of the key cache over all volumes (default 1 GiB). */
  readonly cacheBytes?: number;
  /** Millisecond clock (default Date.now; pass performance.now for finer timings). */
  readonly now?: () => number;
  /** Where runs beyond the annotated range stop (default DEFAULT_STOP_RULE; a request's stopFraction overrides the fraction). */
  readonly stopRule?: StopRuleSettings;
  /**
   * Local read-out: each query sees the memory only within this window (readout.ts), so the
   * read-out grows with the slice area, not its square; null reads every position (STCN).
   * Default: the one the networks were trained with (their manifest), else DEFAULT_READOUT_WINDOW.
   */
  readonly readoutWindow?: ReadoutWindow | null;
}

/**
 * A local read-out by default: query tiles of 8 × 8 feature cells see the memory within 4 cells of
 * their tile (16 × 16 cells a frame) and every frame as 4 × 4 block means, at most 8 × 8 blocks (the
 * blocks grow past 512² slices), so a query sees at most 320 positions a frame at any slice size and
 * the read-out grows with the slice area, not its square. Chosen on training-source volumes (mean
 * not-given DSC over 7 structures at 1/3/5/10 given: full 51.2/67.8/77.7/79.8, this 54.0/71.3/78.0/
 * 79.7) and checked once on the dev volumes, where every cell is within 0.5 points of the full
 * read-out or above it (propagation README, "Read-out window").
 */
export const DEFAULT_READOUT_WINDOW: ReadoutWindow | null = { tile: 8, radius: 4, pool: 4, poolSide: 8 };

/** The read-out a run uses: the one asked for, else the one the weights were trained with, else the default (null: every position). */
export function chooseReadoutWindow(requested: ReadoutWindow | null | undefined, trained: ReadoutWindow | null | undefined): ReadoutWindow | null {
  if (requested !== undefined) return requested;
  return trained !== undefined ? trained : DEFAULT_READOUT_WINDOW;
}

interface AxisCache {
  readonly features: Map<number, KeyFeatures>;
  bytes: number;
}

interface VolumeCache {
  readonly window: IntensityWindow;
  readonly axes: Map<IndexAxis, AxisCache>;
}

function featureBytes(f: KeyFeatures): number {
  return 4 * (f.key.length + f.f16.length + f.f8.length + f.f4.length);
}

/** Per-slice context of one propagation request. */
interface SliceContext {
  readonly image: Volume;
  readonly layout: SliceLayout;
  readonly size: NetworkGeometry;
  /** Reused for every network input image of the request (the networks read inputs only until they answer). */
  readonly scratch: { readonly slice: Float32Array; readonly tensor: Float32Array };
  readonly cache: AxisCache;
  readonly window: IntensityWindow;
  readonly signal: CancelSignal | undefined;
}

export class MemoryPropagator implements Propagator {
  readonly method = 'memory' as const;
  private readonly volumes = new WeakMap<VoxelArray, VolumeCache>();
  /** Axis caches in least-recently-used order, for the byte budget. */
  private readonly lru: AxisCache[] = [];
  private readonly memoryEvery: number;
  private readonly maxMemoryFrames: number;
  private readonly cacheBytes: number;
  private readonly rememberGapEnds: boolean;
  private readonly now: () => number;
  private readonly stopRule: StopRuleSettings;
  /** The read-out window in use (undefined: every position). */
  readonly readoutWindow: ReadoutWindow | undefined;
  /** Network evaluations of the last request, for measurements. */
  lastStats = { keyEncodes: 0, valueEncodes: 0, decodes: 0, readoutMs: 0, networkMs: 0 };
  /** The suspect-flag evidence of the last request, built when first read (eval-suspects, the outcome's suspects). */
  private evidenceOfLast: () => readonly SegmentEvidence[] = () => [];

  get lastEvidence(): readonly SegmentEvidence[] {
    return this.evidenceOfLast();
  }

  constructor(
    readonly networks: PropagationNetworks,
    options: MemoryEngineOptions = {},
  ) {
    this.memoryEvery = Math.max(1, Math.floor(options.memoryEvery ?? 5));
    this.maxMemoryFrames = Math.max(1, Math.floor(options.maxMemoryFrames ?? 3));
    this.cacheBytes = options.cacheBytes ?? 1 << 30;
    this.rememberGapEnds = options.rememberGapEnds ?? true;
    this.now = options.now ?? Date.now;
    this.stopRule = options.stopRule ?? DEFAULT_STOP_RULE;
    this.readoutWindow = chooseReadoutWindow(options.readoutWindow, networks.readoutWindow) ?? undefined;
  }

  /** Drops the cached keys of a volume (after its voxels changed). */
  forget(image: Volume): void {
    const cache = this.volumes.get(image.voxels);
    if (!cache) return;
    for (const axis of cache.axes.values()) this.dropFromLru(axis);
    this.volumes.delete(image.voxels);
  }

  /** Key-encodes every slice along the axis ahead of time (optional; propagate does it lazily). */
  async warmKeys(image: Volume, axis: IndexAxis, signal?: CancelSignal): Promise<void> {
    const ctx = this.context(image, axis, signal);
    for (let s = 0; s < ctx.layout.count; s++) await this.keysFor(ctx, s);
  }

  async propagate(image: Volume, seeds: Volume, options: PropagateOptions, onSlice?: SliceListener, signal?: CancelSignal): Promise<PropagationOutcome> {
    const started = this.now();
    const { locked, labels, tasks } = planRequest(image, seeds, options, signal);
    this.lastStats = { keyEncodes: 0, valueEncodes: 0, decodes: 0, readoutMs: 0, networkMs: 0 };
    const ctx = this.context(image, options.axis, signal);
    const assembler = new LabelAssembler(seeds, options.axis, locked, options.overwriteOthers ?? false, totalWrites(tasks), onSlice, this.networks.threshold);
    // stopFraction 0 turns the rule off (runs stop only where the object vanishes), as it always did.
    const stopRule: StopRuleSettings =
      options.stopFraction === 0 ? { fraction: 0, growth: Infinity, confidenceDrop: 0 } : { ...this.stopRule, fraction: options.stopFraction ?? this.stopRule.fraction };
    let computed = 0;
    for (const task of tasks) {
      const committed = new Set<number>();
      const forward = new Map<number, Float32Array>();
      const anchorValues = new Map<number, Float32Array>();
      const written = new Set(task.plan.written);
      const commit = (slice: number, quantised: Uint8Array, summary: ProbabilitySummary | undefined): void => {
        if (!written.has(slice) || committed.has(slice)) return;
        committed.add(slice);
        if (summary) assembler.noteUncertainty(task.label, slice, summary.uncertainty);
        assembler.commit(task.label, slice, quantised);
      };
      /** The slice's summary and 0–255 probabilities, from runOnce where it made them, else in one pass now. */
      const summarised = (p: Float32Array, done: Summarised | undefined): Summarised => {
        if (done) return done;
        const quantised = new Uint8Array(p.length);
        return { summary: summarise(p, this.networks.threshold, quantised), quantised };
      };
      for (const run of task.plan.runs) {
        const gap = task.plan.fused.find((g) => runFillsGap(g, run));
        const farEnd = gap && this.rememberGapEnds ? (run.direction === 1 ? gap.b : gap.a) : undefined;
        computed += await this.runOnce(ctx, assembler, seeds, task.label, run, stopRule, farEnd, anchorValues, (slice, p, done) => {
          if (gap && run.direction === 1) {
            forward.set(slice, p);
            return;
          }
          const f = gap ? forward.get(slice) : undefined;
          if (gap && f) {
            const [wa, wb] = fusionWeights(slice, gap.a, gap.b);
            const fused = fuseRuns(f, p, wa, wb, this.networks.threshold);
            assembler.noteDisagreement(task.label, slice, fused.disagreement);
            forward.delete(slice);
            commit(slice, fused.quantised, fused);
          } else {
            const { summary, quantised } = summarised(p, done);
            commit(slice, quantised, summary);
          }
        });
      }
      // Whatever no run reached (beyond an object's end, between empty annotations) is background.
      const empty = new Uint8Array(assembler.pixels);
      for (const slice of task.plan.written) {
        const decided = forward.get(slice);
        if (decided) {
          const { summary, quantised } = summarised(decided, undefined);
          commit(slice, quantised, summary);
        } else {
          commit(slice, empty, undefined);
        }
      }
    }
    let evidence: readonly SegmentEvidence[] | undefined;
    this.evidenceOfLast = () => (evidence ??= assembler.evidence(labels));
    return assembler.outcome({ method: this.method, propagated: labels, computedSlices: computed, elapsedMs: this.now() - started, timings: { ...this.lastStats } }, this.evidenceOfLast);
  }

  /** One run from its origin; `emit` gets each slice's probabilities. Returns slices decoded. */
  private async runOnce(
    ctx: SliceContext,
    assembler: LabelAssembler,
    seeds: Volume,
    label: number,
    run: PropagationRun,
    stopRule: StopRuleSettings,
    farEnd: number | undefined,
    anchorValues: Map<number, Float32Array>,
    emit: (slice: number, probability: Float32Array, done: Summarised | undefined) => void,
  ): Promise<number> {
    const { layout } = ctx;
    const pixels = layout.width * layout.height;
    // Annotations stay in the memory for the whole run; predictions past them rotate out.
    const anchors = farEnd === undefined ? [run.origin] : [run.origin, farEnd];
    const grid = { height: ctx.size.height / this.networks.stride, width: ctx.size.width / this.networks.stride };
    const memory = new ReadoutMemory(
      { keyDim: this.networks.keyDim, valueDim: this.networks.valueDim, positions: grid.height * grid.width },
      { grid, capacity: anchors.length + this.maxMemoryFrames - 1, ...(this.readoutWindow ? { window: this.readoutWindow } : {}) },
    );
    const memoryLimit = this.maxMemoryFrames + anchors.length - 1;
    for (const anchor of anchors) {
      // An annotation's value is the same in every run of the label (seeds, not predictions): encoded once.
      const known = anchorValues.get(anchor);
      if (known) {
        memory.add((await this.keysFor(ctx, anchor)).key, known);
        continue;
      }
      const seedSlice = readSlice(seeds.voxels, layout, anchor, new Float32Array(pixels));
      const seedMask = new Float32Array(pixels);
      const seedOthers = new Float32Array(pixels);
      for (let i = 0; i < pixels; i++) {
        const v = seedSlice[i] as number;
        if (v === label) seedMask[i] = 1;
        else if (v !== 0) seedOthers[i] = 1;
      }
      anchorValues.set(anchor, await this.remember(ctx, memory, anchor, seedMask, seedOthers));
    }
    let decoded = 0;
    let step = 0;
    const watch = new ObjectEndWatch(run.seedArea, stopRule);
    for (const slice of runSlices(run)) {
      throwIfCancelled(ctx.signal);
      const features = await this.keysFor(ctx, slice);
      throwIfCancelled(ctx.signal);
      const t0 = this.now();
      const kernel = this.networks.readoutKernel;
      const read = kernel ? await memory.readWith(kernel, features.key, this.networks.topK) : memory.read(features.key, this.networks.topK);
      const t1 = this.now();
      const probability = await this.decodeProbabilities(read, features, ctx);
      this.lastStats.networkMs += this.now() - t1;
      this.lastStats.readoutMs += t1 - t0;
      this.lastStats.decodes++;
      decoded++;
      throwIfCancelled(ctx.signal);
      // Only a run that may stop needs the summary now; otherwise emit makes it if it commits the slice.
      let done: Summarised | undefined;
      if (run.stopAtObjectEnd) {
        const quantised = new Uint8Array(pixels);
        done = { summary: summarise(probability, this.networks.threshold, quantised), quantised };
        if (watch.reachedEnd(done.summary.reading)) {
          // The object ended: this slice and the rest of the run stay background (shared zero maps, never written).
          const background = new Float32Array(pixels);
          const nothing: Summarised = { summary: summarise(background.subarray(0, 0), this.networks.threshold), quantised: new Uint8Array(pixels) };
          for (const rest of runSlices({ ...run, origin: slice - run.direction })) emit(rest, background, nothing);
          break;
        }
      }
      emit(slice, probability, done);
      step++;
      // With maxMemoryFrames 1 only the annotations are remembered.
      if (step % this.memoryEvery === 0 && slice !== run.end && memoryLimit > anchors.length) {
        const current = assembler.currentSlice(slice);
        const others = new Float32Array(pixels);
        for (let i = 0; i < pixels; i++) if (current[i] !== 0 && current[i] !== label) others[i] = 1;
        // The oldest prediction leaves first, so the bank never holds more than its capacity.
        while (memory.frameCount >= memoryLimit) memory.remove(anchors.length);
        await this.remember(ctx, memory, slice, probability, others);
      }
    }
    return decoded;
  }

  /** The decoder's probabilities on the slice: in one network call where the networks offer it. */
  private async decodeProbabilities(read: Float32Array, features: KeyFeatures, ctx: SliceContext): Promise<Float32Array> {
    const { width, height } = ctx.layout;
    if (this.networks.decodeProbabilities) return this.networks.decodeProbabilities(read, features, ctx.size, width, height);
    const logits = await this.networks.decode(read, features, ctx.size);
    return cropSigmoid(logits, ctx.size, width, height);
  }

  /** Value-encodes the slice into the memory; returns the value (the memory keeps a copy). */
  private async remember(ctx: SliceContext, memory: ReadoutMemory, slice: number, mask: Float32Array, others: Float32Array): Promise<Float32Array> {
    const features = await this.keysFor(ctx, slice);
    const { width, height } = ctx.layout;
    const t0 = this.now();
    const value = await this.networks.encodeValue(this.imageTensor(ctx, slice), pad(mask, width, height, ctx.size), pad(others, width, height, ctx.size), features.f16, ctx.size);
    this.lastStats.networkMs += this.now() - t0;
    this.lastStats.valueEncodes++;
    memory.add(features.key, value);
    return value;
  }

  private imageTensor(ctx: SliceContext, slice: number): Float32Array {
    const { layout, size } = ctx;
    const raw = readSlice(ctx.image.voxels, layout, slice, ctx.scratch.slice);
    return normalizeSlice(raw, layout.width, layout.height, ctx.window, this.networks.normalization, this.networks.imageChannels, size.width, size.height, ctx.scratch.tensor);
  }

  private async keysFor(ctx: SliceContext, slice: number): Promise<KeyFeatures> {
    const cached = ctx.cache.features.get(slice);
    if (cached) return cached;
    const t0 = this.now();
    const features = await this.networks.encodeKey(this.imageTensor(ctx, slice), ctx.size);
    this.lastStats.networkMs += this.now() - t0;
    this.lastStats.keyEncodes++;
    ctx.cache.features.set(slice, features);
    ctx.cache.bytes += featureBytes(features);
    this.touch(ctx.cache);
    return features;
  }

  private context(image: Volume, axis: IndexAxis, signal: CancelSignal | undefined): SliceContext {
    let volume = this.volumes.get(image.voxels);
    if (!volume) {
      const n = this.networks.normalization;
      volume = { window: percentileWindow(image.voxels, n.low, n.high), axes: new Map() };
      this.volumes.set(image.voxels, volume);
    }
    let cache = volume.axes.get(axis);
    if (!cache) {
      cache = { features: new Map(), bytes: 0 };
      volume.axes.set(axis, cache);
    }
    this.touch(cache);
    const layout = sliceLayout(image.geometry.size, axis);
    const stride = this.networks.stride;
    const size = { height: padTo(layout.height, stride), width: padTo(layout.width, stride) };
    const scratch = { slice: new Float32Array(layout.width * layout.height), tensor: new Float32Array(this.networks.imageChannels * size.width * size.height) };
    return { image, layout, size, cache, window: volume.window, signal, scratch };
  }

  /** Marks an axis cache as most recent and evicts the oldest slices' keys past the budget. */
  private touch(cache: AxisCache): void {
    this.dropFromLru(cache);
    this.lru.push(cache);
    let total = this.lru.reduce((n, c) => n + c.bytes, 0);
    for (const old of this.lru) {
      if (total <= this.cacheBytes) break;
      if (old === cache) continue;
      total -= old.bytes;
      old.features.clear();
      old.bytes = 0;
    }
    // One axis larger than the budget keeps its newest slices only.
    while (cache.bytes > this.cacheBytes && cache.features.size > 1) {
      const first = cache.features.keys().next().value;
      if (first === undefined) break;
      const f = cache.features.get(first);
      cache.features.delete(first);
      if (f) cache.bytes -= featureBytes(f);
    }
  }

  private dropFromLru(cache: AxisCache): void {
    const i = this.lru.indexOf(cache);
    if (i >= 0) this.lru.splice(i, 1);
  }
}

/** A decoded slice's one-pass summary and its probabilities as 0–255. */
interface Summarised {
  readonly summary: ProbabilitySummary;
  readonly quantised: Uint8Array;
}

/** Pads a width × height map to the network size (zeros right and bottom). */
function pad(values: Float32Array, width: number, height: number, size: NetworkGeometry): Float32Array {
  if (width === size.width && height === size.height) return values;
  const out = new Float32Array(size.width * size.height);
  for (let y = 0; y < height; y++) out.set(values.subarray(y * width, (y + 1) * width), y * size.width);
  return out;
}

/** The slice's part of the logits as probabilities. */
function cropSigmoid(logits: Float32Array, size: NetworkGeometry, width: number, height: number): Float32Array {
  const probability = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * size.width;
    const at = y * width;
    for (let x = 0; x < width; x++) probability[at + x] = 1 / (1 + Math.exp(-(logits[row + x] as number)));
  }
  return probability;
}
