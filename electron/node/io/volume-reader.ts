/**
 * Reads image files on a worker thread (volume-reader-worker.ts). Requests are answered by id;
 * when the thread dies (out of memory, a crash in the WebAssembly reader), every pending read
 * fails with one sentence and the next read starts a fresh thread.
 */
import { Worker } from 'node:worker_threads';
import { basename } from 'node:path';
import { ServiceError } from '../../common/errors';
import { typedArrayFor, type Volume } from '../../common/volume';
import { readReplySchema, type ReadRequest } from './volume-reader-protocol';

interface Pending {
  readonly name: string;
  readonly resolve: (volume: Volume) => void;
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

  read(path: string, options: ReadOnThreadOptions = {}): Promise<Volume> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const request: ReadRequest = {
      id,
      path,
      ...(options.seriesUid !== undefined ? { seriesUid: options.seriesUid } : {}),
      ...(options.maxVoxelBytes !== undefined ? { maxVoxelBytes: options.maxVoxelBytes } : {}),
      ...(options.forViewer !== undefined ? { forViewer: options.forViewer } : {}),
    };
    return new Promise<Volume>((resolve, reject) => {
      this.pending.set(id, { name: basename(path), resolve, reject });
      worker.postMessage(request);
    });
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
    const { geometry, componentType, voxels, threadId, modality } = reply.data;
    this.lastThreadId = threadId;
    try {
      pending.resolve({ geometry, componentType, voxels: typedArrayFor(componentType, voxels), ...(modality === undefined ? {} : { modality }) });
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
