import { describe, expect, it } from 'vitest';
import {
  correctionsOf,
  forgetLabel,
  lastPropagation,
  NO_USER_SLICES,
  notePropagated,
  noteUserEdit,
  userSlicesOf,
  userSlicesOfLoadedMap,
} from './user-slices';

describe('user slices', () => {
  it('records the edited labels per axis, sorted and once, ignoring background', () => {
    let state = noteUserEdit(NO_USER_SLICES, [3, 0], 0, 40);
    state = noteUserEdit(state, [3], 0, 12);
    state = noteUserEdit(state, [3], 0, 40);
    state = noteUserEdit(state, [1], 2, 5);
    expect(userSlicesOf(state, 3, 0)).toEqual([12, 40]);
    expect(userSlicesOf(state, 3, 2)).toEqual([]);
    expect(userSlicesOf(state, 1, 2)).toEqual([5]);
    expect(userSlicesOf(state, 0, 0)).toEqual([]);
  });

  it('never changes a state it was given (the undo history holds them)', () => {
    const before = noteUserEdit(NO_USER_SLICES, [3], 0, 40);
    const after = noteUserEdit(before, [3], 0, 62);
    expect(userSlicesOf(before, 3, 0)).toEqual([40]);
    expect(userSlicesOf(after, 3, 0)).toEqual([40, 62]);
    expect(noteUserEdit(after, [3], 0, 62)).toBe(after);
    expect(NO_USER_SLICES.annotated.size).toBe(0);
  });

  it('settles corrections when a propagation is applied, and keeps later ones pending', () => {
    let state = noteUserEdit(NO_USER_SLICES, [3], 0, 40);
    state = noteUserEdit(state, [3], 0, 80);
    expect(correctionsOf(state, 3, 0)).toEqual([40, 80]);
    state = notePropagated(state, [3], 0, 'memory');
    expect(correctionsOf(state, 3, 0)).toEqual([]);
    expect(lastPropagation(state, 3, 0)).toBe('memory');
    expect(lastPropagation(state, 3, 1)).toBeUndefined();
    state = noteUserEdit(state, [3], 0, 62);
    expect(correctionsOf(state, 3, 0)).toEqual([62]);
    expect(userSlicesOf(state, 3, 0)).toEqual([40, 62, 80]);
  });

  it('forgets a deleted segment on every axis and nothing else', () => {
    let state = noteUserEdit(NO_USER_SLICES, [1, 11], 0, 4);
    state = noteUserEdit(state, [1], 2, 7);
    state = notePropagated(state, [1], 2, 'interpolation');
    state = forgetLabel(state, 1);
    expect(userSlicesOf(state, 1, 0)).toEqual([]);
    expect(userSlicesOf(state, 1, 2)).toEqual([]);
    expect(lastPropagation(state, 1, 2)).toBeUndefined();
    expect(userSlicesOf(state, 11, 0)).toEqual([4]);
  });

  it('takes every slice holding a label of a loaded map as annotated along each axis', () => {
    // 3 × 2 × 2 voxels, i fastest: label 2 at (1, 0, 1) and (2, 1, 1); label 5 at (0, 1, 0).
    const labels = new Uint8Array(12);
    labels[1 + 3 * (0 + 2 * 1)] = 2;
    labels[2 + 3 * (1 + 2 * 1)] = 2;
    labels[0 + 3 * (1 + 2 * 0)] = 5;
    const state = userSlicesOfLoadedMap(labels, [3, 2, 2]);
    expect(userSlicesOf(state, 2, 0)).toEqual([1, 2]);
    expect(userSlicesOf(state, 2, 1)).toEqual([0, 1]);
    expect(userSlicesOf(state, 2, 2)).toEqual([1]);
    expect(userSlicesOf(state, 5, 2)).toEqual([0]);
    expect(correctionsOf(state, 2, 0)).toEqual([]);
  });
});
