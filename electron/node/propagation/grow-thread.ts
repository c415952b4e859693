/**
 * Growing slice to slice (grow-propagator.ts) on a thread of its own (grow-thread-worker.ts), for
 * the auto method: ONNX Runtime's Node binding runs each network call on the thread that makes it,
 * so in one thread growing waits for the memory network and the memory network for growing; on two
 * they overlap. The image is shared with the thread once per image (its own SharedArrayBuffer, else
 * a copy in one, kept while the image lives); the outcome's label map is built from the streamed
 * slices when first read, and its suspect list is empty (auto, the caller, flags its own). When the
 * thread dies, pending runs fail with one sentence and the next run starts a fresh thread.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ServiceError } from '../../common/errors';
import { labelsWrittenOver, throwIfCancelled } from '../../common/propagation/assembler';
import { GrowPropagator } from '../../common/propagation/grow-propagator';
import type { PropagateOptions } from '../../common/propagation/options';
import type { CancelSignal, PropagationOutcome, Propagator, SliceListener } from '../../common/propagation/propagator';
import { sliceLayout } from '../../common/slice';
import { typedArrayFor, type Volume } from '../../common/volume';
import { growReplySchema, type GrowPropagateRequest, type GrowReply, type GrowRequest } from './grow-thread-protocol';

/** How often a running request looks at its cancel signal (a plain flag: nothing announces it). */
const CANCEL_POLL_MS = 25;

interface Run {
  readonly image: Volume;
  readonly seeds: Volume;
  readonly options: PropagateOptions;
  readonly onSlice: SliceListener | undefined;
  /** The last merged label slice streamed per slice: the outcome's label map, if read. */
  readonly planes: Map<number, Uint8Array | Uint16Array>;
  readonly resolve: (outcome: PropagationOutcome) => void;
  readonly reject: (error: Error) => void;
  readonly poll: ReturnType<typeof setInterval>;
  resent: boolean;
}

export class ThreadedGrowPropagator implements Propagator {
  readonly method = 'grow' as const;
  private worker: Worker | undefined;
  private nextId = 1;
  private nextImageId = 1;
  private readonly runs = new Map<number, Run>();
  private readonly shared = new WeakMap<Volume, { readonly id: number; readonly voxels: SharedArrayBuffer }>();
  /** The image the thread keeps (it keeps the last one sent). */
  private imageOnThread: number | undefined;
  /** Images copied to the thread so far (for tests: once per image, not per run). */
  imagesSent = 0;

  /** `entry`: the built worker script (dist/electron/grow-worker.js). */
  constructor(private readonly entry: string) {}

  async propagate(image: Volume, seeds: Volume, options: PropagateOptions, onSlice?: SliceListener, signal?: CancelSignal): Promise<PropagationOutcome> {
    throwIfCancelled(signal);
    if (seeds.componentType !== 'uint8' && seeds.componentType !== 'uint16') throw new ServiceError('bad-request', 'Seeds must be uint8 or uint16 labels.');
    const id = this.nextId++;
    return await new Promise<PropagationOutcome>((resolve, reject) => {
      const poll = setInterval(() => {
        if (!signal?.aborted) return;
        // Once: the thread stops the run between two slices and answers 'failed' (cancelled).
        clearInterval(poll);
        this.worker?.postMessage({ type: 'cancel', id } satisfies GrowRequest);
      }, CANCEL_POLL_MS);
      this.runs.set(id, { image, seeds, options, onSlice, planes: new Map(), resolve, reject, poll, resent: false });
      this.send(id);
    });
  }

  /** Starts the thread ahead of the first run (its start and script cost ~100 ms), idle until then. */
  warm(): void {
    if (this.worker) return;
    this.start().unref();
  }

  /** Whether a thread is running (warmed, or kept from an earlier run). */
  get started(): boolean {
    return this.worker !== undefined;
  }

  /** Ends the thread; pending runs fail ('cancelled'). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    for (const [id, run] of this.runs) {
      this.settle(id, run);
      run.reject(new ServiceError('cancelled', 'Growing was stopped.'));
    }
    if (worker) await worker.terminate();
  }

  private send(id: number, withImage = false): void {
    const run = this.runs.get(id);
    if (!run) return;
    const worker = this.worker ?? this.start();
    worker.ref();
    const image = this.sharedImage(run.image);
    const seeds = run.seeds.voxels.slice().buffer;
    const request: GrowPropagateRequest = {
      type: 'propagate',
      id,
      imageId: image.id,
      ...(withImage || this.imageOnThread !== image.id ? { image: { geometry: run.image.geometry, componentType: run.image.componentType, voxels: image.voxels } } : {}),
      seeds: { geometry: run.seeds.geometry, componentType: run.seeds.componentType === 'uint16' ? 'uint16' : 'uint8', voxels: seeds },
      options: run.options,
    };
    if (request.image) this.imagesSent++;
    this.imageOnThread = image.id;
    worker.postMessage(request, [seeds]);
  }

  /** The buffer the thread reads `image` from (for tests); undefined before its first run. */
  sharedBufferOf(image: Volume): SharedArrayBuffer | undefined {
    return this.shared.get(image)?.voxels;
  }

