/**
 * Live segment statistics: recomputed (in the statistics worker) shortly after each change to the
 * labels or the image. Edits that arrive while a computation runs are gathered into one more run,
 * so a brush stroke costs one or two computations, not one per mouse move.
 */
import { action, makeObservable, observable, observableRef, reaction } from 'mobx';
import type { SegmentationStore } from '../stores/segmentation-store';
import type { VolumeStore } from '../stores/volume-store';
import type { SegmentStatistics } from './segment-statistics';
import type { StatisticsImage } from './statistics-protocol';
import { StatisticsRunner } from './statistics-runner';

/** Wait after an edit before computing, to gather the edits of one gesture. */
const SETTLE_MS = 80;

export class StatisticsModel {
  rows: readonly SegmentStatistics[] = [];
  /** Labels version the rows were computed for (-1: none yet). */
  forVersion = -1;
  /** Last computation's time, and whether it ran off the page's thread. */
  lastMs: number | undefined = undefined;
  offThread = false;
  error: string | undefined = undefined;
  private image: StatisticsImage | undefined;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly stop: () => void;

  constructor(
    private readonly volume: VolumeStore,
    private readonly segmentation: SegmentationStore,
    private readonly runner = new StatisticsRunner(),
  ) {
    makeObservable<StatisticsModel, 'settle'>(this, {
      rows: observableRef,
      forVersion: observable,
      lastMs: observable,
      offThread: observable,
      error: observable,
      settle: action,
    });
    this.stop = reaction(
      () => [volume.version, segmentation.version] as const,
      () => {
        this.schedule();
      },
      { fireImmediately: true },
    );
  }

  /** Whether the rows are behind the labels. */
  get stale(): boolean {
    return this.forVersion !== this.segmentation.version;
  }

  private schedule(): void {
    // A run in progress looks again when it ends.
    if (this.running) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, SETTLE_MS);
  }

  private currentImage(): StatisticsImage | undefined {
    const { meta, voxels } = this.volume;
    if (meta === undefined || voxels === undefined) {
      this.image = undefined; // the previous image's voxels are not kept while the next one's arrive
      return undefined;
    }
    const key = `${meta.id}#${this.volume.version}`;
    if (this.image?.key !== key) this.image = { key, intensities: voxels, size: meta.geometry.size, spacing: meta.geometry.spacing };
    return this.image;
  }

  private async run(): Promise<void> {
    const image = this.currentImage();
    const labels = this.segmentation.labels;
    if (image === undefined || labels === undefined || labels.length !== image.intensities.length) return;
    const version = this.segmentation.version;
    this.running = true;
    try {
      const answer = await this.runner.compute(image, labels);
      this.settle(answer.result, version, answer.ms, answer.offThread, undefined);
    } catch (error) {
      this.settle([], version, undefined, false, error instanceof Error ? error.message : String(error));
    } finally {
      this.running = false;
      if (this.segmentation.version !== version || this.currentImage() !== image) this.schedule();
    }
  }

  private settle(rows: SegmentStatistics[], version: number, ms: number | undefined, offThread: boolean, error: string | undefined): void {
    this.rows = rows;
    this.forVersion = version;
    this.lastMs = ms;
    this.offThread = offThread;
    this.error = error;
  }

  dispose(): void {
    this.stop();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.runner.dispose();
  }
}
