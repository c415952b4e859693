import { describe, expect, it } from 'vitest';
import { applyLabelDiff, mergeDisjointDiffs } from '../../../electron/common/label-diff';
import { paint } from './paint';
import { RunJournal } from './run-journal';

/** A 4×3×2 volume; slice s along axis 0 is voxels s, s+4, s+8, …. */
const VOXELS = 4 * 3 * 2;
const sliceVoxels = (s: number): number[] => Array.from({ length: VOXELS / 4 }, (_, n) => s + 4 * n);

describe('run journal', () => {
  it('is the run as one diff: a slice written twice keeps its value from before the run', () => {
    const labels = Uint8Array.from({ length: VOXELS }, (_, n) => n % 3);
    const before = labels.slice();
    const journal = new RunJournal();
    // One job writes slices 1 and 2; a later one writes slice 1 again, partly back as it was.
    journal.note(1, [paint(labels, sliceVoxels(1), 5), paint(labels, [1], 6)]);
    journal.note(2, [paint(labels, sliceVoxels(2).slice(0, 2), 7)]);
    journal.note(1, [paint(labels, [5, 9], before[5] ?? 0), paint(labels, [13], 1)]);
    journal.note(3, [paint(labels, [], 4)]);
    const diff = mergeDisjointDiffs(journal.parts);
    expect(journal.parts).toHaveLength(2);
    expect(diff.voxels).toBe(journal.voxels);
    const undone = labels.slice();
    applyLabelDiff(undone, diff, 'backward');
    expect(undone).toEqual(before);
    applyLabelDiff(undone, diff, 'forward');
    expect(undone).toEqual(labels);
  });

  it('holds nothing for a run that changed nothing', () => {
    const journal = new RunJournal();
    journal.note(0, [paint(new Uint8Array(4), [0, 1], 0)]);
    expect(journal.parts).toEqual([]);
    expect(journal.voxels).toBe(0);
  });
});
