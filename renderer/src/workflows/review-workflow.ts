/**
 * Review against a reference: loading the reference label map, and (re)computing the per-segment
 * volume metrics and the slice ranking along the active view's axis in the review worker.
 */
import { runInAction } from 'mobx';
import type { AppStore } from '../stores/app-store';
import { valuesIn, type ReviewStore } from '../stores/review-store';
import type { SegmentationStore } from '../stores/segmentation-store';
import type { UiStore } from '../stores/ui-store';
import { fetchLabelMap, type LabelSource } from './label-files';

/** What a review reads and writes (the root store's members). */
export interface ReviewStores extends LabelSource {
  readonly app: Pick<AppStore, 'track' | 'setNotice'>;
  readonly segmentation: Pick<SegmentationStore, 'labels' | 'segments' | 'version'>;
  readonly review: Pick<ReviewStore, 'reference' | 'setReference' | 'compute'>;
  readonly ui: Pick<UiStore, 'frames' | 'activeView'>;
}

export class ReviewWorkflow {
  constructor(private readonly stores: ReviewStores) {}

  /** Loads a reference (ground truth) label map for review, and computes the metrics. */
  async loadReference(path: string): Promise<void> {
    const { app, review } = this.stores;
    await app.track(async () => {
      const { name, labels, names } = await fetchLabelMap(this.stores, path);
      runInAction(() => {
        // The reference's names stay with it (review.referenceSegments): no empty rows in the table.
        review.setReference(name, labels, names);
        app.setNotice(undefined);
      });
      await this.computeReview();
    });
  }

  /**
   * (Re)computes volume metrics and the slice ranking along the active view's axis, in the review
   * worker; the document is busy until the answer is in. A failure is the status bar's notice.
   */
  async computeReview(): Promise<void> {
    const { app, segmentation, review, volume, ui } = this.stores;
    const working = segmentation.labels;
    const reference = review.reference;
    const g = volume.geometry;
    const frame = ui.frames?.[ui.activeView];
    if (working === undefined || reference === undefined || g === undefined || frame === undefined) return;
    const values = valuesIn(reference, working);
    for (const s of segmentation.segments) if (!values.includes(s.value)) values.push(s.value);
    values.sort((a, b) => a - b);
    try {
      await app.track(() =>
        review.compute(working, segmentation.version, values, g.size, g.spacing, frame.normalAxis),
      );
    } catch (error) {
      app.setNotice(`Review metrics failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
