import { describe, expect, it } from 'vitest';
import { applyLabelDiff, packReplace, type PackedLabelDiff } from '../../../electron/common/label-diff';
import { answerMergeMessage } from './propagation-merge';
import { PropagationMergeRunner } from './propagation-merge-runner';
import type { WorkerLike } from '../workers/request-worker';

const SIZE = [4, 3, 5] as const;
const VOXELS = SIZE[0] * SIZE[1] * SIZE[2];

/** A label map with a few values, different per seed. */
function labelsWith(seed: number): Uint8Array {
  return Uint8Array.from({ length: VOXELS }, (_, n) => (n * 7 + seed * 3) % 4);
}

/** The diffs of `before` → `after` one per slice along index axis 0 (they interleave in index order). */
function perSlice(before: Uint8Array, after: Uint8Array): PackedLabelDiff[] {
  return Array.from({ length: SIZE[0] }, (_, i) => packReplace(before, before.map((v, n) => (n % SIZE[0] === i ? (after[n] ?? 0) : v))));
}

describe('the run diff merge', () => {
  it('is the diff of the whole run, from its per-slice diffs', () => {
    const before = labelsWith(1);
    const after = labelsWith(2);
    const reply = answerMergeMessage({ type: 'combine', id: 3, parts: perSlice(before, after) });
    if (!('diff' in reply)) throw new Error(reply.error);
    expect(reply.id).toBe(3);
    const replayed = before.slice();
    applyLabelDiff(replayed, reply.diff, 'forward');
    expect(replayed).toEqual(after);
  });

  it('refuses parts that change a voxel twice in one sentence', () => {
    const part = packReplace(labelsWith(1), labelsWith(2));
    expect(answerMergeMessage({ type: 'combine', id: 7, parts: [part, part] })).toEqual({
      id: 7,
      error: expect.stringMatching(/^Diff indices must increase: \d+ came after \d+\.$/) as unknown,
    });
  });
});

describe('propagation merge runner', () => {
  it('answers on the page where no worker can start', async () => {
    const runner = new PropagationMergeRunner(undefined);
    const before = labelsWith(1);
    const after = labelsWith(3);
    const { diff, offThread } = await runner.combine(perSlice(before, after));
    expect(offThread).toBe(false);
    const replayed = after.slice();
    applyLabelDiff(replayed, diff, 'backward');
    expect(replayed).toEqual(before);
  });

  it('answers on the page when its worker dies (the page kept the diffs)', async () => {
    const dying: WorkerLike = {
      onmessage: null,
      onerror: null,
      postMessage() {
        queueMicrotask(() => dying.onerror?.(new Event('error') as ErrorEvent));
      },
      terminate: () => undefined,
    };
    const runner = new PropagationMergeRunner(new URL('file:///merge-worker.js'), () => dying);
    const before = labelsWith(1);
    const after = labelsWith(2);
    const { diff, offThread } = await runner.combine(perSlice(before, after));
    expect(offThread).toBe(false);
    expect(diff).toEqual(packReplace(before, after));
  });
});
