import { describe, expect, it } from 'vitest';
import { CallError } from '../../../electron/common/contract';
import { RootStore } from '../stores/root-store';
import { FakeClient, syntheticVolume } from '../testing/fake-client';
import { isSeriesChoiceNeeded, openImage, openRecent, seriesLabel } from './open-image';

describe('opening a DICOM folder with several series', () => {
  it('recognises the service asking for a series, and nothing else', () => {
    expect(isSeriesChoiceNeeded(new CallError('bad-request', 'The folder x holds 2 DICOM series; choose one: a; b.'))).toBe(true);
    expect(isSeriesChoiceNeeded(new CallError('unreadable', 'x is empty.'))).toBe(false);
    expect(isSeriesChoiceNeeded(new Error('The folder x holds 2 DICOM series; choose one'))).toBe(false);
  });

  it('labels a series by number, description, modality and size', () => {
    expect(seriesLabel({ uid: '1', description: 'Sag DESS', modality: 'MR', seriesNumber: 3, fileCount: 80 })).toBe('#3 Sag DESS — MR, 80 files');
    expect(seriesLabel({ uid: '1', description: ' ', modality: '', fileCount: 2 })).toBe('(no description) — ?, 2 files');
  });
});

describe('recent files when opening', () => {
  const missing = '/data/gone.nii.gz';
  function storeWith(): RootStore {
    const client = new FakeClient({
      'volume.openFile': ({ path }) =>
        path === missing ? Promise.reject(new CallError('not-found', 'There is no such file or folder.')) : Promise.resolve(syntheticVolume()),
    });
    return new RootStore(client);
  }

  it('remembers an opened image on top, and its folder as the last folder', async () => {
    const root = storeWith();
    expect(await openImage(root, '/data/knee/a.nii.gz')).toBe(true);
    expect(await openImage(root, '/data/spine/b.nrrd')).toBe(true);
    expect(await openImage(root, '/data/knee/a.nii.gz')).toBe(true);
    expect(root.recent.entries).toEqual([{ path: '/data/knee/a.nii.gz' }, { path: '/data/spine/b.nrrd' }]);
    expect(root.recent.lastFolder).toBe('/data/knee');
  });

  it('drops a recent entry that is gone, saying so in one sentence', async () => {
    const root = storeWith();
    root.recent.add({ path: '/data/here.nii.gz' });
    root.recent.add({ path: missing });
    await expect(openRecent(root, { path: missing })).rejects.toThrow(
      'gone.nii.gz is no longer at /data/gone.nii.gz, so it was removed from the recent files.',
    );
    expect(root.recent.entries).toEqual([{ path: '/data/here.nii.gz' }]);
  });

  it('keeps an entry that failed for another reason', async () => {
    const root = new RootStore(new FakeClient({ 'volume.openFile': () => Promise.reject(new CallError('unreadable', 'x is damaged.')) }));
    root.recent.add({ path: '/data/x.nii' });
    await expect(openRecent(root, { path: '/data/x.nii' })).rejects.toThrow('x is damaged.');
    expect(root.recent.entries).toEqual([{ path: '/data/x.nii' }]);
  });
});
