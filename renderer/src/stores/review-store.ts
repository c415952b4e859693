/**
 * Review against a reference label map (ground truth): the reference buffer (by reference, with a
 * version), per-segment metrics for the volume and the current slice, slices ranked by error
 * (lowest Dice first), and the reference's own segment names (its values never become segment rows).
 */
import { action, makeObservable, observable, observableRef, runInAction } from 'mobx';
import { labelsPresent } from '../../../electron/common/propagation/slices';
import type { Vec3 } from '../../../electron/common/volume';
import type { OverlapMetrics, RankedSliceError } from '../review/metrics';
import { ReviewRunner } from '../review/review-runner';
import type { LabelArray } from '../segmentation/paint';
import { paletteColor, type Rgb, type Segment } from '../segmentation/segments';
import type { IndexAxis } from '../../../electron/common/slice';

export type RankedSlice = RankedSliceError;

export class ReviewStore {
  reference: LabelArray | undefined = undefined;
  referenceName: string | undefined = undefined;
  /**
   * The reference's values as segments (named by its sidecar, else "Segment N"), for the metrics'
   * names and the reference outline: they never join the working segment table, where they would
   * be empty rows.
   */
  referenceSegments: readonly Segment[] = [];
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
      referenceSegments: observableRef,
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

  setReference(name: string, labels: LabelArray, names: readonly { value: number; name: string; color: Rgb }[] = []): void {
    this.reference = labels;
    this.referenceName = name;
    this.referenceSegments = labelsPresent(labels).map((value) => {
      const named = names.find((n) => n.value === value);
      return { value, name: named?.name ?? `Segment ${value}`, color: named?.color ?? paletteColor(value), visible: true, locked: false };
    });
    this.volumeMetrics = [];
    this.ranked = [];
    this.metricsForVersion = -1;
    this.version++;
  }

  clear(): void {
    this.reference = undefined;
    this.referenceName = undefined;
    this.referenceSegments = [];
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

  /** The name of a value in the metrics: the working table's, else the reference's own. */
  nameOf(value: number, working: readonly Segment[]): string {
    return (working.find((s) => s.value === value) ?? this.referenceSegments.find((s) => s.value === value))?.name ?? `Segment ${value}`;
  }

  /** How to draw the reference: the working segments' looks, plus the reference's values they lack. */
  outlineSegments(working: readonly Segment[]): Segment[] {
    return [...working, ...this.referenceSegments.filter((r) => !working.some((s) => s.value === r.value))];
  }

  dispose(): void {
    this.runner.dispose();
  }
}

/** Values present in either map (besides background), for the metrics table. */
export function valuesIn(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  return [...new Set([...labelsPresent(a), ...labelsPresent(b)])].sort((x, y) => x - y);
}
