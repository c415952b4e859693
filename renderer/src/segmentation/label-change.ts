/**
 * Where a change to the label voxels was, so each view re-uploads its slice only when the change
 * reaches it: a user's edit on one slice, a range of slices along an axis (an undo, a redo), or
 * everything (a new map, model output).
 */
import type { Vec3 } from '../../../electron/common/volume';
import type { IndexAxis, SliceRef } from '../../../electron/common/slice';

export type LabelChange =
  | { readonly kind: 'all' }
  | { readonly kind: 'slice'; readonly ref: SliceRef }
  | { readonly kind: 'slices'; readonly axis: IndexAxis; readonly first: number; readonly last: number };

export const WHOLE_MAP: LabelChange = { kind: 'all' };

/** The k slices holding the voxels from linear index `first` to `last` (k is the slowest axis). */
export function changeOfIndexRange(size: Vec3, first: number, last: number): LabelChange {
  const plane = size[0] * size[1];
  if (first < 0 || last < first || plane === 0) return WHOLE_MAP;
  return { kind: 'slices', axis: 2, first: Math.floor(first / plane), last: Math.floor(last / plane) };
}

/** The range of slices along `axis` a change covers, or undefined when it is not along `axis`. */
function rangeAlong(change: LabelChange): { axis: IndexAxis; first: number; last: number } | undefined {
  if (change.kind === 'slice') return { axis: change.ref.axis, first: change.ref.slice, last: change.ref.slice };
  if (change.kind === 'slices') return change;
  return undefined;
}

/**
 * One change covering both (several edits can land before the views look): the span of slices
 * when both lie along one axis, else everything.
 */
export function combineChanges(a: LabelChange | undefined, b: LabelChange): LabelChange {
  if (a === undefined) return b;
  const ra = rangeAlong(a);
  const rb = rangeAlong(b);
  if (ra === undefined || rb === undefined || ra.axis !== rb.axis) return WHOLE_MAP;
  if (a.kind === 'slice' && b.kind === 'slice' && ra.first === rb.first) return a;
  return { kind: 'slices', axis: ra.axis, first: Math.min(ra.first, rb.first), last: Math.max(ra.last, rb.last) };
}

/** Whether the plane `slice` normal to `axis` may hold a voxel the change touched. */
export function changeTouchesSlice(change: LabelChange, axis: IndexAxis, slice: number): boolean {
  switch (change.kind) {
    case 'all':
      return true;
    case 'slice':
      // A slice across the view's plane meets it along a line.
      return change.ref.axis !== axis || change.ref.slice === slice;
    case 'slices':
      return change.axis !== axis || (slice >= change.first && slice <= change.last);
  }
}
