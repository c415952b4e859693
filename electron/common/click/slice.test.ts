import { describe, expect, it } from 'vitest';
import { IDENTITY_DIRECTION, type Volume } from '../volume';
import { sliceGeometry } from '../slice';
import { extractLabelMask, extractSlice, labelCountsPerSlice } from './slice';

const size = [4, 3, 2] as const;
const volume: Volume = {
  geometry: { size, spacing: [0.5, 1, 3], origin: [0, 0, 0], direction: IDENTITY_DIRECTION },
  componentType: 'int16',
  voxels: new Int16Array(24).map((_, n) => n), // value = i + 4 j + 12 k
};

describe('slices of a volume', () => {
  it('spans the two other index axes in increasing order', () => {
    expect(sliceGeometry(size, [0.5, 1, 3], 2)).toEqual({ width: 4, height: 3, xAxis: 0, yAxis: 1, pixelSpacing: [0.5, 1] });
    expect(sliceGeometry(size, [0.5, 1, 3], 1)).toEqual({ width: 4, height: 2, xAxis: 0, yAxis: 2, pixelSpacing: [0.5, 3] });
    expect(sliceGeometry(size, [0.5, 1, 3], 0)).toEqual({ width: 3, height: 2, xAxis: 1, yAxis: 2, pixelSpacing: [1, 3] });
  });

  it('reads voxel (i, j, k) at slice pixel (x, y) for every axis', () => {
    expect(Array.from(extractSlice(volume, 2, 1).data)).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    expect(Array.from(extractSlice(volume, 1, 2).data)).toEqual([8, 9, 10, 11, 20, 21, 22, 23]);
    expect(Array.from(extractSlice(volume, 0, 3).data)).toEqual([3, 7, 11, 15, 19, 23]);
    expect(() => extractSlice(volume, 2, 2)).toThrow(/has 2 slices along index axis k/);
  });

  it('finds a label per slice', () => {
    const labels: Volume = { ...volume, componentType: 'uint8', voxels: new Uint8Array(24).map((_, n) => (n % 5 === 0 ? 2 : 0)) };
    expect(Array.from(labelCountsPerSlice(labels, 2, 2))).toEqual([3, 2]);
    expect(Array.from(labelCountsPerSlice(labels, 0, 2))).toEqual([2, 1, 1, 1]);
    expect(Array.from(extractLabelMask(labels, 2, 0, 2))).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
  });
});
