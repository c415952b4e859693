import { describe, expect, it } from 'vitest';
import {
  applyLabelDiff,
  composeDiffs,
  forEachRun,
  mergeDisjointDiffs,
  packDiff,
  packedBytes,
  packReplace,
  unpackDiff,
  type LabelDiff,
} from './label-diff';

/** A small deterministic generator, so a failure repeats. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Labels with blobs of a few values, and a copy changed in blobs and scattered voxels. */
function labelPair(seed: number, length: number, values: number): { before: Uint16Array; after: Uint16Array } {
  const next = random(seed);
  const before = new Uint16Array(length);
  for (let n = 0; n < length; n++) before[n] = next() < 0.3 ? Math.floor(next() * values) : (before[n - 1] ?? 0);
  const after = before.slice();
  for (let blob = 0; blob < 5; blob++) {
    const start = Math.floor(next() * length);
    after.fill(Math.floor(next() * values) + 300, start, Math.min(length, start + Math.floor(next() * 200)));
  }
  for (let n = 0; n < 40; n++) after[Math.floor(next() * length)] = Math.floor(next() * 70000) % 65536;
  return { before, after };
}

function sparseReplace(before: ArrayLike<number>, after: ArrayLike<number>): LabelDiff {
  const indices: number[] = [];
  for (let n = 0; n < before.length; n++) if (before[n] !== after[n]) indices.push(n);
  return {
    indices: Int32Array.from(indices),
    before: Uint16Array.from(indices, (n) => before[n] ?? 0),
    after: Uint16Array.from(indices, (n) => after[n] ?? 0),
  };
}

describe('packed label diffs', () => {
  it('pack the same voxels as the sparse diff, and undo and redo them', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { before, after } = labelPair(seed, 5000, 6);
      const sparse = sparseReplace(before, after);
      const packed = packReplace(before, after);
      expect(packed.voxels).toBe(sparse.indices.length);
      expect(packed.first).toBe(sparse.indices[0]);
      expect(packed.last).toBe(sparse.indices[sparse.indices.length - 1]);
      expect(unpackDiff(packed)).toEqual(sparse);
      expect(packDiff(sparse)).toEqual(packed);
      const labels = before.slice();
      applyLabelDiff(labels, packed, 'forward');
      expect(labels).toEqual(after);
      applyLabelDiff(labels, packed, 'backward');
      expect(labels).toEqual(before);
    }
  });

  it('cost far less than 8 bytes a voxel when the change is in runs', () => {
    const before = new Uint8Array(100_000);
    const after = before.slice();
    after.fill(3, 1000, 41_000);
    after.fill(4, 50_000, 60_000);
    const packed = packReplace(before, after);
    expect(packed.form).toBe('runs');
    expect(packed.voxels).toBe(50_000);
    expect(packedBytes(packed)).toBeLessThan(64);
  });

  it('code a one-value write of scattered voxels as gaps and old values when that is smaller', () => {
    const before = new Uint8Array(1000);
    for (let n = 0; n < 1000; n++) before[n] = n % 3;
    const after = before.slice();
    for (let n = 0; n < 1000; n += 2) after[n] = 7; // every other voxel, over changing old values
    const packed = packReplace(before, after);
    expect(packed.form).toBe('one-value');
    expect(packed.value).toBe(7);
    expect(packed.codes.length).toBe(2 * 500);
    const labels = before.slice();
    applyLabelDiff(labels, packed, 'forward');
    expect(labels).toEqual(after);
    const runs: number[][] = [];
    forEachRun(packed, (start, length, from, to) => runs.push([start, length, from, to]));
    expect(runs.slice(0, 2)).toEqual([
      [0, 1, 0, 7],
      [2, 1, 2, 7],
    ]);
  });

  it('find every change whether the buffers are read by words or one voxel at a time', () => {
    const { before, after } = labelPair(11, 4003, 4);
    const expected = sparseReplace(before, after);
    const bytesBefore = Uint8Array.from(before, (v) => v % 256);
    const bytesAfter = Uint8Array.from(after, (v) => v % 256);
    expect(unpackDiff(packReplace(before, after))).toEqual(expected); // 16-bit words, odd tail
    expect(unpackDiff(packReplace(bytesBefore, bytesAfter))).toEqual(sparseReplace(bytesBefore, bytesAfter));
    // Views that do not start on a 4-byte boundary, and mixed types, are read voxel by voxel.
    const shifted = new Uint8Array(4004);
    shifted.set(bytesAfter, 1);
    expect(unpackDiff(packReplace(bytesBefore, shifted.subarray(1)))).toEqual(sparseReplace(bytesBefore, bytesAfter));
    expect(unpackDiff(packReplace(bytesBefore, after))).toEqual(sparseReplace(bytesBefore, after));
  });

  it('are empty when nothing changed', () => {
    const packed = packReplace(new Uint8Array(10), new Uint8Array(10));
    expect(packed).toMatchObject({ voxels: 0, first: -1, last: -1 });
    expect(unpackDiff(packed).indices.length).toBe(0);
  });

  it('refuse indices that do not increase, and maps of other sizes', () => {
    const unsorted = { indices: Int32Array.from([4, 2]), before: new Uint16Array(2), after: Uint16Array.from([1, 1]) };
    expect(() => packDiff(unsorted)).toThrow(/must increase/);
    expect(() => packReplace(new Uint8Array(3), new Uint8Array(4))).toThrow(/3 and 4 voxels/);
  });

  it('keep values of 16-bit maps and gaps of large volumes', () => {
    const sparse = { indices: Int32Array.from([5, 300_000_000]), before: Uint16Array.from([65535, 0]), after: Uint16Array.from([0, 40000]) };
    expect(unpackDiff(packDiff(sparse))).toEqual(sparse);
  });
});

