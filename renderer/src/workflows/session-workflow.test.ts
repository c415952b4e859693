import { configure, runInAction } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput, MethodOutput } from '../../../electron/common/contract';
import { WHOLE_MAP } from '../segmentation/label-change';
import { RootStore } from '../stores/root-store';
import { FakeClient, syntheticVolume } from '../testing/fake-client';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

const COUNT = 8 * 6 * 4;

/** A page over an 8 × 6 × 4 image; `labels.load` answers label 2 in voxels 0–4, `session.read` answers `session`. */
function page(
  session: MethodOutput<'session.read'> = {
    imagePath: '/data/knee.nii.gz',
    labelsPath: '/data/knee.labels.nii.gz',
  },
) {
  const calls: { method: string; input: unknown }[] = [];
  const note = <T>(method: string, input: unknown, answer: T): Promise<T> => {
    calls.push({ method, input });
    return Promise.resolve(answer);
  };
  const loaded = new Uint8Array(COUNT).fill(2, 0, 5);
  const client = new FakeClient({
    'volume.openInitial': (input) => note('volume.openInitial', input, syntheticVolume()),
    'volume.openSample': (input) => note('volume.openSample', input, syntheticVolume({ name: 'sample' })),
    'volume.openFile': (input) => note('volume.openFile', input, syntheticVolume({ name: 'knee' })),
    'labels.load': (input) =>
      note('labels.load', input, {
        name: 'knee.labels.nii.gz',
        labelMap: { componentType: 'uint8' as const, voxels: loaded.slice().buffer },
      }),
    'labels.export': (input: MethodInput<'labels.export'>) =>
      note('labels.export', input.path, {
        path: input.path,
        sidecarPath: `${input.path}.json`,
        componentType: 'uint8' as const,
      }),
    'session.write': (input) => note('session.write', input, { path: input.path }),
    'session.read': (input) => note('session.read', input, session),
  });
  return { root: new RootStore(client), calls };
}

describe('SessionWorkflow.saveSession', () => {
  it('exports the labels beside the session, then writes the session naming them and the active segment', async () => {
    const { root, calls } = page();
    await root.openWorkflow.openInitial();
    runInAction(() => {
      root.segmentation.applyKneePreset();
      root.segmentation.setActive(3);
      root.history.record('Brush Tibia', root.segmentation.write([0], 3, WHOLE_MAP));
    });
    calls.length = 0;
    expect(await root.sessionWorkflow.saveSession('/out/knee')).toBe('/out/knee.iseg.json');
    expect(await root.sessionWorkflow.saveSession('/out/again.iseg.json')).toBe('/out/again.iseg.json');
    expect(calls).toEqual([
      { method: 'labels.export', input: '/out/knee.labels.nii.gz' },
      {
        method: 'session.write',
        input: {
          path: '/out/knee.iseg.json',
          volumeId: 'synthetic',
          labelsPath: '/out/knee.labels.nii.gz',
          activeSegment: 3,
        },
      },
      { method: 'labels.export', input: '/out/again.labels.nii.gz' },
      {
        method: 'session.write',
        input: {
          path: '/out/again.iseg.json',
          volumeId: 'synthetic',
          labelsPath: '/out/again.labels.nii.gz',
          activeSegment: 3,
        },
      },
    ]);
    expect(root.history.unsaved).toBe(false);
  });

  it('names no active segment when there is none, and refuses before an image is open', async () => {
    const { root, calls } = page();
    await expect(root.sessionWorkflow.saveSession('/out/x')).rejects.toThrow(
      'Nothing to save: open an image first.',
    );
    expect(calls).toEqual([]);
    await root.openWorkflow.openInitial();
    await root.sessionWorkflow.saveSession('/out/x');
    expect(calls.at(-1)).toEqual({
      method: 'session.write',
      input: { path: '/out/x.iseg.json', volumeId: 'synthetic', labelsPath: '/out/x.labels.nii.gz' },
    });
  });
});

describe('SessionWorkflow.openSession', () => {
  it('reopens the file (and series), loads its labels with no undo before them, and selects the saved segment', async () => {
    const { root, calls } = page({
      imagePath: '/data/dicom',
      seriesUid: '1.2.3',
      labelsPath: '/data/knee.labels.nii.gz',
      activeSegment: 2,
    });
    await root.openWorkflow.openInitial();
    calls.length = 0;
    await root.sessionWorkflow.openSession('/data/knee.iseg.json');
    expect(calls.map((c) => c.method)).toEqual(['session.read', 'volume.openFile', 'labels.load']);
    expect(calls[1]?.input).toEqual({ path: '/data/dicom', seriesUid: '1.2.3', previewId: expect.any(String) as unknown });
    expect(root.volume.meta?.name).toBe('knee');
    expect(root.segmentation.count(2)).toBe(5);
    expect(root.segmentation.activeValue).toBe(2);
    expect(root.history.labels).toEqual([]);
    expect(root.history.unsaved).toBe(false);
    expect(root.app.busy).toBe(false);
  });

  it('reopens the bundled sample for a sample session, and ignores a saved segment the labels lack', async () => {
    const { root, calls } = page({
      imagePath: 'knee-mri',
      labelsPath: '/out/s.labels.nii.gz',
      activeSegment: 9,
      sample: true,
    });
    await root.sessionWorkflow.openSession('/out/s.iseg.json');
    expect(calls.map((c) => c.method)).toEqual(['session.read', 'volume.openSample', 'labels.load']);
    expect(calls[1]?.input).toEqual({});
    expect(root.segmentation.activeValue).not.toBe(9);
  });
});
