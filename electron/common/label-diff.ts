/**
 * Changes to a label map, shared by the page's undo history and main's autosave journal. A change
 * is made as a sparse diff (one entry per voxel: 8 bytes each), and kept packed: runs of voxels
 * that go from one value to one value, coded as variable-length integers, or, when the change
 * writes one value, each voxel's gap and old value — whichever is smaller. A propagation over a
 * knee changes millions of voxels but only a few hundred thousand runs.
 */
import { Leb128Reader, Leb128Writer } from './leb128';

export type LabelArray = Uint8Array | Uint16Array;

/** The voxels one action changed: linear indices (increasing), and their values before and after. */
export interface LabelDiff {
  readonly indices: Int32Array;
  readonly before: Uint16Array;
  readonly after: Uint16Array;
}

/** A diff as the history keeps it; see `packDiff`. */
export interface PackedLabelDiff {
  /**
   * 'runs': (gap from the previous run's end, length, before, after) per run;
   * 'one-value': (gap from the previous voxel, before) per voxel, all set to `value`.
   */
  readonly form: 'runs' | 'one-value';
  /** The codes, each an unsigned LEB128 integer. */
  readonly codes: Uint8Array;
  /** The value a 'one-value' diff writes (0 for runs). */
  readonly value: number;
  /** Voxels changed. */
  readonly voxels: number;
  /** First and last changed linear index (-1 when nothing changed). */
  readonly first: number;
  readonly last: number;
}

export type AnyLabelDiff = LabelDiff | PackedLabelDiff;

export function isPacked(diff: AnyLabelDiff): diff is PackedLabelDiff {
  return 'codes' in diff;
}

/** Voxels a diff changes. */
export function diffVoxels(diff: AnyLabelDiff): number {
  return isPacked(diff) ? diff.voxels : diff.indices.length;
}

/** Bytes a packed diff holds (its fields beside the codes counted as 32). */
export function packedBytes(diff: PackedLabelDiff): number {
  return diff.codes.byteLength + 32;
}

/**
 * Takes changed voxels in increasing index order and codes them both ways at once; the
 * one-value coding is dropped as soon as a second new value appears.
 */
class DiffPacker {
  private readonly runs = new Leb128Writer();
  private oneValue: Leb128Writer | undefined = new Leb128Writer();
  private value = -1;
  private voxels = 0;
  private first = -1;
  private last = -1;
  private runsEnd = 0;
  // The open run: [start, start + length) going from `runBefore` to `runAfter`.
  private runStart = -1;
  private runLength = 0;
  private runBefore = 0;
  private runAfter = 0;

  add(index: number, before: number, after: number): void {
    if (index <= this.last) throw new Error(`Diff indices must increase: ${index} came after ${this.last}.`);
    if (this.oneValue !== undefined) {
      if (this.value === -1) this.value = after;
      if (after === this.value) {
        this.oneValue.push(index - this.last - 1);
        this.oneValue.push(before);
      } else {
        this.oneValue = undefined;
      }
    }
    if (this.runLength > 0 && index === this.runStart + this.runLength && before === this.runBefore && after === this.runAfter) {
      this.runLength++;
    } else {
      this.closeRun();
      this.runStart = index;
      this.runLength = 1;
      this.runBefore = before;
      this.runAfter = after;
    }
    if (this.first === -1) this.first = index;
    this.last = index;
    this.voxels++;
  }

  private closeRun(): void {
    if (this.runLength === 0) return;
    this.runs.push(this.runStart - this.runsEnd);
    this.runs.push(this.runLength);
    this.runs.push(this.runBefore);
    this.runs.push(this.runAfter);
    this.runsEnd = this.runStart + this.runLength;
    this.runLength = 0;
  }

  finish(): PackedLabelDiff {
    this.closeRun();
    const { voxels, first, last } = this;
    if (this.oneValue !== undefined && voxels > 0 && this.oneValue.length < this.runs.length)
      return { form: 'one-value', codes: this.oneValue.finish(), value: this.value, voxels, first, last };
    return { form: 'runs', codes: this.runs.finish(), value: 0, voxels, first, last };
  }
}

