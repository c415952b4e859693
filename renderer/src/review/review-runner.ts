/**
 * Runs review computations in a Web Worker so the page stays responsive, falling back to the page's
 * thread where no worker can be started (tests in Node, a CSP without workers). The label buffers
 * are copied to the worker, so edits made meanwhile do not race with the computation.
 */
import { computeReview, type ReviewInput, type ReviewResult } from './review-compute';

type Reply = { id: number; result: ReviewResult } | { id: number; error: string };

export class ReviewRunner {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: ReviewResult) => void; reject: (e: Error) => void }>();

  constructor(private readonly workerUrl: URL | undefined = ReviewRunner.defaultUrl()) {}

  /** dist/renderer/review-worker.js, beside the page's bundle. */
  private static defaultUrl(): URL | undefined {
    try {
      return new URL('./review-worker.js', import.meta.url);
    } catch {
      return undefined;
    }
  }

  /** Whether computations run off the page's thread. */
  get offThread(): boolean {
    return this.ensureWorker() !== undefined;
  }

  run(input: ReviewInput): Promise<ReviewResult> {
    const worker = this.ensureWorker();
    if (!worker) return Promise.resolve().then(() => computeReview(input));
    const id = this.nextId++;
    const answer = new Promise<ReviewResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Copies, handed over (transferred) rather than cloned again: the page keeps editing its own.
      const working = input.working.slice();
      const reference = input.reference.slice();
      worker.postMessage({ id, input: { ...input, working, reference } }, [working.buffer, reference.buffer]);
    });
    return answer.catch((error: unknown) => {
      if (error instanceof WorkerUnavailable) return computeReview(input);
      throw error;
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
    for (const { reject } of this.pending.values()) reject(new Error('The review worker was stopped.'));
    this.pending.clear();
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    if (typeof Worker === 'undefined' || this.workerUrl === undefined) {
      this.failed = true;
      return undefined;
    }
    try {
      const worker = new Worker(this.workerUrl, { type: 'module', name: 'review' });
      worker.onmessage = (event: MessageEvent<Reply>) => {
        const reply = event.data;
        const waiting = this.pending.get(reply.id);
        if (!waiting) return;
        this.pending.delete(reply.id);
        if ('error' in reply) waiting.reject(new Error(reply.error));
        else waiting.resolve(reply.result);
      };
      worker.onerror = (event) => {
        // The worker could not load or crashed: from now on compute on the page, and do not lose
        // the requests in flight.
        event.preventDefault();
        this.failed = true;
        this.worker?.terminate();
        this.worker = undefined;
        const inFlight = [...this.pending.values()];
        this.pending.clear();
        for (const { reject } of inFlight) reject(new WorkerUnavailable());
      };
      this.worker = worker;
    } catch {
      this.failed = true;
    }
    return this.worker;
  }
}

/** Raised for requests in flight when the worker dies; the caller retries on the page. */
export class WorkerUnavailable extends Error {
  override name = 'WorkerUnavailable';
  constructor() {
    super('The review worker is unavailable.');
  }
}