describe('composeDiffs', () => {
  it('does what applying the two diffs one after the other does', () => {
    for (const seed of [7, 8, 9]) {
      const { before, after: middle } = labelPair(seed, 3000, 5);
      const { after: end } = labelPair(seed + 100, 3000, 5);
      const last = middle.slice();
      for (let n = 0; n < 3000; n += 3) last[n] = end[n] ?? 0;
      const composed = composeDiffs(sparseReplace(before, middle), sparseReplace(middle, last));
      expect(composed).toEqual(sparseReplace(before, last));
    }
  });

  it('drops voxels the second diff puts back', () => {
    const first = { indices: Int32Array.from([1, 2]), before: Uint16Array.from([0, 0]), after: Uint16Array.from([5, 5]) };
    const second = { indices: Int32Array.from([2]), before: Uint16Array.from([5]), after: Uint16Array.from([0]) };
    expect([...composeDiffs(first, second).indices]).toEqual([1]);
  });
});

describe('mergeDisjointDiffs', () => {
  it('is the diff of all the parts at once, for parts that interleave (sagittal slices) in both packed forms', () => {
    // A 5×4×3 volume cut along i: slice i holds voxels i, i+5, i+10, … (the parts interleave).
    const [width, voxels] = [5, 5 * 4 * 3];
    const next = random(7);
    const labels = Uint8Array.from({ length: voxels }, () => Math.floor(next() * 3));
    const after = labels.slice();
    const parts = [0, 2, 3].map((i) => {
      const slice = new Uint8Array(voxels);
      for (let n = i; n < voxels; n += width) slice[n] = 1;
      const changed = labels.map((v, n) => (slice[n] === 1 ? (i === 2 ? 4 : (v + 1) % 3) : v));
      for (let n = i; n < voxels; n += width) after[n] = changed[n] as number;
      return packReplace(labels, changed);
    });
    expect(parts.map((p) => p.form)).toContain('one-value');
    expect(parts.map((p) => p.form)).toContain('runs');
    const merged = mergeDisjointDiffs(parts);
    expect(merged).toEqual(packReplace(labels, after));
    const undone = after.slice();
    applyLabelDiff(undone, merged, 'backward');
    expect(undone).toEqual(labels);
  });

  it('is empty for no parts, and refuses parts that change one voxel twice', () => {
    expect(mergeDisjointDiffs([]).voxels).toBe(0);
    const one = packReplace(new Uint8Array(4), Uint8Array.of(0, 1, 1, 0));
    expect(() => mergeDisjointDiffs([one, one])).toThrow(/must increase/);
  });
});
