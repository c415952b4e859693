import { describe, expect, it } from 'vitest';
import { areaJumps, rankSuspectSlices } from './suspect';

describe('suspect slices', () => {
  it('ranks disagreement and area jumps, worst first', () => {
    const ranked = rankSuspectSlices([
      {
        label: 1,
        areas: [0, 100, 100, 30, 100, 100, 0],
        disagreement: new Map([
          [2, 0.1],
          [4, 0.9],
        ]),
      },
    ]);
    expect(ranked.map((s) => [s.slice, s.reason])).toEqual([
      [4, 'disagreement'],
      [3, 'area-jump'],
    ]);
    expect(ranked[1]?.score).toBeCloseTo(0.7);
  });

  it('ignores the object’s natural ends and tiny areas', () => {
    expect([...areaJumps([0, 100, 5, 0], 20)]).toEqual([0, 0, 0, 0]);
  });
});
