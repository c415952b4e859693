/**
 * Runs segment statistics in a Web Worker, so a 384×384×160 volume does not hold up the page after
 * each edit; where no worker starts (tests in Node, a CSP without workers) it answers on the page.
 * The image is copied to the worker once per volume, in parts; each request copies the labels, so
 * the page keeps editing its own.
 */
import type { SegmentStatistics } from './segment-statistics';
import { RequestWorker, WorkerUnavailable, type WorkerLike } from '../workers/request-worker';
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
  /** The image the worker holds or is being sent, and when the sending is over. */
  private imageSent: { readonly image: StatisticsImage; readonly done: Promise<void> } | undefined;

  /** `partVoxels`: how many voxels each part of the image carries to the worker (tests make it small). */
  constructor(
    workerUrl: URL | undefined = defaultWorkerUrl(),
    private readonly partVoxels = 1 << 20,
    createWorker?: (url: URL, name: string) => WorkerLike,
  ) {
    this.worker = new RequestWorker<StatisticsReply>('statistics', workerUrl, createWorker);
  }

  async compute(image: StatisticsImage, labels: Uint8Array | Uint16Array): Promise<StatisticsAnswer> {
    // Nothing labelled yet (an image just opened): no rows, and no reason to copy the image to the
    // worker now. That copy (94 MB for a 384×384×160 float32 knee, 1.2 s of page work) waits for
    // the first label instead of competing with the image's first draw.
    const started = performance.now();
    if (!hasAnyLabel(labels)) return { result: [], ms: performance.now() - started, offThread: false };
    const worker = this.worker.started();
    const id = this.worker.newId();
    if (worker === undefined) return Promise.resolve().then(() => this.answerHere(image, labels, id));
    if (this.imageSent?.image !== image) this.imageSent = { image, done: this.sendImage(worker, image) };
    await this.imageSent.done;
    // A copy, so the page keeps editing its own; made in parts like the image (one 23 MB copy was
    // a task of 0.3–0.6 s on the loaded test machine, once per edit while slices stream in). Labels
    // edited meanwhile make a mixed copy: the model sees the newer version and computes again.
    const copy = await copyInParts(labels, this.partVoxels);
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

  /**
   * Copies the image to the worker a part at a time, yielding to the page between parts: one copy
   * of a 384×384×160 float32 image is a task of 0.5–5 s on a loaded machine (fresh pages are slow
   * to fault in), which would freeze the page just after it has drawn a newly opened image.
   */
  private async sendImage(worker: WorkerLike, image: StatisticsImage): Promise<void> {
    const total = image.intensities.length;
    for (let offset = 0; offset < total; offset += this.partVoxels) {
      const values = image.intensities.slice(offset, Math.min(total, offset + this.partVoxels));
      const part = { type: 'image-part', key: image.key, size: image.size, spacing: image.spacing, total, offset, values } satisfies StatisticsMessage;
      this.worker.post(worker, part, [values.buffer]);
      if (offset + this.partVoxels >= total) return;
      await nextTask();
      if (this.imageSent?.image !== image) return; // a newer image is on its way instead
    }
  }

  private answerHere(image: StatisticsImage, labels: Uint8Array | Uint16Array, id: number): StatisticsAnswer {
    if (this.local.image !== image) answerStatisticsMessage(this.local, { type: 'image', image });
    return settle(answerStatisticsMessage(this.local, { type: 'compute', id, imageKey: image.key, labels }), false);
  }
}

/** Whether any voxel is labelled; four bytes per comparison where the buffer is aligned. */
export function hasAnyLabel(labels: Uint8Array | Uint16Array): boolean {
  const { buffer, byteOffset, byteLength } = labels;
  const words = byteOffset % 4 === 0 ? Math.floor(byteLength / 4) : 0;
  if (words > 0) {
    const wide = new Uint32Array(buffer, byteOffset, words);
    for (let n = 0; n < wide.length; n++) if (wide[n] !== 0) return true;
  }
  const tail = new Uint8Array(buffer, byteOffset + words * 4, byteLength - words * 4);
  for (let n = 0; n < tail.length; n++) if (tail[n] !== 0) return true;
  return false;
}

/** A copy of `source` made `partLength` elements per task. */
async function copyInParts(source: Uint8Array | Uint16Array, partLength: number): Promise<Uint8Array | Uint16Array> {
  const copy = source instanceof Uint16Array ? new Uint16Array(source.length) : new Uint8Array(source.length);
  for (let offset = 0; offset < source.length; offset += partLength) {
    if (offset > 0) await nextTask();
    copy.set(source.subarray(offset, Math.min(source.length, offset + partLength)), offset);
  }
  return copy;
}

/** Resolves in a later task, so the page can draw and take input in between. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
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
