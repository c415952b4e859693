import { describe, expect, it } from 'vitest';
import { composeDiffs } from '../../../electron/common/label-diff';
import { applyDiff, countValues, diffBytes, maskIndices, paint, replaceDiff, updateCounts } from './paint';
import { slicePixelToIndex, voxelToSlicePixel } from '../../../electron/common/slice';
import { diskPixels, sliceMask, strokePixels } from './slice-mask';

describe('paint', () => {
  it('writes a value and returns a sparse diff of what changed', () => {
    const labels = new Uint8Array([0, 1, 2, 0, 3]);
    const diff = paint(labels, [4, 0, 1, 0], 2);
    expect([...labels]).toEqual([2, 2, 2, 0, 2]);
    expect([...diff.indices]).toEqual([0, 1, 4]);
    expect([...diff.before]).toEqual([0, 1, 3]);
    expect([...diff.after]).toEqual([2, 2, 2]);
    expect(diffBytes(diff)).toBe(3 * 4 + 3 * 2 + 3 * 2);
  });

  it('never overwrites a locked segment, whatever writes', () => {
    const labels = new Uint8Array([0, 1, 2, 2, 3]);
    const locked = new Set([2]);
    paint(labels, [0, 1, 2, 3, 4], 1, { locked });
    expect([...labels]).toEqual([1, 1, 2, 2, 1]);
    paint(labels, [0, 1, 2, 3, 4], 0, { locked });
    expect([...labels]).toEqual([0, 0, 2, 2, 0]);
    // The locked segment itself may still grow into free voxels.
    paint(labels, [0], 2, { locked });
    expect(labels[0]).toBe(2);
  });

  it('can restrict writing to some values (an eraser for the active segment only)', () => {
    const labels = new Uint16Array([1, 2, 1, 300]);
    paint(labels, [0, 1, 2, 3], 0, { onlyOver: new Set([1]) });
    expect([...labels]).toEqual([0, 2, 0, 300]);
  });

  it('undoes and redoes by its diff; merged strokes are one diff', () => {
    const labels = new Uint8Array(6);
    const a = paint(labels, [0, 1, 2], 1);
    const b = paint(labels, [2, 3], 2);
    const c = paint(labels, [3], 0);
    const merged = composeDiffs(composeDiffs(a, b), c);
    expect([...merged.indices]).toEqual([0, 1, 2]);
    expect([...merged.after]).toEqual([1, 1, 2]);
    applyDiff(labels, merged, 'backward');
    expect([...labels]).toEqual([0, 0, 0, 0, 0, 0]);
    applyDiff(labels, merged, 'forward');
    expect([...labels]).toEqual([1, 1, 2, 0, 0, 0]);
  });

  it('replaces a whole map and keeps counts in step', () => {
    const labels = new Uint8Array([0, 1, 1, 0]);
    const counts = countValues(labels);
    const diff = replaceDiff(labels, [2, 1, 0, 0]);
    applyDiff(labels, diff, 'forward');
    updateCounts(counts, diff, 'forward');
    expect(counts).toEqual(countValues(labels));
    applyDiff(labels, diff, 'backward');
    updateCounts(counts, diff, 'backward');
    expect(counts.get(1)).toBe(2);
    expect(counts.get(2)).toBe(0);
  });
});

describe('slice masks', () => {
  const size = [4, 3, 2] as const;
  it('maps slice pixels to voxels in the click engine convention', () => {
    // axis 2: x = i, y = j
    expect(slicePixelToIndex(size, { axis: 2, slice: 1 })(4 + 1)).toBe(1 + 4 * 1 + 12 * 1);
    // axis 1: x = i, y = k
    expect(slicePixelToIndex(size, { axis: 1, slice: 2 })(4 + 3)).toBe(3 + 4 * 2 + 12 * 1);
    // axis 0: x = j, y = k
    expect(slicePixelToIndex(size, { axis: 0, slice: 3 })(3 + 2)).toBe(3 + 4 * 2 + 12 * 1);
    expect(voxelToSlicePixel(size, 0, [3, 2, 1])).toEqual([2, 1]);
  });

  it('extracts a value mask and turns masks back into indices', () => {
    const labels = new Uint8Array(24);
    labels[1 + 4 * 2 + 12] = 5;
    const mask = sliceMask(labels, size, { axis: 2, slice: 1 }, 5);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(1);
    expect(mask[2 * 4 + 1]).toBe(1);
    expect([...maskIndices(mask, slicePixelToIndex(size, { axis: 2, slice: 1 }))]).toEqual([1 + 8 + 12]);
  });

  it('draws brush disks in millimetres on anisotropic pixels', () => {
    // 10 × 10 slice with 1 mm × 2 mm pixels: a 2 mm radius spans ±2 px in x and ±1 px in y.
    const pixels = diskPixels([10, 10, 1], [1, 2, 1], 2, 5, 5, 2);
    const xs = pixels.map((n) => n % 10);
    const ys = pixels.map((n) => Math.floor(n / 10));
    expect(Math.min(...xs)).toBe(3);
    expect(Math.max(...xs)).toBe(7);
    expect(Math.min(...ys)).toBe(4);
    expect(Math.max(...ys)).toBe(6);
    expect(diskPixels([10, 10, 1], [1, 1, 1], 2, 0, 0, 0.1)).toEqual([0]);
    const stroke = strokePixels([10, 10, 1], [1, 1, 1], 2, [0, 0], [9, 0], 0.5);
    expect(stroke.length).toBe(10);
  });

  it('counts every label value of uint8 and uint16 maps, and only values present', () => {
    expect(countValues(new Uint8Array([0, 255, 255, 7]))).toEqual(new Map([[0, 1], [7, 1], [255, 2]]));
    expect(countValues(new Uint16Array([65535, 300, 300, 0]))).toEqual(new Map([[0, 1], [300, 2], [65535, 1]]));
    expect(countValues(new Uint8Array(0))).toEqual(new Map());
  });
});
