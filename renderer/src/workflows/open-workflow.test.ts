import { configure, runInAction } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput, VolumeMessage, VolumePreview } from '../../../electron/common/contract';
import { previewPlanes } from '../../../electron/common/volume-preview';
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
function workspace(
  answer: () => VolumeMessage = () => syntheticVolume(),
  beforeFileAnswer: (input: MethodInput<'volume.openFile'>) => Promise<void> = () => Promise.resolve(),
) {
  const opened: { method: string; input: unknown }[] = [];
  const client: FakeClient = new FakeClient({
    'volume.openInitial': (input) => {
      opened.push({ method: 'initial', input });
      return Promise.resolve(answer());
    },
    'volume.openSample': (input) => {
      opened.push({ method: 'sample', input });
      return Promise.resolve(answer());
    },
    'volume.openFile': async (input) => {
      opened.push({ method: 'file', input });
      await beforeFileAnswer(input);
      return answer();
    },
  });
  const volume = new VolumeStore();
  const segmentation = new SegmentationStore();
  const resets = { provenance: 0, toolbox: 0, failNext: false };
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
        if (resets.failNext) {
          resets.failNext = false;
          throw new Error('out of memory');
        }
      },
    },
  } satisfies OpenStores;
  return { workflow: new OpenWorkflow(stores), stores, opened, resets, client };
}

/** The `volume.preview` event main sends for `message` (its centre slices), with a window/level of its own. */
function previewOf(message: VolumeMessage, previewId: string, windowLevel = { window: 7, level: 3 }): VolumePreview {
  const voxels = new Int16Array(message.voxels);
  const { center, planes } = previewPlanes(voxels, message.meta.componentType, message.meta.geometry.size);
  return { previewId, meta: message.meta, center: [...center], planes: [...planes], windowLevel };
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
      { method: 'file', input: { path: '/data/knee.nii.gz', previewId: expect.any(String) as unknown } },
      { method: 'file', input: { path: '/data/dicom', seriesUid: '1.2.3', previewId: expect.any(String) as unknown } },
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
    expect(resets).toEqual({ provenance: 2, toolbox: 2, failNext: false });
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

  it("shows a file's centre slices before its voxels, resets once, and keeps the preview's window/level", async () => {
    const message = syntheticVolume({ size: [5, 4, 3], name: 'large' });
    let duringPreview: unknown;
    const { workflow, stores, resets, client } = workspace(
      () => message,
      (input) => {
        client.emit('volume.preview', previewOf(message, input.previewId ?? '?'));
        const { volume, segmentation, ui } = stores;
        duringPreview = {
          loaded: volume.loaded,
          name: volume.meta?.name,
          center: volume.preview?.center,
          sagittal: [...(volume.preview?.planes[0] ?? [])],
          labels: segmentation.labels?.length,
          wl: ui.windowLevel,
          busy: stores.app.busy,
        };
        return Promise.resolve();
      },
    );
    await workflow.openInitial();
    runInAction(() => stores.segmentation.applyKneePreset());
    const before = resets.provenance;
    await workflow.openFile('/data/large.nii.gz');
    expect(duringPreview).toEqual({
      loaded: false,
      name: 'large',
      center: [2, 1, 1],
      // The slice normal to i through i = 2: voxel (2, j, k) holds 2 + 10 j + 100 k, j fastest.
      sagittal: [2, 12, 22, 32, 102, 112, 122, 132, 202, 212, 222, 232],
      labels: 60,
      wl: { window: 7, level: 3 },
      busy: true,
    });
    expect(stores.volume.preview).toBeUndefined();
    expect(stores.volume.loaded).toBe(true);
    expect(stores.ui.windowLevel).toEqual({ window: 7, level: 3 });
    expect(resets.provenance - before).toBe(1);
    expect(stores.app.busy).toBe(false);
  });

  it('keeps the preview meta object, so what observes the meta does not start over', async () => {
    const message = syntheticVolume({ size: [5, 4, 3] });
    let shownMeta: unknown;
    const { workflow, stores, client } = workspace(
      () => ({ ...message, meta: { ...message.meta } }),
      (input) => {
        client.emit('volume.preview', previewOf(message, input.previewId ?? '?'));
        shownMeta = stores.volume.meta;
        return Promise.resolve();
      },
    );
    await workflow.openFile('/data/large.nii.gz');
    expect(stores.volume.meta).toBe(shownMeta);
  });

  it("ignores another open's preview and one whose slices do not fit its geometry", async () => {
    const message = syntheticVolume({ size: [5, 4, 3] });
    let previewed = 0;
    const { workflow, stores, client } = workspace(
      () => message,
      (input) => {
        client.emit('volume.preview', previewOf(message, 'another-open'));
        const wrong = previewOf(message, input.previewId ?? '?');
        client.emit('volume.preview', { ...wrong, planes: [wrong.planes[1], wrong.planes[0], wrong.planes[2]] });
        client.emit('volume.preview', { ...previewOf(message, input.previewId ?? '?'), center: [0, 0, 0] });
        if (stores.volume.preview !== undefined) previewed++;
        return Promise.resolve();
      },
    );
    await workflow.openFile('/data/large.nii.gz');
    expect(previewed).toBe(0);
    expect(stores.volume.loaded).toBe(true);
    // No preview: the window/level is the page's own, from the voxels.
    expect(stores.ui.windowLevel).not.toEqual({ window: 7, level: 3 });
  });

  it('leaves no half-open image when the voxels never come after a preview, and says why', async () => {
    const message = syntheticVolume({ size: [5, 4, 3] });
    const { workflow, stores, client } = workspace(
      () => message,
      (input) => {
        client.emit('volume.preview', previewOf(message, input.previewId ?? '?'));
        return Promise.reject(new Error('The connection to iSeg Studio was lost.'));
      },
    );
    await expect(workflow.openFile('/data/large.nii.gz')).rejects.toThrow(/connection/);
    expect(stores.volume.meta).toBeUndefined();
    expect(stores.volume.preview).toBeUndefined();
    expect(stores.volume.loaded).toBe(false);
    expect(stores.app.busy).toBe(false);
  });

  it('resets everything for the voxels when showing the preview failed, or the reply is not the image it showed', async () => {
    const message = syntheticVolume({ size: [5, 4, 3], name: 'large' });
    let variant: 'reset fails' | 'other range' = 'reset fails';
    const { workflow, stores, resets, client } = workspace(
      () => message,
      (input) => {
        if (variant === 'reset fails') resets.failNext = true;
        const preview = previewOf(message, input.previewId ?? '?');
        client.emit('volume.preview', variant === 'other range' ? { ...preview, meta: { ...preview.meta, range: [0, 1] } } : preview);
        return Promise.resolve();
      },
    );
    await workflow.openFile('/data/large.nii.gz');
    expect(stores.volume.loaded).toBe(true);
    expect(stores.volume.preview).toBeUndefined();
    expect(stores.ui.windowLevel).not.toEqual({ window: 7, level: 3 });
    expect(stores.segmentation.labels?.length).toBe(60);
    expect(stores.app.busy).toBe(false);

    variant = 'other range';
    await workflow.openFile('/data/large.nii.gz');
    // The reply's own meta and window/level, not the preview's.
    expect(stores.volume.meta?.range).toEqual(message.meta.range);
    expect(stores.ui.windowLevel).not.toEqual({ window: 7, level: 3 });
  });
});

