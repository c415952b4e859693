import { describe, expect, it } from 'vitest';
import { evenlySpacedSlices, objectExtent, slicesFromEnd } from './given-slices';

describe('given-slice protocol', () => {
  it('finds the object extent along the axis', () => {
    expect(objectExtent([0, 0, 3, 0, 5, 0])).toEqual([2, 4]);
    expect(objectExtent([0, 0])).toBeUndefined();
  });

  it('puts the given slices at the centres of equal bins of the extent', () => {
    expect(evenlySpacedSlices([0, 99], 1)).toEqual([50]);
    expect(evenlySpacedSlices([0, 99], 5)).toEqual([10, 30, 50, 70, 90]);
    expect(evenlySpacedSlices([20, 49], 3)).toEqual([25, 35, 45]);
    expect(evenlySpacedSlices([0, 99], 10)).toEqual([5, 15, 25, 35, 45, 55, 65, 75, 85, 95]);
    // More slices than the extent has: each slice once.
    expect(evenlySpacedSlices([4, 6], 10)).toEqual([4, 5, 6]);
    expect(() => evenlySpacedSlices([0, 9], 0)).toThrow();
  });

  it('from end to end: the first and last slices of the object and the rest evenly between', () => {
    expect(slicesFromEnd([0, 99], 1)).toEqual([49]);
    expect(slicesFromEnd([0, 99], 2)).toEqual([0, 99]);
    expect(slicesFromEnd([20, 50], 3)).toEqual([20, 35, 50]);
    expect(slicesFromEnd([0, 99], 5)).toEqual([0, 25, 50, 74, 99]);
    expect(slicesFromEnd([4, 6], 10)).toEqual([4, 5, 6]);
    expect(() => slicesFromEnd([0, 9], 0)).toThrow();
  });
});
