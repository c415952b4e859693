import { describe, expect, it } from 'vitest';
import { CallError } from '../../../electron/common/contract';
import { isSeriesChoiceNeeded, seriesLabel } from './open-image';

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