  private sharedImage(image: Volume): { readonly id: number; readonly voxels: SharedArrayBuffer } {
    let shared = this.shared.get(image);
    if (!shared) {
      const { buffer, byteOffset, byteLength } = image.voxels;
      // Voxels already in a SharedArrayBuffer of their own (the inference worker keeps them so) are
      // shared as they are; others are copied once.
      const own = buffer instanceof SharedArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength;
      const voxels = own ? buffer : new SharedArrayBuffer(byteLength);
      if (!own) typedArrayFor(image.componentType, voxels).set(image.voxels);
      shared = { id: this.nextImageId++, voxels };
      this.shared.set(image, shared);
    }
    return shared;
  }

  private start(): Worker {
    const worker = new Worker(this.entry);
    worker.on('message', (message: unknown) => {
      const reply = growReplySchema.safeParse(message);
      if (reply.success) this.answer(reply.data);
    });
    worker.on('error', (error) => {
      this.fail(worker, error);
    });
    worker.on('exit', () => {
      this.fail(worker, undefined);
    });
    this.worker = worker;
    this.imageOnThread = undefined;
    return worker;
  }

  private answer(reply: GrowReply): void {
    const run = this.runs.get(reply.id);
    if (!run) return;
    if (reply.type === 'slice') {
      const labels = reply.componentType === 'uint16' ? new Uint16Array(reply.labels) : new Uint8Array(reply.labels);
      run.planes.set(reply.slice, labels);
      run.onSlice?.({ slice: reply.slice, label: reply.label, labels, done: reply.done, total: reply.total });
      return;
    }
    if (reply.type === 'needs-image' && !run.resent) {
      run.resent = true;
      this.send(reply.id, true);
      return;
    }
    this.settle(reply.id, run);
    if (reply.type === 'done') {
      const { planes, seeds, options } = run;
      let built: Volume | undefined;
      run.resolve({
        get labels(): Volume {
          // The thread streams merged slices 16-bit where the seeds or its labels need it.
          return (built ??= labelsWrittenOver(seeds, sliceLayout(seeds.geometry.size, options.axis), planes, seeds.componentType === 'uint16' || [...planes.values()].some((p) => p instanceof Uint16Array)));
        },
        method: 'grow',
        propagated: reply.propagated,
        written: reply.written,
        computedSlices: reply.computedSlices,
        elapsedMs: reply.elapsedMs,
        suspects: [],
      });
    } else if (reply.type === 'failed') run.reject(new ServiceError(reply.code, reply.message));
    else run.reject(new ServiceError('internal', 'Growing could not be given the image.'));
  }

  private settle(id: number, run: Run): void {
    clearInterval(run.poll);
    this.runs.delete(id);
    // An idle thread must not keep the process alive (the CLI exits when done).
    if (this.runs.size === 0) this.worker?.unref();
  }

  private fail(worker: Worker, error: Error | undefined): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const outOfMemory = error !== undefined && /memory|allocation/i.test(error.message);
    for (const [id, run] of this.runs) {
      this.settle(id, run);
      run.reject(new ServiceError('worker-crashed', outOfMemory ? 'Growing ran out of memory.' : 'Growing stopped unexpectedly.'));
    }
  }
}

/**
 * Growing for the auto method: on a thread of its own (grow-thread.ts) where the built worker sits
 * beside this bundle (dist/electron/grow-worker.js), so that it overlaps the memory network; else,
 * and with ISEG_GROW_THREAD=0 (for before/after timings), on this thread.
 */
export function growForAuto(): { readonly grow: Propagator; readonly warm: () => void; readonly close: () => Promise<void> } {
  const entry = join(dirname(fileURLToPath(import.meta.url)), 'grow-worker.js');
  if (process.env.ISEG_GROW_THREAD === '0' || !existsSync(entry)) return { grow: new GrowPropagator(), warm: () => undefined, close: () => Promise.resolve() };
  const threaded = new ThreadedGrowPropagator(entry);
  return {
    grow: new GrowWithFallback(threaded, new GrowPropagator()),
    warm: () => {
      threaded.warm();
    },
    close: () => threaded.close(),
  };
}

/**
 * Growing on its thread, and in this thread where the thread dies under a run (out of memory, a
 * crash): the run is repeated here, and the slices the thread had already streamed (per label) are
 * not streamed again (growing is deterministic: they are the same), so a caller counting each slice
 * once (auto's votes) still does.
 */
export class GrowWithFallback implements Propagator {
  readonly method = 'grow' as const;

  constructor(
    private readonly threaded: Propagator,
    private readonly local: Propagator,
  ) {}

  async propagate(image: Volume, seeds: Volume, options: PropagateOptions, onSlice?: SliceListener, signal?: CancelSignal): Promise<PropagationOutcome> {
    /** `label:slice` of each update the thread streamed. */
    const streamed = new Set<string>();
    try {
      return await this.threaded.propagate(
        image,
        seeds,
        options,
        (u) => {
          streamed.add(`${u.label}:${u.slice}`);
          onSlice?.(u);
        },
        signal,
      );
    } catch (error) {
      if (!(error instanceof ServiceError) || error.code !== 'worker-crashed') throw error;
      return this.local.propagate(
        image,
        seeds,
        options,
        (u) => {
          if (!streamed.has(`${u.label}:${u.slice}`)) onSlice?.(u);
        },
        signal,
      );
    }
  }
}
