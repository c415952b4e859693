import { configure, runInAction } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput } from '../../../electron/common/contract';
import type { ModelDigest } from '../../../electron/common/contract-click';
import { volumeFromMessage } from '../imaging/volume-message';
import { WHOLE_MAP } from '../segmentation/label-change';
import { AppStore } from '../stores/app-store';
import { HistoryStore } from '../stores/history-store';
import type { PropagationProvenance } from '../stores/propagation-store';
import { SegmentationStore } from '../stores/segmentation-store';
import { VolumeStore } from '../stores/volume-store';
import { FakeClient, syntheticVolume } from '../testing/fake-client';
import { distinctModels, ExportWorkflow, type ExportStores } from './export-workflow';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

const CLICK = { id: 'isegformer-swin32-cpu', sha256: 'a'.repeat(64) };
const PROPAGATOR = { id: 'stcn-lite-cpu', sha256: 'c'.repeat(64) };

interface Made {
  clicks: number;
  clickModels: ModelDigest[];
  runs: { model: ModelDigest | undefined }[];
  provenance: PropagationProvenance | undefined;
}

/** An open 8 × 6 × 4 image with Femur painted in 3 voxels, one history step, and `made` as provenance. */
function workspace(made: Made, open = true) {
  const sent: MethodInput<'labels.export'>[] = [];
  const client = new FakeClient({
    'labels.export': (input) => {
      sent.push(input);
      return Promise.resolve({
        path: `/written${input.path}`,
        sidecarPath: 'x.json',
        componentType: input.labelMap.componentType,
      });
    },
  });
  const volume = new VolumeStore();
  const segmentation = new SegmentationStore();
  const history = new HistoryStore(segmentation);
  const loaded = volumeFromMessage(syntheticVolume());
  if (open)
    runInAction(() => {
      volume.setVolume(loaded);
      segmentation.reset(loaded.geometry);
      segmentation.addSegment('Femur');
      history.record('Brush Femur', segmentation.write([0, 1, 2], 1, WHOLE_MAP));
    });
  const stores = {
    client,
    app: new AppStore(),
    volume,
    segmentation,
    history,
    prompts: { committedClicks: made.clicks, committedModels: made.clickModels },
    propagation: { appliedRuns: made.runs, provenance: made.provenance },
  } satisfies ExportStores;
  return { workflow: new ExportWorkflow(stores), stores, sent };
}

describe('distinctModels', () => {
  it('keeps each id and digest once, in first-use order, as copies', () => {
    const other = { id: CLICK.id, sha256: 'b'.repeat(64) };
    const models = distinctModels([CLICK, PROPAGATOR, { ...CLICK }, other, PROPAGATOR]);
    expect(models).toEqual([CLICK, PROPAGATOR, other]);
    expect(models[0]).not.toBe(CLICK);
  });
});

describe('ExportWorkflow', () => {
  it('sends a copy of the labels with the table and provenance, and marks the labels saved', async () => {
    const provenance = {
      runs: [{ method: 'auto', view: 'axial', axis: 2, options: {}, propagatedLabels: [1] }],
    };
    const { workflow, stores, sent } = workspace({
      clicks: 4,
      clickModels: [CLICK],
      runs: [{ model: PROPAGATOR }, { model: undefined }, { model: PROPAGATOR }],
      provenance,
    });
    expect(stores.history.unsaved).toBe(true);
    expect(await workflow.exportLabels('/out/knee.labels.nii.gz')).toBe('/written/out/knee.labels.nii.gz');
    const call = sent[0];
    expect(call?.volumeId).toBe('synthetic');
    expect(call?.labels.map((l) => l.name)).toEqual(['Femur']);
    expect(new Uint8Array(call?.labelMap.voxels ?? new ArrayBuffer(0)).filter((v) => v === 1)).toHaveLength(
      3,
    );
    expect(call?.labelMap.voxels).not.toBe(stores.segmentation.labels?.buffer);
    expect(call?.provenance).toEqual({ models: [CLICK, PROPAGATOR], clicks: 4, propagation: provenance });
    expect(stores.history.unsaved).toBe(false);
    expect(stores.app.busy).toBe(false);
  });

  it('leaves out the propagation settings when no run was applied', async () => {
    const { workflow, sent } = workspace({ clicks: 0, clickModels: [], runs: [], provenance: undefined });
    await workflow.exportLabels('/out/a.nii.gz');
    expect(sent[0]?.provenance).toEqual({ models: [], clicks: 0 });
  });

  it('refuses before an image is open, and stays unsaved when the write fails', async () => {
    const closed = workspace({ clicks: 0, clickModels: [], runs: [], provenance: undefined }, false);
    await expect(closed.workflow.exportLabels('/out/a.nii.gz')).rejects.toThrow(
      'Nothing to export: open an image first.',
    );
    expect(closed.sent).toEqual([]);
    const { stores } = workspace({ clicks: 0, clickModels: [], runs: [], provenance: undefined });
    const failing = new ExportWorkflow({
      ...stores,
      client: { call: () => Promise.reject(new Error('disk full')) },
    });
    await expect(failing.exportLabels('/out/a.nii.gz')).rejects.toThrow('disk full');
    expect(stores.history.unsaved).toBe(true);
    expect(stores.app.busy).toBe(false);
  });
});
