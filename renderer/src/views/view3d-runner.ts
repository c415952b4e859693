/**
 * Runs surface updates in the 3D view's Web Worker (dist/renderer/view3d-worker.js), one at a
 * time: while one is in flight, only the newest label map waits, so a fast series of edits costs
 * one extra rebuild, not one per edit. Where no worker can start, the page builds the surfaces
 * itself (slower to answer, same result).
 */
import type { VolumeGeometry } from '../../../electron/common/volume';
import type { LabelArray } from '../segmentation/paint';
import { SurfaceCache, type SurfaceChanges } from './view3d-cache';
import { surfaceReplySchema } from './view3d-protocol';

export interface SurfaceResult extends SurfaceChanges {
  /** From the request to the answer on the page, including the copy and the hand-overs. */
  readonly elapsedMs: number;
  readonly offThread: boolean;
}

interface Job {
  readonly geometry: VolumeGeometry;
  readonly labels: LabelArray;
}

export class SurfaceRunner {
  private worker: Worker | undefined;
  private workerFailed = false;
  private fallback: SurfaceCache | undefined;
  private inFlight: { id: number; started: number } | undefined;
  private waiting: Job | undefined;
  private nextId = 1;

  constructor(
    private readonly onResult: (result: SurfaceResult) => void,
    private readonly onError: (message: string) => void,
    private readonly workerUrl: URL | undefined = SurfaceRunner.defaultUrl(),
  ) {}

  private static defaultUrl(): URL | undefined {
    try {
      return new URL('./view3d-worker.js', import.meta.url);
    } catch {
      return undefined;
    }
  }

  get busy(): boolean {
    return this.inFlight !== undefined || this.waiting !== undefined;
  }

  /** Asks for the surfaces of `labels` (copied now, so later edits do not race with the worker). */
  request(geometry: VolumeGeometry, labels: LabelArray): void {
    this.waiting = { geometry, labels: labels.slice() };
    if (this.inFlight === undefined) this.sendWaiting();
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.waiting = undefined;
    this.inFlight = undefined;
  }

  private sendWaiting(): void {
    const job = this.waiting;
    this.waiting = undefined;
    if (job === undefined) return;
    const worker = this.ensureWorker();
    const started = performance.now();
    if (worker === undefined) {
      // Still answer asynchronously, as the worker would.
      this.inFlight = { id: 0, started };
      queueMicrotask(() => {
        this.fallback ??= new SurfaceCache();
        this.settle({ ...this.fallback.update(job.geometry, job.labels), elapsedMs: performance.now() - started, offThread: false });
      });
      return;
    }
    const id = this.nextId++;
    this.inFlight = { id, started };
    worker.postMessage({ id, geometry: job.geometry, labels: job.labels }, [job.labels.buffer]);
  }

  private settle(result: SurfaceResult | string): void {
    this.inFlight = undefined;
    if (typeof result === 'string') this.onError(result);
    else this.onResult(result);
    this.sendWaiting();
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker !== undefined || this.workerFailed) return this.worker;
    if (typeof Worker === 'undefined' || this.workerUrl === undefined) {
      this.workerFailed = true;
      return undefined;
    }
    try {
      const worker = new Worker(this.workerUrl, { type: 'module', name: 'view3d' });
      worker.onmessage = (event: MessageEvent<unknown>) => {
        const reply = surfaceReplySchema.safeParse(event.data);
        const inFlight = this.inFlight;
        if (!reply.success) {
          this.settle(`The 3D view's worker sent a bad answer: ${reply.error.message}`);
          return;
        }
        if (inFlight?.id !== reply.data.id) return;
        if ('error' in reply.data) this.settle(`The 3D surfaces could not be built: ${reply.data.error}`);
        else this.settle({ ...reply.data, elapsedMs: performance.now() - inFlight.started, offThread: true });
      };
      worker.onerror = (event) => {
        event.preventDefault();
        // The worker could not load or crashed: build on the page from now on, starting over
        // (the page's cache is empty, so every segment is rebuilt).
        this.workerFailed = true;
        this.worker?.terminate();
        this.worker = undefined;
        this.settle("The 3D view's worker stopped; surfaces are now built on the page.");
      };
      this.worker = worker;
    } catch {
      this.workerFailed = true;
    }
    return this.worker;
  }
}
