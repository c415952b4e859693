/**
 * What a propagation's output (a streamed slice) changes in the working labels, grouped by new
 * value so the store writes it through `paint` like any other edit. The
 * worker already refuses to write over locked segments; this keeps that promise on the page too,
 * whatever the output says, so a locked segment can never change through propagation.
 */
import type { LabelArray } from './paint';

/**
 * Voxel indices to write per new value: every output element `n` (at voxel `indexOf(n)`) that
 * differs from the labels, except where the voxel holds, or would receive, a locked value.
 */
export function propagationWrites(
  current: LabelArray,
  output: ArrayLike<number>,
  locked: ReadonlySet<number>,
  indexOf: (n: number) => number = (n) => n,
): Map<number, number[]> {
  const writes = new Map<number, number[]>();
  for (let n = 0; n < output.length; n++) {
    const index = indexOf(n);
    const before = current[index] ?? 0;
    const after = output[n] ?? 0;
    if (before === after || locked.has(before) || locked.has(after)) continue;
    let indices = writes.get(after);
    if (indices === undefined) writes.set(after, (indices = []));
    indices.push(index);
  }
  return writes;
}
