/**
 * Which slices the USER annotated, per segment and slice axis, apart from the slices a propagation
 * wrote (pure, immutable: every change returns a new state, so the undo history can hold the state
 * before and after each step). Propagation seeds only from user slices; a user slice annotated
 * after the last propagation of its segment along that axis is a correction, which re-propagates
 * only up to the neighbouring user slices.
 */
import type { IndexAxis } from '../../../electron/common/slice';
import type { PropagationMethod } from '../../../electron/common/propagation/options';

export interface UserSlices {
  /** Slices the user annotated, ascending, per `key(label, axis)`. */
  readonly annotated: ReadonlyMap<string, readonly number[]>;
  /** User slices annotated since the last propagation applied for that key (corrections). */
  readonly pending: ReadonlyMap<string, readonly number[]>;
  /** The method of the last propagation applied per key (absent: never propagated). */
  readonly propagated: ReadonlyMap<string, PropagationMethod>;
}

export const NO_USER_SLICES: UserSlices = { annotated: new Map(), pending: new Map(), propagated: new Map() };

function key(label: number, axis: IndexAxis): string {
  return `${label}:${axis}`;
}

function withSlice(list: readonly number[] | undefined, slice: number): readonly number[] {
  if (list === undefined) return [slice];
  if (list.includes(slice)) return list;
  return [...list, slice].sort((a, b) => a - b);
}

export function userSlicesOf(state: UserSlices, label: number, axis: IndexAxis): readonly number[] {
  return state.annotated.get(key(label, axis)) ?? [];
}

export function correctionsOf(state: UserSlices, label: number, axis: IndexAxis): readonly number[] {
  return state.pending.get(key(label, axis)) ?? [];
}

export function lastPropagation(state: UserSlices, label: number, axis: IndexAxis): PropagationMethod | undefined {
  return state.propagated.get(key(label, axis));
}

/** The user changed `labels` on slice `slice` along `axis` (a click mask, a brush or eraser stroke). */
export function noteUserEdit(state: UserSlices, labels: Iterable<number>, axis: IndexAxis, slice: number): UserSlices {
  const annotated = new Map(state.annotated);
  const pending = new Map(state.pending);
  let changed = false;
  for (const label of labels) {
    if (label === 0) continue;
    const k = key(label, axis);
    const a = withSlice(annotated.get(k), slice);
    const p = withSlice(pending.get(k), slice);
    if (a === annotated.get(k) && p === pending.get(k)) continue;
    annotated.set(k, a);
    pending.set(k, p);
    changed = true;
  }
  return changed ? { ...state, annotated, pending } : state;
}

/** A propagation of `labels` along `axis` was applied: their corrections are settled. */
export function notePropagated(state: UserSlices, labels: Iterable<number>, axis: IndexAxis, method: PropagationMethod): UserSlices {
  const pending = new Map(state.pending);
  const propagated = new Map(state.propagated);
  for (const label of labels) {
    pending.delete(key(label, axis));
    propagated.set(key(label, axis), method);
  }
  return { ...state, pending, propagated };
}

/** A segment was deleted: nothing of it was annotated any more. */
export function forgetLabel(state: UserSlices, label: number): UserSlices {
  const keep = <V>(map: ReadonlyMap<string, V>): Map<string, V> => new Map([...map].filter(([k]) => !k.startsWith(`${label}:`)));
  return { annotated: keep(state.annotated), pending: keep(state.pending), propagated: keep(state.propagated) };
}

/**
 * The state for a label map loaded from a file, whose making is unknown: every slice that holds a
 * label counts as annotated along every axis (as a propagation would have taken it before user
 * slices were tracked), so loaded work is a seed and never overwritten.
 */
export function userSlicesOfLoadedMap(labels: ArrayLike<number>, size: readonly [number, number, number]): UserSlices {
  const [nx, ny, nz] = size;
  const present = new Map<number, [Uint8Array, Uint8Array, Uint8Array]>();
  let n = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, n++) {
        const value = labels[n] ?? 0;
        if (value === 0) continue;
        let flags = present.get(value);
        if (flags === undefined) present.set(value, (flags = [new Uint8Array(nx), new Uint8Array(ny), new Uint8Array(nz)]));
        flags[0][i] = 1;
        flags[1][j] = 1;
        flags[2][k] = 1;
      }
  const annotated = new Map<string, readonly number[]>();
  for (const [value, flags] of present)
    flags.forEach((flag, axis) => {
      const slices: number[] = [];
      flag.forEach((on, s) => {
        if (on === 1) slices.push(s);
      });
      annotated.set(key(value, axis as IndexAxis), slices);
    });
  return { annotated, pending: new Map(), propagated: new Map() };
}
