import { describe, expect, it } from 'vitest';
import { sliceLayout } from '../slice';
import { areaDrops, areaJumps, endProximity, rankSuspectSlices, shapeChanges, uncertaintyOf } from './suspect';

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

describe('suspect evidence', () => {
  it('measures shape change as 1 − Dice with the slice before, ignoring tiny masks', () => {
    // Three 4×4 slices (axis 2 of a 4×4×4 volume): a 2×2 square, the same square, moved by one column, then 1 pixel.
    const layout = sliceLayout([4, 4, 4], 2);
    const voxels = new Uint8Array(64);
    const square = (z: number, x0: number): void => {
      for (const [x, y] of [[x0, 0], [x0 + 1, 0], [x0, 1], [x0 + 1, 1]] as const) voxels[x + 4 * (y + 4 * z)] = 2;
    };
    square(0, 0);
    square(1, 0);
    square(2, 1);
    voxels[3 + 4 * (3 + 4 * 3)] = 2;
    const changes = shapeChanges(voxels, layout, 2, 2);
    expect([...changes]).toEqual([0, 0, 0.5, 0]);
  });

  it('counts uncertain pixels per object pixel', () => {
    const p = new Float32Array(100);
    p.fill(0.95, 0, 40);
    p.fill(0.5, 40, 60);
    expect(uncertaintyOf(p, 0.5, 10)).toBeCloseTo(20 / 60);
    expect(uncertaintyOf(new Float32Array(100).fill(0.3), 0.5, 20)).toBe(1);
  });

  it('flags shape changes and low confidence, only on slices the propagation wrote', () => {
    const ranked = rankSuspectSlices(
      [
        {
          label: 1,
          areas: [100, 100, 100, 100, 100],
          disagreement: new Map(),
          shapeChange: [0, 0.7, 0.1, 0.6, 0],
          uncertainty: new Map([
            [2, 0.8],
            [4, 0.1],
          ]),
          written: new Set([2, 3, 4]),
        },
      ],
      { thresholds: { shapeChange: 0.5, lowConfidence: 0.5 } },
    );
    expect(ranked.map((s) => [s.slice, s.reason])).toEqual([
      [2, 'low-confidence'],
      [3, 'shape-change'],
    ]);
  });
});

describe('object ends', () => {
  it('scores closeness to where the object ends beyond the outermost annotated slices', () => {
    // Annotated 3 and 6; the object runs on from 6 to 8, and from 3 down to 2.
    const areas = [0, 0, 50, 60, 70, 70, 60, 40, 30, 0, 0];
    const near = endProximity(areas, [3, 6]);
    expect([...near].map((v) => Number(v.toFixed(3)))).toEqual([0.333, 0.5, 1, 0, 0, 0, 0, 0.5, 1, 0.5, 0.333]);
    // An annotation without the object anchors nothing.
    expect([...endProximity(areas, [0])].every((v) => v === 0)).toBe(true);
  });

  it('flags the slices next to an end by default, never a slice the propagation did not write', () => {
    const ranked = rankSuspectSlices([{ label: 2, areas: [0, 0, 50, 60, 70], disagreement: new Map(), objectEnd: [0.33, 0.5, 1, 0, 0], written: new Set([0, 1]) }]);
    expect(ranked.map((s) => [s.slice, s.reason])).toEqual([
      [1, 'object-end'],
      [0, 'object-end'],
    ]);
  });
});

describe('area drops', () => {
  it('measures the area missing inside a gap between annotations that hold the object', () => {
    // Annotated 1 (area 100) and 5 (area 60): expected 90, 80, 70 on 2–4.
    const drops = areaDrops([0, 100, 90, 20, 0, 60, 60], [1, 5]);
    expect([...drops].map((v) => Number(v.toFixed(3)))).toEqual([0, 0, 0, 0.75, 1, 0, 0]);
    // A gap towards an annotation without the object expects nothing.
    expect([...areaDrops([0, 100, 50, 0], [1, 3])].every((v) => v === 0)).toBe(true);
  });
});
