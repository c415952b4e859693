import { configure, runInAction } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MethodOutput } from '../../../electron/common/contract';
import { volumeFromMessage } from '../imaging/volume-message';
import { WHOLE_MAP } from '../segmentation/label-change';
import { AppStore } from '../stores/app-store';
import { HistoryStore } from '../stores/history-store';
import { SegmentationStore } from '../stores/segmentation-store';
import { VolumeStore } from '../stores/volume-store';
import { FakeClient, syntheticVolume } from '../testing/fake-client';
import { fetchLabelMap, LabelFiles } from './label-files';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

const COUNT = 8 * 6 * 4;

/** An open 8 × 6 × 4 image whose `labels.load` answers `answer`. */
function workspace(answer: MethodOutput<'labels.load'>) {
  const asked: { volumeId: string; path: string }[] = [];
  const client = new FakeClient({
    'labels.load': (input) => {
      asked.push(input);
      return Promise.resolve(answer);
    },
  });
  const volume = new VolumeStore();
  const segmentation = new SegmentationStore();
  const loaded = volumeFromMessage(syntheticVolume());
  runInAction(() => {
    volume.setVolume(loaded);
    segmentation.reset(loaded.geometry);
  });
  const stores = {
    client,
    app: new AppStore(),
    volume,
    segmentation,
    history: new HistoryStore(segmentation),
  };
  return { files: new LabelFiles(stores), stores, asked };
}

function uint8Map(voxels: Uint8Array, name = 'work.nii.gz'): MethodOutput<'labels.load'> {
  return { name, labelMap: { componentType: 'uint8', voxels: voxels.buffer as ArrayBuffer } };
}

describe('fetchLabelMap', () => {
  it('asks for the open image and refuses before an image is open', async () => {
    const { stores, asked } = workspace(uint8Map(new Uint8Array(COUNT)));
    const fetched = await fetchLabelMap(stores, '/data/work.nii.gz');
    expect(asked).toEqual([{ volumeId: 'synthetic', path: '/data/work.nii.gz' }]);
    expect(fetched.labels).toHaveLength(COUNT);
    const empty = { client: stores.client, volume: new VolumeStore() };
    await expect(fetchLabelMap(empty, '/data/work.nii.gz')).rejects.toThrow(
      'Open an image before loading labels.',
    );
  });

  it('refuses a map of another voxel count in one sentence', async () => {
    const { stores } = workspace(uint8Map(new Uint8Array(10), 'small.nrrd'));
    await expect(fetchLabelMap(stores, '/data/small.nrrd')).rejects.toThrow(
      'small.nrrd holds 10 voxels; the image has 192.',
    );
  });

  it("takes a DICOM SEG's own segment names when there is no sidecar", async () => {
    const { stores } = workspace({
      ...uint8Map(new Uint8Array(COUNT)),
      segments: [{ value: 1, name: 'Femur', color: [1, 2, 3] }],
    });
    expect((await fetchLabelMap(stores, '/data/seg.dcm')).names).toEqual([
      { value: 1, name: 'Femur', color: [1, 2, 3] },
    ]);
  });
});

describe('LabelFiles.loadWorkingLabels', () => {
  it('replaces the labels in one step that undo takes back, and clears the notice', async () => {
    const voxels = new Uint8Array(COUNT);
    voxels[5] = 2;
    const { files, stores } = workspace(uint8Map(voxels));
    runInAction(() => {
      stores.segmentation.applyKneePreset();
      stores.history.record('Brush Femur', stores.segmentation.write([0, 1], 1, WHOLE_MAP));
      stores.app.setNotice('Click failed');
    });
    await files.loadWorkingLabels('/data/work.nii.gz');
    expect(stores.segmentation.count(1)).toBe(0);
    expect(stores.segmentation.count(2)).toBe(1);
    expect(stores.history.labels).toEqual(['Brush Femur', 'Load work.nii.gz']);
    expect(stores.app.notice).toBeUndefined();
    expect(stores.app.busy).toBe(false);
    runInAction(() => stores.history.undo());
    expect(stores.segmentation.count(1)).toBe(2);
    expect(stores.segmentation.count(2)).toBe(0);
  });

  it('leaves the labels alone when the file does not fit the image', async () => {
    const { files, stores } = workspace(uint8Map(new Uint8Array(7), 'other.nii.gz'));
    await expect(files.loadWorkingLabels('/data/other.nii.gz')).rejects.toThrow(
      /other\.nii\.gz holds 7 voxels/,
    );
    expect(stores.history.labels).toEqual([]);
    expect(stores.app.busy).toBe(false);
  });
});