export const EMPTY_PACKED_DIFF: PackedLabelDiff = { form: 'runs', codes: new Uint8Array(0), value: 0, voxels: 0, first: -1, last: -1 };

/** Packs a sparse diff (its indices must increase, as every diff made here does). */
export function packDiff(diff: LabelDiff): PackedLabelDiff {
  const packer = new DiffPacker();
  const { indices, before, after } = diff;
  for (let p = 0; p < indices.length; p++) packer.add(indices[p] ?? 0, before[p] ?? 0, after[p] ?? 0);
  return packer.finish();
}

/** The packed diff that turns `labels` into `next` (same length), found in one scan. */
export function packReplace(labels: ArrayLike<number>, next: ArrayLike<number>): PackedLabelDiff {
  if (labels.length !== next.length) throw new Error(`Cannot diff label maps of ${labels.length} and ${next.length} voxels.`);
  const packer = new DiffPacker();
  const visit = (from: number, to: number): void => {
    for (let n = from; n < to; n++) {
      const a = labels[n] ?? 0;
      const b = next[n] ?? 0;
      if (a !== b) packer.add(n, a, b);
    }
  };
  const words = wordViews(labels, next);
  if (words === undefined) {
    visit(0, labels.length);
    return packer.finish();
  }
  // Most of a label map is unchanged: compare 4 bytes at a time and look inside differing words.
  const [wa, wb, perWord] = words;
  for (let w = 0; w < wa.length; w++) if (wa[w] !== wb[w]) visit(w * perWord, (w + 1) * perWord);
  visit(wa.length * perWord, labels.length);
  return packer.finish();
}

/** 32-bit views of two label buffers of one type that both start on a 4-byte boundary. */
function wordViews(a: ArrayLike<number>, b: ArrayLike<number>): [Uint32Array, Uint32Array, number] | undefined {
  const sameType = (a instanceof Uint8Array && b instanceof Uint8Array) || (a instanceof Uint16Array && b instanceof Uint16Array);
  if (!sameType || a.byteOffset % 4 !== 0 || b.byteOffset % 4 !== 0) return undefined;
  const count = Math.floor(a.byteLength / 4);
  return [new Uint32Array(a.buffer, a.byteOffset, count), new Uint32Array(b.buffer, b.byteOffset, count), 4 / a.BYTES_PER_ELEMENT];
}

/** Reads a packed diff's runs one at a time, in increasing index order. */
class RunReader {
  private readonly codes: Leb128Reader;
  private end = 0;
  private previous = -1;
  start = -1;
  length = 0;
  before = 0;
  after = 0;

  constructor(private readonly diff: PackedLabelDiff) {
    this.codes = new Leb128Reader(diff.codes, truncatedDiff);
  }

  /** Moves to the next run; false when there is none. */
  next(): boolean {
    if (this.codes.done) return false;
    if (this.diff.form === 'runs') {
      this.start = this.end + this.read();
      this.length = this.read();
      this.before = this.read();
      this.after = this.read();
      this.end = this.start + this.length;
    } else {
      this.start = this.previous + 1 + this.read();
      this.length = 1;
      this.before = this.read();
      this.after = this.diff.value;
      this.previous = this.start;
    }
    return true;
  }

  private read(): number {
    return this.codes.read();
  }
}

function truncatedDiff(): Error {
  return new Error('A packed label diff ends in the middle of a number.');
}

/** Calls `visit` for each run of a packed diff, in increasing index order. */
export function forEachRun(
  diff: PackedLabelDiff,
  visit: (start: number, length: number, before: number, after: number) => void,
): void {
  const runs = new RunReader(diff);
  while (runs.next()) visit(runs.start, runs.length, runs.before, runs.after);
}

