/**
 * Runs a propagation's final merge (propagation-merge.ts) in a Web Worker, so the page stays
 * responsive at the end of a run; where no worker starts (tests in Node, a CSP without workers) or
 * the worker dies, it answers on the page. The diffs are small (packed) and are sent as copies, so
 * the page keeps them whatever becomes of the worker.
 */
import type { PackedLabelDiff } from '../../../electron/common/label-diff';
import { RequestWorker, WorkerUnavailable, type WorkerLike } from '../workers/request-worker';
import { answerMergeMessage, type MergeMessage, type MergeReply } from './propagation-merge';

export interface MergeAnswer {
  readonly diff: PackedLabelDiff;
  /** Whether a worker computed it (false: the page did). */
  readonly offThread: boolean;
}

export class PropagationMergeRunner {
  private readonly worker: RequestWorker<MergeReply>;

  /** @param create starts the worker (tests pass a fake); default a module Worker where the page has one */
  constructor(workerUrl: URL | undefined = defaultWorkerUrl(), create?: (url: URL, name: string) => WorkerLike) {
    this.worker = new RequestWorker<MergeReply>('propagation merge', workerUrl, create);
  }

  /** One diff doing what all of `parts` do (they change no voxel twice: one per slice). */
  combine(parts: readonly PackedLabelDiff[]): Promise<MergeAnswer> {
    return this.ask({ type: 'combine', id: this.worker.newId(), parts });
  }

  dispose(): void {
    this.worker.dispose();
  }

  /**
   * Asks the worker, or answers here where none runs; a request whose worker died is answered here
   * (the page kept its diffs: a stopped run can always be taken back).
   */
  private async ask(message: MergeMessage): Promise<MergeAnswer> {
    const worker = this.worker.started();
    if (worker !== undefined) {
      try {
        return settle(await this.worker.request(worker, message.id, message, []), true);
      } catch (error) {
        if (!(error instanceof WorkerUnavailable)) throw error;
      }
    }
    return Promise.resolve().then(() => settle(answerMergeMessage(message), false));
  }
}

function settle(reply: MergeReply, offThread: boolean): MergeAnswer {
  if ('error' in reply) throw new Error(reply.error);
  return { diff: reply.diff, offThread };
}

/** dist/renderer/propagation-merge-worker.js, beside the page's bundle. */
function defaultWorkerUrl(): URL | undefined {
  try {
    return new URL('./propagation-merge-worker.js', import.meta.url);
  } catch {
    return undefined;
  }
}
