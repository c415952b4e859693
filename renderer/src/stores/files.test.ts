import { configure } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput } from '../../../electron/common/contract';
import { FakeClient, syntheticVolume } from '../testing/fake-client';
import { RootStore } from './root-store';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

const COUNT = 8 * 6 * 4;

function labelMap(fill: (n: number) => number): ArrayBuffer {
  const out = new Uint8Array(COUNT);
  for (let n = 0; n < COUNT; n++) out[n] = fill(n);
  return out.buffer;
}

describe('label maps in and out', () => {
  it('loads a reference, scores it, and exports with the table and provenance', async () => {
    const exported: MethodInput<'labels.export'>[] = [];
    const client = new FakeClient({
      'volume.openInitial': () => Promise.resolve(syntheticVolume()),
      'labels.load': () =>
        Promise.resolve({
          name: 'truth.nii.gz',
          labelMap: { componentType: 'uint8' as const, voxels: labelMap((n) => (n < 10 ? 1 : 0)) },
        }),
      'labels.export': (input) => {
        exported.push(input);
        return Promise.resolve({ path: input.path, sidecarPath: 'x.labels.json', componentType: 'uint8' as const });
      },
    });
    const root = new RootStore(client);
    await root.openWorkflow.openInitial();
    root.segmentation.applyKneePreset();
    root.toolbox.brush.beginStroke();
    root.toolbox.brush.paintPixels({ axis: 2, slice: 0 }, [0, 1, 2, 3, 4]);
    root.toolbox.brush.endStroke();
    await root.reviewWorkflow.loadReference('/data/truth.nii.gz');
    const femur = root.review.volumeMetrics.find((m) => m.value === 1);
    expect(femur?.dice).toBeCloseTo((2 * 5) / 15);
    expect(root.review.ranked[0]).toEqual({ slice: 0, voxels: 5, dice: (2 * 5) / 15 });

    await root.exportWorkflow.exportLabels('/out/knee.labels.nii.gz');
    const call = exported[0];
    expect(call?.labels.map((l) => l.name)).toEqual(['Femur', 'Femoral cartilage', 'Tibia', 'Tibial cartilage']);
    expect(call?.labelMap.componentType).toBe('uint8');
    expect(new Uint8Array(call?.labelMap.voxels ?? new ArrayBuffer(0)).filter((v) => v === 1).length).toBe(5);
    // The export is a copy: later edits do not change what was sent.
    expect(call?.labelMap.voxels).not.toBe(root.segmentation.labels?.buffer);
  });

  it('loads working labels as one undoable step, widening to uint16 when needed', async () => {
    const wide = new Uint16Array(COUNT);
    wide[3] = 300;
    wide[4] = 2;
    const client = new FakeClient({
      'volume.openInitial': () => Promise.resolve(syntheticVolume()),
      'labels.load': () =>
        Promise.resolve({
          name: 'work.nrrd',
          labelMap: { componentType: 'uint16' as const, voxels: wide.buffer },
          sidecar: {
            format: 'iseg-label-map' as const,
            version: 1,
            labels: [{ value: 300, name: 'Meniscus', color: [1, 2, 3] as [number, number, number] }],
            provenance: { app: { name: 'iSeg', version: '0' }, created: '2026-01-01T00:00:00Z', sourceImage: 'x', models: [], clicks: 0 },
          },
        }),
    });
    const root = new RootStore(client);
    await root.openWorkflow.openInitial();
    await root.labelFiles.loadWorkingLabels('/data/work.nrrd');
    expect(root.segmentation.labels).toBeInstanceOf(Uint16Array);
    expect(root.segmentation.count(300)).toBe(1);
    expect(root.segmentation.segment(300)?.name).toBe('Meniscus');
    expect(root.segmentation.segment(2)?.name).toBe('Segment 2');
    expect(root.history.labels).toEqual(['Load work.nrrd']);
    root.history.undo();
    expect(root.segmentation.count(300)).toBe(0);
    expect(root.segmentation.segment(300)).toBeUndefined();
    root.history.redo();
    expect(root.segmentation.count(2)).toBe(1);
  });
});
