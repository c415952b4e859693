/**
 * Runs review computations in a Web Worker so the page stays responsive, falling back to the page's
 * thread where no worker can be started (tests in Node, a CSP without workers) or it dies. The
 * label buffers are copied to the worker, so edits made meanwhile do not race with the computation.
 */
import { RequestWorker, WorkerUnavailable, type NumberedReply } from '../workers/request-worker';
import { computeReview, type ReviewInput, type ReviewResult } from './review-compute';

type Reply = NumberedReply & { result?: ReviewResult };

export class ReviewRunner {
  private readonly worker: RequestWorker<Reply>;

  constructor(workerUrl: URL | undefined = ReviewRunner.defaultUrl()) {
    this.worker = new RequestWorker<Reply>('review', workerUrl);
  }

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
    return this.worker.started() !== undefined;
  }

  async run(input: ReviewInput): Promise<ReviewResult> {
    const worker = this.worker.started();
    if (!worker) return Promise.resolve().then(() => computeReview(input));
    const id = this.worker.newId();
    // Copies, handed over (transferred) rather than cloned again: the page keeps editing its own.
    const working = input.working.slice();
    const reference = input.reference.slice();
    try {
      const reply = await this.worker.request(worker, id, { id, input: { ...input, working, reference } }, [working.buffer, reference.buffer]);
      if (reply.result === undefined) throw new Error('The review worker gave no result.');
      return reply.result;
    } catch (error) {
      if (error instanceof WorkerUnavailable) return computeReview(input);
      throw error;
    }
  }

  dispose(): void {
    this.worker.dispose();
  }
}
