/**
 * Runs segment statistics in a Web Worker, so a 384×384×160 volume does not hold up the page after
 * each edit; where no worker starts (tests in Node, a CSP without workers) it answers on the page.
 * The image is handed to the worker once per volume; each request copies the labels, so the page
 * keeps editing its own.
 */
import type { SegmentStatistics } from './segment-statistics';
import { answerStatisticsMessage, type StatisticsImage, type StatisticsMessage, type StatisticsReply, type StatisticsWorkerState } from './statistics-protocol';

export interface StatisticsAnswer {
  readonly result: SegmentStatistics[];
  /** Time spent computing (in the worker, or on the page). */
  readonly ms: number;
  readonly offThread: boolean;
}

type Waiting = { resolve: (answer: StatisticsAnswer) => void; reject: (error: Error) => void };

export class StatisticsRunner {
  private worker: Worker | undefined;
  private workerFailed = false;
  private readonly local: StatisticsWorkerState = { image: undefined };
  private imageSent: StatisticsImage | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly workerUrl: URL | undefined = defaultWorkerUrl()) {}

  compute(image: StatisticsImage, labels: Uint8Array | Uint16Array): Promise<StatisticsAnswer> {
    const worker = this.startWorker();
    const id = this.nextId++;
    if (worker === undefined) return Promise.resolve().then(() => this.answerHere(image, labels, id));
    if (this.imageSent !== image) {
      // A copy, handed over: the page's own voxels stay where they are.
      const intensities = image.intensities.slice();
      worker.postMessage({ type: 'image', image: { ...image, intensities } } satisfies StatisticsMessage, [intensities.buffer]);
      this.imageSent = image;
    }
    const copy = labels.slice();
    return new Promise<StatisticsAnswer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ type: 'compute', id, imageKey: image.key, labels: copy } satisfies StatisticsMessage, [copy.buffer]);
    }).catch((error: unknown) => {
      // The worker died: answer on the page from now on.
      if (this.workerFailed) return this.answerHere(image, labels, id);
      throw error;
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
    for (const { reject } of this.waiting.values()) reject(new Error('The statistics worker was stopped.'));
    this.waiting.clear();
  }

  private answerHere(image: StatisticsImage, labels: Uint8Array | Uint16Array, id: number): StatisticsAnswer {
    if (this.local.image !== image) answerStatisticsMessage(this.local, { type: 'image', image });
    return settle(answerStatisticsMessage(this.local, { type: 'compute', id, imageKey: image.key, labels }), false);
  }

  private startWorker(): Worker | undefined {
    if (this.worker !== undefined || this.workerFailed) return this.worker;
    if (typeof Worker === 'undefined' || this.workerUrl === undefined) {
      this.workerFailed = true;
      return undefined;
    }
    try {
      const worker = new Worker(this.workerUrl, { type: 'module', name: 'statistics' });
      worker.onmessage = (event: MessageEvent<StatisticsReply>) => {
        const reply = event.data;
        const waiting = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        if ('error' in reply) waiting?.reject(new Error(reply.error));
        else waiting?.resolve({ result: reply.result, ms: reply.ms, offThread: true });
      };
      worker.onerror = (event) => {
        event.preventDefault();
        this.workerFailed = true;
        this.worker?.terminate();
        this.worker = undefined;
        const inFlight = [...this.waiting.values()];
        this.waiting.clear();
        for (const { reject } of inFlight) reject(new Error('The statistics worker stopped.'));
      };
      this.worker = worker;
    } catch {
      this.workerFailed = true;
    }
    return this.worker;
  }
}

function settle(reply: StatisticsReply | undefined, offThread: boolean): StatisticsAnswer {
  if (reply === undefined) throw new Error('The statistics computation gave no answer.');
  if ('error' in reply) throw new Error(reply.error);
  return { result: reply.result, ms: reply.ms, offThread };
}

/** dist/renderer/statistics-worker.js, beside the page's bundle. */
function defaultWorkerUrl(): URL | undefined {
  try {
    return new URL('./statistics-worker.js', import.meta.url);
  } catch {
    return undefined;
  }
}
