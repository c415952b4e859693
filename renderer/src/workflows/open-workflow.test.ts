import { configure, runInAction } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VolumeMessage } from '../../../electron/common/contract';
import { AppStore } from '../stores/app-store';
import { HistoryStore } from '../stores/history-store';
import { PromptStore } from '../stores/prompt-store';
import { ReviewStore } from '../stores/review-store';
import { SegmentationStore } from '../stores/segmentation-store';
import { UiStore } from '../stores/ui-store';
import { VolumeStore } from '../stores/volume-store';
import { WHOLE_MAP } from '../segmentation/label-change';
import { FakeClient, syntheticVolume } from '../testing/fake-client';
import { OpenWorkflow, type OpenStores } from './open-workflow';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

/** The real stores an open resets, with counting stand-ins for the propagation and the toolbox. */
function workspace(answer: () => VolumeMessage = () => syntheticVolume()) {
  const opened: { method: string; input: unknown }[] = [];
  const client = new FakeClient({
    'volume.openInitial': (input) => {
      opened.push({ method: 'initial', input });
      return Promise.resolve(answer());
    },
    'volume.openSample': (input) => {
      opened.push({ method: 'sample', input });
      return Promise.resolve(answer());
    },
    'volume.openFile': (input) => {
      opened.push({ method: 'file', input });
      return Promise.resolve(answer());
    },
  });
  const volume = new VolumeStore();
  const segmentation = new SegmentationStore();
  const resets = { provenance: 0, toolbox: 0 };
  const stores = {
    client,
    app: new AppStore(),
    volume,
    ui: new UiStore(volume),
    segmentation,
    history: new HistoryStore(segmentation),
    prompts: new PromptStore(client),
    review: new ReviewStore(),
    propagation: {
      resetProvenance: () => {
        resets.provenance++;
      },
    },
    toolbox: {
      reset: () => {
        resets.toolbox++;
      },
    },
  } satisfies OpenStores;
  return { workflow: new OpenWorkflow(stores), stores, opened, resets };
}

describe('OpenWorkflow', () => {
  it('asks for the initial volume, a sample (with or without an id) and a file (with or without a series)', async () => {
    const { workflow, opened } = workspace();
    await workflow.openInitial();
    await workflow.openSample();
    await workflow.openSample('knee-simulated');
    await workflow.openFile('/data/knee.nii.gz');
    await workflow.openFile('/data/dicom', '1.2.3');
    expect(opened).toEqual([
      { method: 'initial', input: {} },
      { method: 'sample', input: {} },
      { method: 'sample', input: { sample: 'knee-simulated' } },
      { method: 'file', input: { path: '/data/knee.nii.gz' } },
      { method: 'file', input: { path: '/data/dicom', seriesUid: '1.2.3' } },
    ]);
  });

  it("drops the previous image's label voxels, history, reference, prompt counts, strokes and notice", async () => {
    const { workflow, stores, resets } = workspace();
    await workflow.openInitial();
    runInAction(() => {
      stores.segmentation.applyKneePreset();
      const diff = stores.segmentation.write([0, 1, 2], 1, WHOLE_MAP);
      stores.history.record('Brush Femur', diff);
      stores.review.setReference('truth', new Uint8Array(8 * 6 * 4).fill(1));
      stores.app.setNotice('Click failed: engine gone');
    });
    await workflow.openRestored(syntheticVolume({ size: [3, 3, 3], name: 'restored' }));
    expect(stores.volume.meta?.name).toBe('restored');
    expect(stores.segmentation.labels?.length).toBe(27);
    expect(stores.segmentation.count(0)).toBe(27);
    // The segment table is the user's: it stays for the next image.
    expect(stores.segmentation.segments).toHaveLength(4);
    expect(stores.history.labels).toEqual([]);
    expect(stores.review.reference).toBeUndefined();
    expect(stores.app.notice).toBeUndefined();
    expect(stores.ui.cursorIndex).toEqual([1, 1, 1]);
    expect(resets).toEqual({ provenance: 2, toolbox: 2 });
  });

  it('keeps the open image when the next one is malformed, and is idle again', async () => {
    let next = syntheticVolume();
    const { workflow, stores } = workspace(() => next);
    await workflow.openInitial();
    runInAction(() => stores.segmentation.applyKneePreset());
    next = { ...syntheticVolume({ name: 'broken' }), voxels: new ArrayBuffer(3) };
    await expect(workflow.openFile('/data/broken.nii')).rejects.toThrow(/3 bytes/);
    expect(stores.volume.meta?.name).toBe('synthetic');
    expect(stores.segmentation.segments).toHaveLength(4);
    expect(stores.app.busy).toBe(false);
  });

  it('measures the time to the voxels and to the first draw', async () => {
    const { workflow } = workspace();
    performance.clearMeasures();
    await workflow.openInitial();
    expect(performance.getEntriesByType('measure').map((m) => m.name)).toEqual([
      'iseg:open:voxels-in-renderer',
      'iseg:open:ready-to-draw',
    ]);
  });
});
