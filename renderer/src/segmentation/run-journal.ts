/**
 * What a propagation run has written into the labels, kept as it writes: per slice, the packed diff
 * from the labels before the run to the labels now (a slice written again, by a later segment's job
 * or a later update, composes with what it held). The run's one undo step, and the take-back of a
 * stopped run, is their merge (propagation-merge.ts), so the page needs no copy of its labels to
 * know what was there before the run (issue 19). It holds about the changed voxels' runs, not the
 * volume.
 */
import { composeDiffs, packDiff, unpackDiff, type LabelDiff, type PackedLabelDiff } from '../../../electron/common/label-diff';

export class RunJournal {
  private readonly slices = new Map<number, PackedLabelDiff>();

  /** Notes what writing slice `slice` changed (the diffs `paint` returned, in the order written). */
  note(slice: number, writes: readonly LabelDiff[]): void {
    const changed = writes.filter((w) => w.indices.length > 0);
    if (changed.length === 0) return;
    const held = this.slices.get(slice);
    let sum: LabelDiff | undefined = held === undefined ? undefined : unpackDiff(held);
    for (const write of changed) sum = sum === undefined ? write : composeDiffs(sum, write);
    if (sum !== undefined) this.slices.set(slice, packDiff(sum));
  }

  /** The per-slice diffs (no voxel in two of them), for `mergeDisjointDiffs`. */
  get parts(): PackedLabelDiff[] {
    return [...this.slices.values()];
  }

  /** Voxels the run has changed so far (a voxel written back to its value before the run is not one). */
  get voxels(): number {
    let n = 0;
    for (const part of this.slices.values()) n += part.voxels;
    return n;
  }
}
