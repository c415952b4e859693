/**
 * Applies a finished propagation to the working labels. The worker already refuses to write over
 * locked segments; this keeps that promise on the page too, whatever the result says, so a locked
 * segment can never change through propagation.
 */
import type { LabelArray } from './paint';

export function mergePropagationResult(current: LabelArray, result: ArrayLike<number>, locked: ReadonlySet<number>): LabelArray {
  if (result.length !== current.length) throw new Error(`The propagation result has ${result.length} voxels; the labels have ${current.length}.`);
  const next = current.slice();
  for (let n = 0; n < next.length; n++) {
    const before = current[n] ?? 0;
    const after = result[n] ?? 0;
    if (before === after || locked.has(before) || locked.has(after)) continue;
    next[n] = after;
  }
  return next;
}
