import { describe, expect, it } from 'vitest';
import { exportName, withFormat } from './choose-path';

describe('exportName', () => {
  it.each([
    ['knee.nii.gz', '.nii.gz', 'knee.labels.nii.gz'],
    ['knee.labels.nii.gz', '.nii.gz', 'knee.labels.nii.gz'],
    ['knee.LABELS.nrrd', '.seg.nrrd', 'knee.labels.seg.nrrd'],
    ['.labels.nii.gz', '.nii.gz', 'labels.labels.nii.gz'],
    ['Sample knee (simulated MR)', '.nrrd', 'Sample knee (simulated MR).labels.nrrd'],
  ] as const)('%s as %s → %s', (image, format, expected) => {
    expect(exportName(image, format)).toBe(expected);
  });
});

describe('withFormat', () => {
  it('swaps the label-map suffix only', () => {
    expect(withFormat('/out/knee.labels.nii.gz', '.seg.nrrd')).toBe('/out/knee.labels.seg.nrrd');
    expect(withFormat('/out/knee', '.nii.gz')).toBe('/out/knee.nii.gz');
  });
});
