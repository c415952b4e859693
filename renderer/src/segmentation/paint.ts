/**
 * Writing into a label map, as sparse diffs. Every change to the labels goes through `paint` (or
 * `applyDiff` when undoing/redoing a diff it made), so a locked segment's voxels are never
 * overwritten, by a manual tool or by model output alike.
 */
import { distinctValueCounts } from '../../../electron/common/volume-stats';
import {
  forEachRun,
  isPacked,
  packedBytes,
  packReplace,
  type AnyLabelDiff,
  type LabelArray,
  type LabelDiff,
  type PackedLabelDiff,
} from '../../../electron/common/label-diff';

export type { AnyLabelDiff, LabelArray, LabelDiff, PackedLabelDiff } from '../../../electron/common/label-diff';
export { applyLabelDiff as applyDiff } from '../../../electron/common/label-diff';

export const EMPTY_DIFF: LabelDiff = {
  indices: new Int32Array(0),
  before: new Uint16Array(0),
  after: new Uint16Array(0),
};

/** Bytes a diff holds (what the undo history's budget counts). */
export function diffBytes(diff: AnyLabelDiff): number {
  if (isPacked(diff)) return packedBytes(diff);
  return diff.indices.byteLength + diff.before.byteLength + diff.after.byteLength;
}

export interface PaintOptions {
  /** Values whose voxels must stay as they are. */
  readonly locked?: ReadonlySet<number>;
  /**
   * When set, only voxels currently holding one of these values are written (e.g. an eraser that
   * clears only the active segment). Locks still apply.
   */
  readonly onlyOver?: ReadonlySet<number>;
}

/**
 * Writes `value` at each linear index in `indices` (duplicates and out-of-range indices are
 * skipped), except where the voxel holds a locked value or already holds `value`. Returns the
 * sparse diff of what changed.
 */
export function paint(
  labels: LabelArray,
  indices: ArrayLike<number>,
  value: number,
  options: PaintOptions = {},
): LabelDiff {
  const { locked, onlyOver } = options;
  // At most one entry per index written; typed arrays, as a propagation writes millions.
  const changedIdx = new Int32Array(indices.length);
  const changedOld = new Uint16Array(indices.length);
  let count = 0;
  let increasing = true;
  const n = labels.length;
  for (let p = 0; p < indices.length; p++) {
    const index = indices[p] ?? -1;
    if (index < 0 || index >= n || !Number.isInteger(index)) continue;
    const old = labels[index] ?? 0;
    // A repeated index finds `value` already written here, so duplicates need no set of their own.
    if (old === value) continue;
    if (old !== 0 && locked?.has(old) === true) continue;
    if (onlyOver !== undefined && !onlyOver.has(old)) continue;
    if (count > 0 && index < (changedIdx[count - 1] ?? 0)) increasing = false;
    changedIdx[count] = index;
    changedOld[count] = old;
    count++;
    labels[index] = value;
  }
  const diff = { indices: changedIdx.slice(0, count), before: changedOld.slice(0, count), after: new Uint16Array(count).fill(value) };
  // Model output and masks come in index order already; only brush dabs need sorting.
  return increasing ? diff : sortedDiff(diff);
}

function sortedDiff(diff: LabelDiff): LabelDiff {
  const { indices, before, after } = diff;
  const order = Array.from(indices.keys()).sort((a, b) => (indices[a] ?? 0) - (indices[b] ?? 0));
  return {
    indices: Int32Array.from(order, (o) => indices[o] ?? 0),
    before: Uint16Array.from(order, (o) => before[o] ?? 0),
    after: Uint16Array.from(order, (o) => after[o] ?? 0),
  };
}

/** Linear indices of the non-zero entries of a mask laid over `indexOf(n)`; see slice-mask.ts. */
export function maskIndices(mask: ArrayLike<number>, indexOf: (n: number) => number): Int32Array {
  let count = 0;
  for (let n = 0; n < mask.length; n++) if ((mask[n] ?? 0) !== 0) count++;
  const out = new Int32Array(count);
  let p = 0;
  for (let n = 0; n < mask.length; n++) if ((mask[n] ?? 0) !== 0) out[p++] = indexOf(n);
  return out;
}

/** The diff that replaces the whole label map by `next` (e.g. loading a label map as working labels). */
export function replaceDiff(labels: LabelArray, next: ArrayLike<number>): PackedLabelDiff {
  return packReplace(labels, next);
}

/** Voxel count per value after a diff, updated in place (counts[v] for v in the diff). */
export function updateCounts(counts: Map<number, number>, diff: AnyLabelDiff, direction: 'forward' | 'backward'): void {
  if (isPacked(diff)) {
    forEachRun(diff, (_start, length, before, after) => {
      const [a, b] = direction === 'forward' ? [before, after] : [after, before];
      counts.set(a, (counts.get(a) ?? 0) - length);
      counts.set(b, (counts.get(b) ?? 0) + length);
    });
    return;
  }
  const from = direction === 'forward' ? diff.before : diff.after;
  const to = direction === 'forward' ? diff.after : diff.before;
  for (let p = 0; p < diff.indices.length; p++) {
    const a = from[p] ?? 0;
    const b = to[p] ?? 0;
    counts.set(a, (counts.get(a) ?? 0) - 1);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
}

/** Voxels per label value present (a dense bin count: labels are uint8 or uint16). */
export function countValues(labels: LabelArray): Map<number, number> {
  const counts = distinctValueCounts(labels, Infinity) ?? [];
  return new Map(counts.map(({ value, count }) => [value, count]));
}