/** The sparse form of a packed diff (for the journal, and to combine diffs). */
export function unpackDiff(diff: PackedLabelDiff): LabelDiff {
  const out = { indices: new Int32Array(diff.voxels), before: new Uint16Array(diff.voxels), after: new Uint16Array(diff.voxels) };
  let p = 0;
  forEachRun(diff, (start, length, before, after) => {
    for (let n = 0; n < length; n++, p++) {
      out.indices[p] = start + n;
      out.before[p] = before;
      out.after[p] = after;
    }
  });
  if (p !== diff.voxels) throw new Error(`A packed label diff holds ${p} voxels, not the ${diff.voxels} it declares.`);
  return out;
}

/** Writes a diff's values after (forward, redo) or before (backward, undo) into the labels. */
export function applyLabelDiff(labels: LabelArray, diff: AnyLabelDiff, direction: 'forward' | 'backward'): void {
  if (isPacked(diff)) {
    forEachRun(diff, (start, length, before, after) => {
      labels.fill(direction === 'forward' ? after : before, start, start + length);
    });
    return;
  }
  const values = direction === 'forward' ? diff.after : diff.before;
  for (let p = 0; p < diff.indices.length; p++) labels[diff.indices[p] ?? 0] = values[p] ?? 0;
}

/**
 * One diff doing what `first` then `second` do (both sparse, indices increasing), in one merge of
 * the two index lists; voxels that end as they began drop out.
 */
export function composeDiffs(first: LabelDiff, second: LabelDiff): LabelDiff {
  const total = first.indices.length + second.indices.length;
  const indices = new Int32Array(total);
  const before = new Uint16Array(total);
  const after = new Uint16Array(total);
  let count = 0;
  let a = 0;
  let b = 0;
  const emit = (index: number, from: number, to: number): void => {
    if (from === to) return;
    indices[count] = index;
    before[count] = from;
    after[count] = to;
    count++;
  };
  while (a < first.indices.length || b < second.indices.length) {
    const ia = first.indices[a] ?? Infinity;
    const ib = second.indices[b] ?? Infinity;
    if (ia < ib) {
      emit(ia, first.before[a] ?? 0, first.after[a] ?? 0);
      a++;
    } else if (ib < ia) {
      emit(ib, second.before[b] ?? 0, second.after[b] ?? 0);
      b++;
    } else {
      emit(ia, first.before[a] ?? 0, second.after[b] ?? 0);
      a++;
      b++;
    }
  }
  return { indices: indices.slice(0, count), before: before.slice(0, count), after: after.slice(0, count) };
}

/**
 * One diff doing what all of `diffs` do, when no two of them change the same voxel (e.g. the
 * diffs of different slices): their runs merged in index order, never unpacked to voxels.
 */
export function mergeDisjointDiffs(diffs: readonly PackedLabelDiff[]): PackedLabelDiff {
  const packer = new DiffPacker();
  // A min-heap of the readers by their current run's start.
  const heap: RunReader[] = [];
  const less = (a: number, b: number): boolean => (heap[a] as RunReader).start < (heap[b] as RunReader).start;
  const swap = (a: number, b: number): void => {
    const t = heap[a] as RunReader;
    heap[a] = heap[b] as RunReader;
    heap[b] = t;
  };
  const up = (n: number): void => {
    while (n > 0 && less(n, (n - 1) >> 1)) {
      swap(n, (n - 1) >> 1);
      n = (n - 1) >> 1;
    }
  };
  const down = (n: number): void => {
    for (;;) {
      const left = 2 * n + 1;
      const smaller = left + 1 < heap.length && less(left + 1, left) ? left + 1 : left;
      if (smaller >= heap.length || !less(smaller, n)) return;
      swap(n, smaller);
      n = smaller;
    }
  };
  for (const diff of diffs) {
    const reader = new RunReader(diff);
    if (!reader.next()) continue;
    heap.push(reader);
    up(heap.length - 1);
  }
  while (heap.length > 0) {
    const reader = heap[0] as RunReader;
    for (let n = 0; n < reader.length; n++) packer.add(reader.start + n, reader.before, reader.after);
    if (reader.next()) {
      down(0);
    } else {
      const last = heap.pop() as RunReader;
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
    }
  }
  return packer.finish();
}
