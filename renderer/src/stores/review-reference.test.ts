import { configure } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeClient, syntheticVolume } from '../testing/fake-client';
import { RootStore } from './root-store';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

const COUNT = 8 * 6 * 4;

describe('a reference label map', () => {
  it('adds no segment rows: its values keep their own names for the metrics and the outline', async () => {
    const voxels = new Uint8Array(COUNT);
    for (let n = 0; n < 10; n++) voxels[n] = 2;
    for (let n = 10; n < 14; n++) voxels[n] = 7;
    const client = new FakeClient({
      'volume.openInitial': () => Promise.resolve(syntheticVolume()),
      'labels.load': () =>
        Promise.resolve({
          name: 'truth.nii.gz',
          labelMap: { componentType: 'uint8' as const, voxels: voxels.buffer },
          sidecar: {
            format: 'iseg-label-map' as const,
            version: 1,
            labels: [{ value: 2, name: 'Cartilage', color: [1, 2, 3] as [number, number, number] }],
            provenance: { app: { name: 'iSeg', version: '0' }, created: '2026-01-01T00:00:00Z', sourceImage: 'x', models: [], clicks: 0 },
          },
        }),
    });
    const root = new RootStore(client);
    await root.openWorkflow.openInitial();
    root.segmentation.applyKneePreset();
    const before = root.segmentation.segments.map((s) => s.value);
    await root.reviewWorkflow.loadReference('/data/truth.nii.gz');
    expect(root.segmentation.segments.map((s) => s.value)).toEqual(before);
    expect(root.review.referenceSegments.map((s) => [s.value, s.name])).toEqual([
      [2, 'Cartilage'],
      [7, 'Segment 7'],
    ]);
    // The metrics still score every value; names come from the table first, then the reference.
    expect(root.review.volumeMetrics.map((m) => m.value)).toEqual([1, 2, 3, 4, 7]);
    expect(root.review.nameOf(2, root.segmentation.segments)).toBe('Femoral cartilage');
    expect(root.review.nameOf(7, root.segmentation.segments)).toBe('Segment 7');
    expect(root.review.outlineSegments(root.segmentation.segments).map((s) => s.value)).toEqual([1, 2, 3, 4, 7]);
    root.review.clear();
    expect(root.review.referenceSegments).toEqual([]);
  });
});
