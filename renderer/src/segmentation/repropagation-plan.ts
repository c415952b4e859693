/**
 * What pressing Propagate will do for each segment (pure): the first propagation along an axis (or
 * one with another method than the last) recomputes every slice from the user's slices; after
 * that, only corrections re-propagate, each up to its neighbouring user slices.
 */
import type { IndexAxis } from '../../../electron/common/slice';
import { correctionsRange, type CorrectionRange } from '../../../electron/common/propagation/correction-range';
import type { PropagationMethod } from '../../../electron/common/propagation/options';
import { correctionsOf, lastPropagation, userSlicesOf, type UserSlices } from './user-slices';

export type SegmentPlan =
  /** Every slice, seeded from the user's slices. */
  | { readonly label: number; readonly kind: 'all'; readonly seeds: readonly number[] }
  /** Only `range` (inclusive), after the corrections on `corrected`. */
  | { readonly label: number; readonly kind: 'range'; readonly seeds: readonly number[]; readonly corrected: readonly number[]; readonly range: CorrectionRange }
  /** Propagated already and nothing corrected since. */
  | { readonly label: number; readonly kind: 'up-to-date' }
  /** The user annotated no slice of it along this axis. */
  | { readonly label: number; readonly kind: 'no-seeds' };

export function planRepropagation(state: UserSlices, labels: readonly number[], axis: IndexAxis, sliceCount: number, method: PropagationMethod): SegmentPlan[] {
  return labels.map((label): SegmentPlan => {
    const seeds = userSlicesOf(state, label, axis);
    if (seeds.length === 0) return { label, kind: 'no-seeds' };
    if (lastPropagation(state, label, axis) !== method) return { label, kind: 'all', seeds };
    const corrected = correctionsOf(state, label, axis);
    const range = correctionsRange(seeds, corrected, sliceCount);
    return range === undefined ? { label, kind: 'up-to-date' } : { label, kind: 'range', seeds, corrected, range };
  });
}

/** The plans that start a job. */
export function plansToRun(plans: readonly SegmentPlan[]): Extract<SegmentPlan, { seeds: readonly number[] }>[] {
  return plans.filter((p): p is Extract<SegmentPlan, { seeds: readonly number[] }> => p.kind === 'all' || p.kind === 'range');
}

/** One line per segment for the panel, slices numbered from 1 as the views show them. */
export function describePlan(plan: SegmentPlan, name: string): string {
  switch (plan.kind) {
    case 'all':
      return `${name}: every slice, from ${plan.seeds.length} annotated slice${plan.seeds.length === 1 ? '' : 's'}`;
    case 'range': {
      const fixes = plan.corrected.map((s) => s + 1).join(', ');
      return `${name}: slices ${plan.range.first + 1}–${plan.range.last + 1} (corrected ${fixes})`;
    }
    case 'up-to-date':
      return `${name}: unchanged since the last propagation`;
    case 'no-seeds':
      return `${name}: no annotated slice along this axis`;
  }
}
