import { describe, expect, it } from 'vitest';
import { indexToWorld, type VolumeGeometry } from '../../../electron/common/volume';
import { centreIndex, insideVolume, pickIndex, sliceOf, stepSlice, withSlice } from './slice';

const g: VolumeGeometry = {
  size: [10, 20, 5],
  spacing: [1, 0.5, 3],
  origin: [0, 0, 0],
  direction: [1, 0, 0, 0, 0, -1, 0, -1, 0],
};

describe('slice helpers', () => {
  it('rounds and clamps slices', () => {
    expect(sliceOf(g, [3.4, -2, 9], 0)).toBe(3);
    expect(sliceOf(g, [3.4, -2, 9], 1)).toBe(0);
    expect(sliceOf(g, [3.4, -2, 9], 2)).toBe(4);
    expect(centreIndex(g)).toEqual([4, 9, 2]);
  });

  it('steps within the volume', () => {
    expect(stepSlice(g, [2.6, 1, 1], 0, 1)).toEqual([4, 1, 1]);
    expect(stepSlice(g, [0, 1, 4], 2, 3)).toEqual([0, 1, 4]);
    expect(stepSlice(g, [0, 1, 4], 2, -10)).toEqual([0, 1, 0]);
    expect(withSlice(g, [1, 2, 3], 1, 25)).toEqual([1, 19, 3]);
  });

  it('picks the in-plane coordinates of a click and keeps the slice', () => {
    const world = indexToWorld(g, [7.25, 11, 1]);
    const picked = pickIndex(g, [2, 3, 4], world, 2);
    expect(picked[0]).toBeCloseTo(7.25);
    expect(picked[1]).toBeCloseTo(11);
    expect(picked[2]).toBe(4);
    const outside = pickIndex(g, [2, 3, 4], indexToWorld(g, [-4, 40, 0]), 2);
    expect(outside).toEqual([0, 19, 4]);
  });

  it('knows what is inside', () => {
    expect(insideVolume(g, [-0.4, 0, 4.4])).toBe(true);
    expect(insideVolume(g, [9.6, 0, 0])).toBe(false);
  });
});
