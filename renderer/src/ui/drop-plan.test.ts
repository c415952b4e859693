import { describe, expect, it } from 'vitest';
import { FOLDER_DROP_IN_BROWSER, planDrop, type DroppedItem } from './drop-plan';

const file = (name: string, size = 100): DroppedItem<string> => ({ name, size, isFolder: false, file: name });
const folder = (name: string): DroppedItem<string> => ({ name, size: 0, isFolder: true, file: name });

describe('planning a drop', () => {
  it('opens anything dropped by its path where the paths are known (the desktop app)', () => {
    expect(planDrop([folder('dicom')], true)).toEqual({ kind: 'open-by-path', item: folder('dicom') });
    expect(planDrop([file('knee.mhd')], true)).toEqual({ kind: 'open-by-path', item: file('knee.mhd') });
  });

  it('uploads one single-file image in the browser', () => {
    expect(planDrop([file('knee.nii.gz')], false)).toEqual({ kind: 'upload', item: file('knee.nii.gz') });
  });

  it('refuses in one sentence a folder, a header-only format, another file type and several items in the browser', () => {
    expect(planDrop([folder('dicom')], false)).toEqual({ kind: 'refuse', message: FOLDER_DROP_IN_BROWSER });
    const refusals = [
      planDrop([file('scan.nhdr')], false),
      planDrop([file('report.pdf')], false),
      planDrop([file('a.nii'), file('b.nii')], false),
      planDrop([file('a.nii'), file('b.nii')], true),
      planDrop([], false),
    ];
    for (const plan of refusals) {
      expect(plan.kind).toBe('refuse');
      const message = plan.kind === 'refuse' ? plan.message : '';
      expect(message.match(/[.!?](\s|$)/g)?.length ?? 0, message).toBe(1);
    }
    expect(refusals[2]).toEqual({
      kind: 'refuse',
      message: 'Drop one image or one DICOM folder at a time (that drop held 2).',
    });
  });
});
