import { describe, expect, it } from 'vitest';
import {
  distinctValueCounts,
  nonFiniteCount,
  summarizeVoxels,
  valueRange,
  VoxelSummarizer,
} from './volume-stats';

describe('valueRange', () => {
  it('gives min and max, skipping NaN', () => {
    expect(valueRange(Int16Array.of(5, -3, 7))).toEqual([-3, 7]);
    expect(valueRange(Float32Array.of(NaN, 2, 1))).toEqual([1, 2]);
    expect(valueRange(Float32Array.of(NaN))).toEqual([NaN, NaN]);
    expect(valueRange(Float32Array.of(Infinity, 4, -Infinity, 2))).toEqual([2, 4]);
    expect(valueRange(Float64Array.of(-Infinity))).toEqual([NaN, NaN]);
  });
});

describe('distinctValueCounts', () => {
  it('counts values of every integer type, ascending', () => {
    const expected = [
      { value: -2, count: 1 },
      { value: 0, count: 2 },
      { value: 9, count: 1 },
    ];
    expect(distinctValueCounts(Int8Array.of(0, 9, -2, 0))).toEqual(expected);
    expect(distinctValueCounts(Int16Array.of(0, 9, -2, 0))).toEqual(expected);
    expect(distinctValueCounts(Int32Array.of(0, 9, -2, 0))).toEqual(expected);
    expect(distinctValueCounts(Uint16Array.of(3, 3, 40000))).toEqual([
      { value: 3, count: 2 },
      { value: 40000, count: 1 },
    ]);
  });

  it('gives up beyond the limit and on float buffers', () => {
    const ramp = Uint16Array.from({ length: 300 }, (_, n) => n);
    expect(distinctValueCounts(ramp)).toBeUndefined();
    expect(distinctValueCounts(ramp, 300)).toHaveLength(300);
    expect(
      distinctValueCounts(
        Uint32Array.from({ length: 10 }, (_, n) => n * 1e6),
        9,
      ),
    ).toBeUndefined();
    expect(distinctValueCounts(Float32Array.of(1, 2))).toBeUndefined();
  });
});

describe('nonFiniteCount', () => {
  it('counts NaN and both infinities in float buffers, nothing in integer ones', () => {
    expect(nonFiniteCount(Float32Array.of(NaN, 1, Infinity, -Infinity, -0, 3e38))).toBe(3);
    expect(nonFiniteCount(Float64Array.of(NaN, NaN))).toBe(2);
    expect(nonFiniteCount(Float32Array.of(0, -1, 2))).toBe(0);
    expect(nonFiniteCount(Int16Array.of(-32768, 32767))).toBe(0);
  });

  it('leaves an all-non-finite buffer without a range rather than a wrong one', () => {
    const voxels = Float32Array.of(NaN, Infinity, -Infinity);
    expect(valueRange(voxels)).toEqual([NaN, NaN]);
    expect(nonFiniteCount(voxels)).toBe(3);
  });
});

describe('VoxelSummarizer', () => {
  it('summarises a buffer piece by piece exactly as in one pass, for every type family', () => {
    const buffers = [
      Float32Array.of(3, NaN, -1, Infinity, 8, -Infinity, 2),
      Float64Array.of(NaN, 1e300, -5, 0),
      // Pieces without a non-finite voxel beside pieces with one, at either end of the range.
      Float32Array.of(5, -2, 7, 1, 4, 3, Infinity, -8, 9, NaN),
      Float64Array.of(-1e308, 2, 3, 1e308, -0, 0, -Infinity),
      Int16Array.of(4, -300, 7, 2),
      Uint8Array.of(9, 0, 255, 3),
      Int32Array.of(-2e9, 5, 2e9),
      Uint32Array.of(4e9, 1, 7),
    ];
    for (const voxels of buffers) {
      const pieces = new VoxelSummarizer();
      for (const to of [1, 1, 3, 2, voxels.length + 5]) pieces.addUpTo(voxels, to);
      expect(pieces.covered).toBe(voxels.length);
      expect(pieces.summary).toEqual(summarizeVoxels(voxels));
    }
    expect(summarizeVoxels(Float32Array.of(3, NaN, -1, Infinity, 8, -Infinity, 2))).toEqual({
      range: [-1, 8],
      nonFinite: 3,
    });
    // Pieces with and without non-finite voxels (the fast pass and the counting loop), literal answers.
    const mixed = new VoxelSummarizer();
    const floats = Float64Array.of(-1e308, 2, -0, 1e308, NaN, 5, -Infinity, 0.5);
    for (const to of [4, 6, 8]) mixed.addUpTo(floats, to);
    expect(mixed.summary).toEqual({ range: [-1e308, 1e308], nonFinite: 2 });
    const clean = new VoxelSummarizer();
    for (const to of [2, 5]) clean.addUpTo(Float32Array.of(0.25, -3, 7, -0, 1), to);
    expect(clean.summary).toEqual({ range: [-3, 7], nonFinite: 0 });
    expect(summarizeVoxels(Uint32Array.of(4e9, 1, 7))).toEqual({ range: [1, 4e9], nonFinite: 0 });
    expect(summarizeVoxels(Int32Array.of(-2e9, 5, 2e9))).toEqual({ range: [-2e9, 2e9], nonFinite: 0 });
  });

  it('counts only what it has not counted, up to the end of the buffer', () => {
    const voxels = Float32Array.of(1, 2, 100);
    const summarizer = new VoxelSummarizer();
    summarizer.addUpTo(voxels, 2);
    expect(summarizer.summary).toEqual({ range: [1, 2], nonFinite: 0 });
    summarizer.addUpTo(voxels, 1);
    expect(summarizer.covered).toBe(2);
    summarizer.addUpTo(voxels, 10);
    expect(summarizer.summary).toEqual({ range: [1, 100], nonFinite: 0 });
  });

  it('gives [NaN, NaN] when no voxel is a number', () => {
    expect(summarizeVoxels(Float64Array.of(NaN, Infinity))).toEqual({ range: [NaN, NaN], nonFinite: 2 });
    expect(summarizeVoxels(new Uint8Array(0))).toEqual({ range: [NaN, NaN], nonFinite: 0 });
  });
});
