import { configure, runInAction } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import { volumeFromMessage } from '../imaging/volume-message';
import { WHOLE_MAP } from '../segmentation/label-change';
import { AppStore } from '../stores/app-store';
import { ReviewStore } from '../stores/review-store';
import { SegmentationStore } from '../stores/segmentation-store';
import { UiStore } from '../stores/ui-store';
import { VolumeStore } from '../stores/volume-store';
import { FakeClient, syntheticVolume } from '../testing/fake-client';
import { ReviewWorkflow, type ReviewStores } from './review-workflow';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

const COUNT = 8 * 6 * 4;

/** An open 8 × 6 × 4 image (identity direction) whose reference holds label 1 in voxels 0–9. */
function workspace() {
  const truth = new Uint8Array(COUNT);
  truth.fill(1, 0, 10);
  const client = new FakeClient({
    'labels.load': () =>
      Promise.resolve({
        name: 'truth.nii.gz',
        labelMap: { componentType: 'uint8' as const, voxels: truth.buffer },
      }),
  });
  const volume = new VolumeStore();
  const ui = new UiStore(volume);
  const segmentation = new SegmentationStore();
  const loaded = volumeFromMessage(syntheticVolume());
  runInAction(() => {
    volume.setVolume(loaded);
    ui.resetForVolume(loaded.geometry, { window: 1, level: 0 });
    segmentation.reset(loaded.geometry);
  });
  const stores = {
    client,
    app: new AppStore(),
    volume,
    ui,
    segmentation,
    review: new ReviewStore(),
  } satisfies ReviewStores;
  return { workflow: new ReviewWorkflow(stores), stores };
}

describe('ReviewWorkflow', () => {
  it('loads a reference and scores every value of either map or the table, ranked along the active view', async () => {
    const { workflow, stores } = workspace();
    runInAction(() => {
      stores.segmentation.addSegment('Femur');
      stores.segmentation.addSegment('Tibia');
      stores.segmentation.write([0, 1, 2, 3, 4], 1, WHOLE_MAP);
      stores.ui.setActiveView('sagittal');
      stores.app.setNotice('Click failed');
    });
    await workflow.loadReference('/data/truth.nii.gz');
    expect(stores.review.referenceName).toBe('truth.nii.gz');
    expect(stores.review.volumeMetrics.map((m) => m.value)).toEqual([1, 2]);
    expect(stores.review.volumeMetrics[0]?.dice).toBeCloseTo((2 * 5) / 15);
    expect(stores.review.metricsForVersion).toBe(stores.segmentation.version);
    // Sagittal slices go along i: voxels 0–9 are i = 0…7 of row 0 and i = 0, 1 of row 1.
    expect(stores.review.rankAxis).toBe(0);
    expect(stores.app.notice).toBeUndefined();
    expect(stores.app.busy).toBe(false);
  });

  it('computes nothing without a reference', async () => {
    const { workflow, stores } = workspace();
    await workflow.computeReview();
    expect(stores.review.metricsForVersion).toBe(-1);
    expect(stores.review.volumeMetrics).toEqual([]);
  });

  it('says on the status line when the metrics fail, and is idle again', async () => {
    const { stores } = workspace();
    const failing = new ReviewWorkflow({
      ...stores,
      review: {
        reference: new Uint8Array(COUNT),
        setReference: () => undefined,
        compute: () => Promise.reject(new Error('the review worker stopped')),
      },
    });
    await failing.computeReview();
    expect(stores.app.notice).toBe('Review metrics failed: the review worker stopped');
    expect(stores.app.busy).toBe(false);
  });
});
