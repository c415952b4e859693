/**
 * Review against a reference label map (ground truth): the reference buffer (by reference, with a
 * version), per-segment metrics for the volume and the current slice, slices ranked by disagreement.
 */
import { action, makeObservable, observable, observableRef, runInAction } from 'mobx';
import { labelsPresent } from '../../../electron/common/propagation/slices';
import type { Vec3 } from '../../../electron/common/volume';
import type { OverlapMetrics } from '../review/metrics';
import { ReviewRunner } from '../review/review-runner';
import type { LabelArray } from '../segmentation/paint';
import type { IndexAxis } from '../segmentation/slice-mask';

export interface RankedSlice {
  readonly slice: number;
  readonly voxels: number;
}

export class ReviewStore {
  reference: LabelArray | undefined = undefined;
  referenceName: string | undefined = undefined;
  version = 0;
  /** Per segment over the whole volume; computed on demand (HD95 is not free). */
  volumeMetrics: readonly OverlapMetrics[] = [];
  /** Working-labels version the volume metrics were computed for. */
  metricsForVersion = -1;
  ranked: readonly RankedSlice[] = [];
  rankAxis: IndexAxis = 2;
  /** A computation is running (in the review worker). */
  computing = false;
  /** Counts compute requests, so that only the latest one's answer is kept. */
  private requests = 0;

  constructor(private readonly runner: ReviewRunner = new ReviewRunner()) {
    makeObservable(this, {
      reference: observableRef,
      referenceName: observable,
      version: observable,
      volumeMetrics: observableRef,
      metricsForVersion: observable,
      ranked: observableRef,
      rankAxis: observable,
      computing: observable,
      setReference: action,
      clear: action,
    });
  }

  setReference(name: string, labels: LabelArray): void {
    this.reference = labels;
    this.referenceName = name;
    this.volumeMetrics = [];
    this.ranked = [];
    this.metricsForVersion = -1;
    this.version++;
  }

  clear(): void {
    this.reference = undefined;
    this.referenceName = undefined;
    this.volumeMetrics = [];
    this.ranked = [];
    this.metricsForVersion = -1;
    this.version++;
  }

  /**
   * Volume metrics for `values` and the disagreement ranking along `axis`, computed off the page's
   * thread. A newer request, a new reference or clear() makes an older answer void.
   */
  async compute(
    working: LabelArray,
    workingVersion: number,
    values: readonly number[],
    size: Vec3,
    spacing: Vec3,
    axis: IndexAxis,
  ): Promise<void> {
    const reference = this.reference;
    if (reference === undefined) return;
    const request = ++this.requests;
    runInAction(() => (this.computing = true));
    try {
      const result = await this.runner.run({ working, reference, values: [...values], size, spacing, axis });
      if (request !== this.requests || reference !== this.reference) return;
      runInAction(() => {
        this.volumeMetrics = result.volumeMetrics;
        this.rankAxis = axis;
        this.ranked = result.ranked;
        this.metricsForVersion = workingVersion;
      });
    } finally {
      if (request === this.requests) runInAction(() => (this.computing = false));
    }
  }

  dispose(): void {
    this.runner.dispose();
  }
}

/** Values present in either map (besides background), for the metrics table. */
export function valuesIn(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  return [...new Set([...labelsPresent(a), ...labelsPresent(b)])].sort((x, y) => x - y);
}
