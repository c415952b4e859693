/**
 * Runs a propagation's final merge and undo diff (propagation-merge.ts) in a Web Worker, so the
 * page stays responsive at the end of a run; where no worker starts (tests in Node, a CSP without
 * workers) or the worker dies, it answers on the page. Buffers the caller hands over are
 * transferred, not copied; the page's labels are copied once per request, as the page keeps them.
 */
import type { LabelArray, PackedLabelDiff } from '../../../electron/common/label-diff';
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

type Waiting = { resolve: (answer: MergeAnswer) => void; reject: (error: Error) => void };

export class PropagationMergeRunner {
  private worker: Worker | undefined;
  private workerFailed = false;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly workerUrl: URL | undefined = defaultWorkerUrl()) {}

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
    this.worker?.terminate();
    this.worker = undefined;
    for (const { reject } of this.waiting.values())
      reject(new Error('The propagation merge worker was stopped.'));
    this.waiting.clear();
  }

  /**
   * Posts `forWorker(id)` (its message and the buffers to transfer) to the worker, or answers
   * `onPage(id)` here. A worker that dies fails its requests (their buffers went with it); later
   * requests are answered on the page.
   */
  private ask(
    onPage: (id: number) => MergeMessage,
    forWorker: (id: number) => [MergeMessage, ArrayBuffer[]],
  ): Promise<MergeAnswer> {
    const id = this.nextId++;
    const worker = this.startWorker();
    if (worker === undefined)
      return Promise.resolve().then(() => settle(answerMergeMessage(onPage(id)), false));
    const [message, transfer] = forWorker(id);
    return new Promise<MergeAnswer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage(message, transfer);
    });
  }

  private startWorker(): Worker | undefined {
    if (this.worker !== undefined || this.workerFailed) return this.worker;
    if (typeof Worker === 'undefined' || this.workerUrl === undefined) {
      this.workerFailed = true;
      return undefined;
    }
    try {
      const worker = new Worker(this.workerUrl, { type: 'module', name: 'propagation-merge' });
      worker.onmessage = (event: MessageEvent<MergeReply>) => {
        const reply = event.data;
        const waiting = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        if ('error' in reply) waiting?.reject(new Error(reply.error));
        else waiting?.resolve({ diff: reply.diff, offThread: true });
      };
      worker.onerror = (event) => {
        event.preventDefault();
        this.workerFailed = true;
        this.worker?.terminate();
        this.worker = undefined;
        const inFlight = [...this.waiting.values()];
        this.waiting.clear();
        for (const { reject } of inFlight) reject(new Error('The propagation merge worker stopped.'));
      };
      this.worker = worker;
    } catch {
      this.workerFailed = true;
    }
    return this.worker;
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
