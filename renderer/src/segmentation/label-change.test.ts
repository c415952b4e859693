import { describe, expect, it } from 'vitest';
import { changeOfIndexRange, changeTouchesSlice, combineChanges, WHOLE_MAP } from './label-change';

describe('label changes', () => {
  it('maps a linear index range to the k slices that hold it', () => {
    expect(changeOfIndexRange([4, 5, 10], 20, 45)).toEqual({ kind: 'slices', axis: 2, first: 1, last: 2 });
    expect(changeOfIndexRange([4, 5, 10], 0, 19)).toEqual({ kind: 'slices', axis: 2, first: 0, last: 0 });
    expect(changeOfIndexRange([4, 5, 10], -1, -1)).toBe(WHOLE_MAP);
  });

  it('reaches a view plane only where the change can meet it', () => {
    const edit = { kind: 'slice', ref: { axis: 2, slice: 7 } } as const;
    expect(changeTouchesSlice(edit, 2, 7)).toBe(true);
    expect(changeTouchesSlice(edit, 2, 8)).toBe(false);
    expect(changeTouchesSlice(edit, 0, 3)).toBe(true);
    const undo = { kind: 'slices', axis: 2, first: 3, last: 5 } as const;
    expect([2, 3, 5, 6].map((s) => changeTouchesSlice(undo, 2, s))).toEqual([false, true, true, false]);
    expect(changeTouchesSlice(undo, 1, 100)).toBe(true);
    expect(changeTouchesSlice(WHOLE_MAP, 2, 0)).toBe(true);
  });

  it('combines edits that land before the views look', () => {
    const on = (slice: number) => ({ kind: 'slice', ref: { axis: 2, slice } }) as const;
    expect(combineChanges(undefined, on(4))).toEqual(on(4));
    expect(combineChanges(on(4), on(4))).toEqual(on(4));
    expect(combineChanges(on(4), on(9))).toEqual({ kind: 'slices', axis: 2, first: 4, last: 9 });
    expect(combineChanges({ kind: 'slices', axis: 2, first: 1, last: 3 }, on(2))).toEqual({ kind: 'slices', axis: 2, first: 1, last: 3 });
    expect(combineChanges(on(4), { kind: 'slice', ref: { axis: 0, slice: 4 } })).toBe(WHOLE_MAP);
    expect(combineChanges(WHOLE_MAP, on(1))).toBe(WHOLE_MAP);
  });
});
