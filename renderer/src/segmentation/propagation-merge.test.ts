import { describe, expect, it } from 'vitest';
import { applyLabelDiff } from '../../../electron/common/label-diff';
import { answerMergeMessage, fillDiff } from './propagation-merge';
import { PropagationMergeRunner } from './propagation-merge-runner';

const SIZE = [4, 3, 5] as const;
const VOXELS = SIZE[0] * SIZE[1] * SIZE[2];

/** The index axis coordinate of voxel `n` (i fastest). */
function sliceOf(n: number, axis: 0 | 1 | 2): number {
  const i = n % SIZE[0];
  const j = Math.floor(n / SIZE[0]) % SIZE[1];
  const k = Math.floor(n / (SIZE[0] * SIZE[1]));
  return [i, j, k][axis] ?? -1;
}

/** A label map with a few values, different per seed. */
function labelsWith(seed: number): Uint8Array {
  return Uint8Array.from({ length: VOXELS }, (_, n) => (n * 7 + seed * 3) % 4);
}

describe('fillDiff', () => {
  for (const axis of [0, 1, 2] as const) {
    it(`writes the result on the listed slices along axis ${axis} only, never over or with a locked value`, () => {
      const current = labelsWith(1);
      const result = labelsWith(2);
      const slices = [1, 2];
      const expected = current.map((before, n) => {
        const after = result[n] ?? 0;
        return slices.includes(sliceOf(n, axis)) && before !== 3 && after !== 3 ? after : before;
      });
      const diff = fillDiff({ size: SIZE, axis, current, result: result.slice(), locked: [3], slices });
      expect(diff.voxels).toBeGreaterThan(0);
      const merged = current.slice();
      applyLabelDiff(merged, diff, 'forward');
      expect(merged).toEqual(expected);
      applyLabelDiff(merged, diff, 'backward');
      expect(merged).toEqual(current);
    });
  }

  it('changes nothing when no slice is listed', () => {
    expect(
      fillDiff({ size: SIZE, axis: 2, current: labelsWith(1), result: labelsWith(2), locked: [], slices: [] })
        .voxels,
    ).toBe(0);
  });

  it('refuses a result of another size in one sentence', () => {
    const reply = answerMergeMessage({
      type: 'fill',
      id: 7,
      request: {
        size: SIZE,
        axis: 2,
        current: labelsWith(1),
        result: new Uint8Array(5),
        locked: [],
        slices: [0],
      },
    });
    expect(reply).toEqual({
      id: 7,
      error: `The propagation result has 5 voxels; the labels have ${VOXELS}.`,
    });
  });
});

describe('propagation merge runner', () => {
  it('answers on the page where no worker can start, with the diff between two label maps', async () => {
    const runner = new PropagationMergeRunner(undefined);
    const before = labelsWith(1);
    const after = labelsWith(3);
    const { diff, offThread } = await runner.diff(before.slice(), after);
    expect(offThread).toBe(false);
    const replayed = before.slice();
    applyLabelDiff(replayed, diff, 'forward');
    expect(replayed).toEqual(after);
  });

  it('fills on the page, leaving the labels it was given as they are', async () => {
    const runner = new PropagationMergeRunner(undefined);
    const current = labelsWith(1);
    const kept = current.slice();
    const { diff } = await runner.fill({
      size: SIZE,
      axis: 2,
      current,
      result: labelsWith(2),
      locked: [],
      slices: [4],
    });
    expect(current).toEqual(kept);
    expect(diff.first).toBeGreaterThanOrEqual(4 * SIZE[0] * SIZE[1]);
  });
});
