import { describe, expect, it } from 'vitest';
import {
  LAST_FOLDER_KEY,
  MAX_RECENT_FILES,
  RECENT_FILES_KEY,
  RecentFilesStore,
  readRecentFiles,
  recentName,
  withRecent,
} from './recent-files';
import { MemoryStorage } from '../testing/fake-client';


describe('recent files', () => {
  it('puts the newest first and moves a duplicate to the top instead of repeating it', () => {
    let list = withRecent([], { path: '/a.nii.gz' });
    list = withRecent(list, { path: '/b.nrrd' });
    list = withRecent(list, { path: '/a.nii.gz' });
    expect(list).toEqual([{ path: '/a.nii.gz' }, { path: '/b.nrrd' }]);
  });

  it('tells two series of one folder apart', () => {
    let list = withRecent([], { path: '/dicom', seriesUid: '1.2' });
    list = withRecent(list, { path: '/dicom', seriesUid: '1.3' });
    expect(list).toHaveLength(2);
  });

  it(`keeps only the last ${MAX_RECENT_FILES}`, () => {
    let list: ReturnType<typeof withRecent> = [];
    for (let n = 0; n < 14; n++) list = withRecent(list, { path: `/image-${n}.nii` });
    expect(list).toHaveLength(MAX_RECENT_FILES);
    expect(list[0]?.path).toBe('/image-13.nii');
    expect(list.at(-1)?.path).toBe('/image-4.nii');
  });

  it('survives a restart through storage, with the last folder', () => {
    const storage = new MemoryStorage();
    const first = new RecentFilesStore(storage);
    first.add({ path: '/data/knee.nii.gz' });
    first.add({ path: '/data/series', seriesUid: '1.2.3' });
    first.setLastFolder('/data');
    const second = new RecentFilesStore(storage);
    expect(second.entries).toEqual([
      { path: '/data/series', seriesUid: '1.2.3' },
      { path: '/data/knee.nii.gz' },
    ]);
    expect(second.lastFolder).toBe('/data');
    second.remove({ path: '/data/series', seriesUid: '1.2.3' });
    expect(new RecentFilesStore(storage).entries).toEqual([{ path: '/data/knee.nii.gz' }]);
  });

  it('reads junk in storage as nothing, and drops only the bad entries of a list', () => {
    expect(readRecentFiles(new MemoryStorage({ [RECENT_FILES_KEY]: 'not json' }))).toEqual([]);
    expect(readRecentFiles(new MemoryStorage({ [RECENT_FILES_KEY]: '{"path":"/a"}' }))).toEqual([]);
    const mixed = JSON.stringify([
      { path: '/a.nii' },
      { path: 7 },
      { path: '' },
      { path: '/b.nii', extra: 1 },
      { path: '/a.nii' },
    ]);
    expect(readRecentFiles(new MemoryStorage({ [RECENT_FILES_KEY]: mixed }))).toEqual([{ path: '/a.nii' }]);
    expect(new RecentFilesStore(new MemoryStorage({ [LAST_FOLDER_KEY]: '42' })).lastFolder).toBeUndefined();
  });

  it('names an entry by its last path part', () => {
    expect(recentName({ path: '/data/knee/scan.nii.gz' })).toBe('scan.nii.gz');
    expect(recentName({ path: 'C:\\data\\dicom\\' })).toBe('dicom');
  });
});
