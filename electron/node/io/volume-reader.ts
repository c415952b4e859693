/**
 * Reads image files on a worker thread (volume-reader-worker.ts). Requests are answered by id;
 * when the thread dies (out of memory, a crash in the WebAssembly reader), every pending read
 * fails with one sentence and the next read starts a fresh thread.
 */
import { Worker } from 'node:worker_threads';
import { basename } from 'node:path';
import { ServiceError } from '../../common/errors';
import { typedArrayFor, type Volume } from '../../common/volume';
import type { VoxelSummary } from '../../common/volume-stats';
import { readReplySchema, type ReaderThreadPhases, type ReadRequest } from './volume-reader-protocol';

/** A read on the thread: the volume, its summary, and where the time went (ISEG_TRACE prints it). */
export interface ThreadRead {
  readonly volume: Volume;
  readonly summary: VoxelSummary;
  /** The thread's phases, and the whole round trip as this thread saw it (the rest is the hand-over). */
  readonly phases: ReaderThreadPhases & { readonly roundTripMs: number };
}

interface Pending {
  readonly name: string;
  readonly started: number;
  readonly resolve: (read: ThreadRead) => void;
  readonly reject: (error: Error) => void;
}

export interface ReadOnThreadOptions {
  readonly seriesUid?: string | undefined;
  readonly maxVoxelBytes?: number | undefined;
  /** Refuse, up front where the header allows, an image the viewer page could not hold. */
  readonly forViewer?: boolean | undefined;
}

export class ThreadedVolumeReader {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The thread the last successful read ran on (for tests and diagnostics). */
  lastThreadId: number | undefined;

  /** `entry`: the built worker script (dist/electron/volume-reader.js). */
  constructor(private readonly entry: string) {}

  async read(path: string, options: ReadOnThreadOptions = {}): Promise<Volume> {
    return (await this.readSummarized(path, options)).volume;
  }

  /** The volume with the summary the thread counted while reading it (no pass over it here). */
  readSummarized(path: string, options: ReadOnThreadOptions = {}): Promise<ThreadRead> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const request: ReadRequest = {
      id,
      path,
      ...(options.seriesUid !== undefined ? { seriesUid: options.seriesUid } : {}),
      ...(options.maxVoxelBytes !== undefined ? { maxVoxelBytes: options.maxVoxelBytes } : {}),
      ...(options.forViewer !== undefined ? { forViewer: options.forViewer } : {}),
    };
    return new Promise<ThreadRead>((resolve, reject) => {
      this.pending.set(id, { name: basename(path), started: performance.now(), resolve, reject });
      worker.postMessage(request);
    });
  }

  /**
   * Starts the thread ahead of the first read: starting it (and loading its script) took 0.3–1.4 s
   * of the first open on the loaded test machine.
   */
  warm(): void {
    this.worker ??= this.start();
  }

  /** Whether a thread is running (warmed, or kept from an earlier read). */
  get started(): boolean {
    return this.worker !== undefined;
  }

  /** Ends the thread; pending reads fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(this.entry);
    // An idle reader thread must not keep the process alive (the CLI exits when done).
    worker.unref();
    worker.on('message', (message: unknown) => {
      this.answer(message);
    });
    worker.on('error', (error) => {
      this.fail(worker, error);
    });
    worker.on('exit', () => {
      this.fail(worker, undefined);
    });
    this.worker = worker;
    return worker;
  }

  private answer(message: unknown): void {
    const reply = readReplySchema.safeParse(message);
    if (!reply.success) return;
    const pending = this.pending.get(reply.data.id);
    if (!pending) return;
    this.pending.delete(reply.data.id);
    if (!reply.data.ok) {
      pending.reject(new ServiceError(reply.data.error.code, reply.data.error.message));
      return;
    }
    const { geometry, componentType, voxels, threadId, modality, summary, phases } = reply.data;
    this.lastThreadId = threadId;
    try {
      const volume: Volume = { geometry, componentType, voxels: typedArrayFor(componentType, voxels), ...(modality === undefined ? {} : { modality }) };
      pending.resolve({ volume, summary, phases: { ...phases, roundTripMs: performance.now() - pending.started } });
    } catch {
      pending.reject(new ServiceError('unreadable', `${pending.name} could not be read: its voxel data is incomplete.`));
    }
  }

  private fail(worker: Worker, error: Error | undefined): void {
    if (this.worker === worker) this.worker = undefined;
    const outOfMemory = error !== undefined && /memory|allocation/i.test(error.message);
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(
        new ServiceError(
          'unreadable',
          outOfMemory
            ? `${pending.name} could not be read: reading it ran out of memory.`
            : `${pending.name} could not be read: the reader stopped unexpectedly.`,
        ),
      );
    }
  }
}

/** One line for ISEG_TRACE: where a threaded read's time went. */
export function readerPhasesText(phases: ThreadRead['phases'], voxelBytes: number): string {
  const ms = (value: number) => `${Math.round(value)} ms`;
  const handOver = phases.roundTripMs - phases.readMs - phases.summaryAfterMs;
  return (
    `${(voxelBytes / 2 ** 20).toFixed(0)} MiB read on the reader thread in ${ms(phases.readMs)}, ${ms(phases.processCpuMs)} of CPU (summary counted while inflating` +
    `${phases.summaryAfterMs > 0.5 ? `, then ${ms(phases.summaryAfterMs)} for what it had not covered` : ''}), ` +
    `handed to the main thread in ${ms(Math.max(0, handOver))}`
  );
}
