import { describe, expect, it } from 'vitest';
import { affectedRange, fusionWeights, planSegment, runSlices } from './plan';

describe('propagation plan', () => {
  it('runs both ways from every annotated slice and fuses the gaps between them', () => {
    const plan = planSegment([{ slice: 10, area: 50 }, { slice: 4, area: 40 }], 20);
    expect(plan.runs).toEqual([
      { origin: 4, direction: -1, end: 0, stopAtObjectEnd: true, seedArea: 40 },
      { origin: 4, direction: 1, end: 9, stopAtObjectEnd: false, seedArea: 40 },
      { origin: 10, direction: -1, end: 5, stopAtObjectEnd: false, seedArea: 50 },
      { origin: 10, direction: 1, end: 19, stopAtObjectEnd: true, seedArea: 50 },
    ]);
    expect(plan.fused).toEqual([{ a: 4, b: 10 }]);
    expect(plan.written).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('treats a slice annotated empty as a hard end, with a stopping run from the other side', () => {
    const plan = planSegment([{ slice: 2, area: 30 }, { slice: 8, area: 0 }], 10);
    expect(plan.fused).toEqual([]);
    expect(plan.runs).toEqual([
      { origin: 2, direction: -1, end: 0, stopAtObjectEnd: true, seedArea: 30 },
      { origin: 2, direction: 1, end: 7, stopAtObjectEnd: true, seedArea: 30 },
    ]);
    expect(plan.written).toContain(9);
  });

  it('limits runs and writes to a range', () => {
    const plan = planSegment([{ slice: 2, area: 5 }, { slice: 6, area: 5 }, { slice: 12, area: 5 }], 15, [7, 11]);
    expect(plan.runs.map((r) => [r.origin, r.direction])).toEqual([
      [6, 1],
      [12, -1],
    ]);
    expect(plan.written).toEqual([7, 8, 9, 10, 11]);
  });

  it('ends each run at the far side of the range: nothing beyond it is computed', () => {
    // Only slice 8 (a held-out trial): the run from 6 stops at 8, the one from 12 comes down to 8,
    // and the outer run beyond 12 is not planned at all.
    const plan = planSegment([{ slice: 2, area: 5 }, { slice: 6, area: 5 }, { slice: 12, area: 5 }], 15, [8, 8]);
    expect(plan.runs.map((r) => [r.origin, r.direction, r.end])).toEqual([
      [6, 1, 8],
      [12, -1, 8],
    ]);
    const outer = planSegment([{ slice: 6, area: 5 }], 30, [3, 9]);
    expect(outer.runs.map((r) => [r.origin, r.direction, r.end])).toEqual([
      [6, -1, 3],
      [6, 1, 9],
    ]);
  });

  it('weights the two sides by distance', () => {
    expect(fusionWeights(5, 4, 10)).toEqual([5 / 6, 1 / 6]);
    expect(fusionWeights(7, 4, 10)).toEqual([0.5, 0.5]);
    const [wa, wb] = fusionWeights(9, 4, 10);
    expect(wa + wb).toBeCloseTo(1);
    expect(wb).toBeGreaterThan(wa);
    expect(() => fusionWeights(4, 4, 10)).toThrow();
  });

  it('computes the affected range of a correction between its annotated neighbours', () => {
    expect(affectedRange([3, 10, 20], 14, 30)).toEqual([11, 19]);
    expect(affectedRange([3, 10, 20], 25, 30)).toEqual([21, 29]);
    expect(affectedRange([3, 10, 20], 1, 30)).toEqual([0, 2]);
    expect(affectedRange([], 5, 9)).toEqual([0, 8]);
    // The corrected slice already annotated: its own entry does not bound the range.
    expect(affectedRange([3, 10, 20], 10, 30)).toEqual([4, 19]);
  });

  it('lists the slices of a run', () => {
    expect(runSlices({ origin: 5, direction: -1, end: 2, stopAtObjectEnd: true, seedArea: 1 })).toEqual([4, 3, 2]);
  });
});
