/**
 * Runs segment statistics in a Web Worker, so a 384×384×160 volume does not hold up the page after
 * each edit; where no worker starts (tests in Node, a CSP without workers) it answers on the page.
 * The image is handed to the worker once per volume; each request copies the labels, so the page
 * keeps editing its own.
 */
import type { SegmentStatistics } from './segment-statistics';
import { RequestWorker, WorkerUnavailable } from '../workers/request-worker';
import { answerStatisticsMessage, type StatisticsImage, type StatisticsMessage, type StatisticsReply, type StatisticsWorkerState } from './statistics-protocol';

export interface StatisticsAnswer {
  readonly result: SegmentStatistics[];
  /** Time spent computing (in the worker, or on the page). */
  readonly ms: number;
  readonly offThread: boolean;
}

export class StatisticsRunner {
  private readonly worker: RequestWorker<StatisticsReply>;
  private readonly local: StatisticsWorkerState = { image: undefined };
  private imageSent: StatisticsImage | undefined;

  constructor(workerUrl: URL | undefined = defaultWorkerUrl()) {
    this.worker = new RequestWorker<StatisticsReply>('statistics', workerUrl);
  }

  async compute(image: StatisticsImage, labels: Uint8Array | Uint16Array): Promise<StatisticsAnswer> {
    const worker = this.worker.started();
    const id = this.worker.newId();
    if (worker === undefined) return Promise.resolve().then(() => this.answerHere(image, labels, id));
    if (this.imageSent !== image) {
      // A copy, handed over: the page's own voxels stay where they are.
      const intensities = image.intensities.slice();
      this.worker.post(worker, { type: 'image', image: { ...image, intensities } } satisfies StatisticsMessage, [intensities.buffer]);
      this.imageSent = image;
    }
    const copy = labels.slice();
    try {
      const reply = await this.worker.request(worker, id, { type: 'compute', id, imageKey: image.key, labels: copy } satisfies StatisticsMessage, [copy.buffer]);
      return settle(reply, true);
    } catch (error) {
      // The worker died: answer on the page from now on.
      if (error instanceof WorkerUnavailable) return this.answerHere(image, labels, id);
      throw error;
    }
  }

  dispose(): void {
    this.worker.dispose();
  }

  private answerHere(image: StatisticsImage, labels: Uint8Array | Uint16Array, id: number): StatisticsAnswer {
    if (this.local.image !== image) answerStatisticsMessage(this.local, { type: 'image', image });
    return settle(answerStatisticsMessage(this.local, { type: 'compute', id, imageKey: image.key, labels }), false);
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
