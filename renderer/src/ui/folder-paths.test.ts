import { describe, expect, it } from 'vitest';
import { isUnder, parentFolder, rootChoices, rootOf } from './folder-paths';

describe('folder paths', () => {
  it('finds the folder of a path', () => {
    expect(parentFolder('/data/knee/a.nii.gz')).toBe('/data/knee');
    expect(parentFolder('/data/dicom/')).toBe('/data');
    expect(parentFolder('/a.nii')).toBe('/');
    expect(parentFolder('C:\\data\\a.nii')).toBe('C:\\data');
    expect(parentFolder('a.nii')).toBeUndefined();
  });

  it('compares whole path parts', () => {
    expect(isUnder('/data/knee/a', '/data/knee')).toBe(true);
    expect(isUnder('/data/knee', '/data/knee')).toBe(true);
    expect(isUnder('/data/knees', '/data/knee')).toBe(false);
    expect(isUnder('/x', '/')).toBe(true);
    expect(isUnder('C:\\data\\a', 'C:\\data')).toBe(true);
  });

  it('offers every root, and the output folder unless a root holds it', () => {
    expect(rootChoices(['/a', '/b'], '/out')).toEqual([
      { path: '/a', label: '/a' },
      { path: '/b', label: '/b' },
      { path: '/out', label: '/out (exports)' },
    ]);
    expect(rootChoices(['/a'], '/a/exports').map((c) => c.path)).toEqual(['/a']);
  });

  it('picks the innermost root holding a folder', () => {
    const choices = rootChoices(['/data', '/data/knee', '/other'], undefined);
    expect(rootOf('/data/knee/left', choices)?.path).toBe('/data/knee');
    expect(rootOf('/data/spine', choices)?.path).toBe('/data');
    expect(rootOf('/elsewhere', choices)).toBeUndefined();
  });
});
