import { configure, runInAction } from 'mobx';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { VolumeMeta } from '../../../electron/common/contract';
import { SegmentationStore } from '../stores/segmentation-store';
import { VolumeStore } from '../stores/volume-store';
import { StatisticsModel } from './statistics-model';
import { StatisticsRunner } from './statistics-runner';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

afterEach(() => {
  vi.useRealTimers();
});

const meta: VolumeMeta = {
  id: 'v1',
  name: 'test',
  geometry: { size: [4, 4, 2], spacing: [1, 1, 2], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
  componentType: 'float32',
  range: [0, 31],
  orientation: 'LPS',
  source: 'file',
};

describe('StatisticsModel', () => {
  it('recomputes after edits, gathering the edits of one gesture into one run', async () => {
    vi.useFakeTimers();
    const volume = new VolumeStore();
    const segmentation = new SegmentationStore();
    const runner = new StatisticsRunner(undefined);
    const compute = vi.spyOn(runner, 'compute');
    runInAction(() => {
      volume.setVolume({ meta, geometry: meta.geometry, voxels: Float32Array.from({ length: 32 }, (_, n) => n) });
      segmentation.reset(meta.geometry);
    });
    const model = new StatisticsModel(volume, segmentation, runner);
    await vi.runAllTimersAsync();
    expect(model.rows).toEqual([]);
    expect(model.stale).toBe(false);

    // A stroke: three writes in quick succession.
    runInAction(() => {
      segmentation.write([0], 1, { kind: 'all' }, { locked: new Set() });
      segmentation.write([1], 1, { kind: 'all' }, { locked: new Set() });
      segmentation.write([17], 1, { kind: 'all' }, { locked: new Set() });
    });
    expect(model.stale).toBe(true);
    const before = compute.mock.calls.length;
    await vi.runAllTimersAsync();
    expect(compute.mock.calls.length - before).toBe(1);
    expect(model.stale).toBe(false);
    expect(model.rows).toMatchObject([{ value: 1, voxels: 3, volumeMl: 0.006, mean: 6, first: [0, 0, 0], last: [1, 0, 1] }]);
    model.dispose();
  });
});
