/**
 * Runs a propagation's final merge and undo diff (propagation-merge.ts) in a Web Worker, so the
 * page stays responsive at the end of a run; where no worker starts (tests in Node, a CSP without
 * workers) or the worker dies, it answers on the page. Buffers the caller hands over are
 * transferred, not copied; the page's labels are copied once per request, as the page keeps them.
 */
import type { LabelArray, PackedLabelDiff } from '../../../electron/common/label-diff';
import { RequestWorker } from '../workers/request-worker';
import {
  answerMergeMessage,
  type FillRequest,
  type MergeMessage,
  type MergeReply,
} from './propagation-merge';

export interface MergeAnswer {
  readonly diff: PackedLabelDiff;
  /** Whether a worker computed it (false: the page did). */
  readonly offThread: boolean;
}

export class PropagationMergeRunner {
  private readonly worker: RequestWorker<MergeReply>;

  constructor(workerUrl: URL | undefined = defaultWorkerUrl()) {
    this.worker = new RequestWorker<MergeReply>('propagation merge', workerUrl);
  }

  /**
   * The diff a job's result adds on the slices the stream did not bring (see `fillDiff`).
   * `request.result` is handed over: it is detached, or overwritten, on return.
   */
  fill(request: FillRequest): Promise<MergeAnswer> {
    return this.ask(
      (id) => ({ type: 'fill', id, request }),
      (id) => {
        const current = request.current.slice();
        const message: MergeMessage = { type: 'fill', id, request: { ...request, current } };
        return [message, transferable(current.buffer, request.result.buffer)];
      },
    );
  }

  /** The diff from `before` to `after`; `before` is handed over (detached on return), `after` copied. */
  diff(before: LabelArray, after: LabelArray): Promise<MergeAnswer> {
    return this.ask(
      (id) => ({ type: 'diff', id, before, after }),
      (id) => {
        const copy = after.slice();
        return [{ type: 'diff', id, before, after: copy }, transferable(before.buffer, copy.buffer)];
      },
    );
  }

  dispose(): void {
    this.worker.dispose();
  }

  /**
   * Posts `forWorker(id)` (its message and the buffers to transfer) to the worker, or answers
   * `onPage(id)` here. A worker that dies fails its requests (their buffers went with it); later
   * requests are answered on the page.
   */
  private async ask(onPage: (id: number) => MergeMessage, forWorker: (id: number) => [MergeMessage, ArrayBuffer[]]): Promise<MergeAnswer> {
    const id = this.worker.newId();
    const worker = this.worker.started();
    if (worker === undefined) return Promise.resolve().then(() => settle(answerMergeMessage(onPage(id)), false));
    const [message, transfer] = forWorker(id);
    return settle(await this.worker.request(worker, id, message, transfer), true);
  }
}

/** The buffers that can be transferred (a SharedArrayBuffer is shared, not moved). */
function transferable(...buffers: ArrayBufferLike[]): ArrayBuffer[] {
  return buffers.filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer);
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
