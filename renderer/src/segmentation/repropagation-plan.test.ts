import { describe, expect, it } from 'vitest';
import { describePlan, planRepropagation, plansToRun } from './repropagation-plan';
import { NO_USER_SLICES, notePropagated, noteUserEdit } from './user-slices';

const twoSlices = noteUserEdit(noteUserEdit(NO_USER_SLICES, [3], 0, 40), [3], 0, 80);

describe('planRepropagation', () => {
  it('propagates every slice the first time, seeded from the user slices only', () => {
    const [plan] = planRepropagation(twoSlices, [3], 0, 128, 'memory');
    expect(plan).toEqual({ label: 3, kind: 'all', seeds: [40, 80] });
  });

  it('re-propagates only between the neighbours of a correction', () => {
    const corrected = noteUserEdit(notePropagated(twoSlices, [3], 0, 'memory'), [3], 0, 62);
    const [plan] = planRepropagation(corrected, [3], 0, 128, 'memory');
    expect(plan).toEqual({ label: 3, kind: 'range', seeds: [40, 62, 80], corrected: [62], range: { first: 41, last: 79 } });
    expect(plan && describePlan(plan, 'Tibia')).toBe('Tibia: slices 42–80 (corrected 63)');
  });

  it('has nothing to do when nothing was corrected, and everything after another method', () => {
    const done = notePropagated(twoSlices, [3], 0, 'memory');
    expect(planRepropagation(done, [3], 0, 128, 'memory')[0]?.kind).toBe('up-to-date');
    expect(planRepropagation(done, [3], 0, 128, 'interpolation')[0]?.kind).toBe('all');
    // Along another axis the user annotated nothing.
    expect(planRepropagation(done, [3], 2, 64, 'memory')[0]?.kind).toBe('no-seeds');
  });

  it('runs only the segments that have work', () => {
    const state = noteUserEdit(notePropagated(twoSlices, [3], 0, 'memory'), [1], 0, 10);
    const plans = planRepropagation(state, [1, 3, 4], 0, 128, 'memory');
    expect(plans.map((p) => p.kind)).toEqual(['all', 'up-to-date', 'no-seeds']);
    expect(plansToRun(plans).map((p) => p.label)).toEqual([1]);
  });
});
