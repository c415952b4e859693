import { describe, expect, it } from 'vitest';
import { checkSliceIndex, readSlice, sliceGeometry, sliceLayout, slicePixelToIndex, voxelToSlicePixel, writeSlice } from './slice';

describe('slices along an axis', () => {
  const size = [3, 4, 5] as const;
  const voxels = Uint16Array.from({ length: 60 }, (_, n) => n); // value = i + 3 j + 12 k

  it('reads and writes the plane of the two other axes, lower axis fastest', () => {
    const k = sliceLayout(size, 2);
    expect([k.width, k.height, k.count]).toEqual([3, 4, 5]);
    expect([...readSlice(voxels, k, 1, new Uint16Array(12))].slice(0, 4)).toEqual([12, 13, 14, 15]);
    const i = sliceLayout(size, 0);
    expect([i.width, i.height, i.count]).toEqual([4, 5, 3]);
    expect([...readSlice(voxels, i, 2, new Uint16Array(20))].slice(0, 5)).toEqual([2, 5, 8, 11, 14]);
    const j = sliceLayout(size, 1);
    const copy = voxels.slice();
    writeSlice(copy, j, 3, new Uint16Array(15).fill(999));
    expect(copy[0 + 3 * 3 + 12 * 4]).toBe(999);
    expect(() => readSlice(voxels, j, 4, new Uint16Array(15))).toThrow(/outside/);
  });

  it('copies typed rows in place and plain arrays pixel by pixel, with the same result and conversions', () => {
    const floats = Float32Array.from({ length: 60 }, (_, n) => n + 0.25);
    for (const axis of [0, 1, 2] as const) {
      const layout = sliceLayout(size, axis);
      for (let s = 0; s < layout.count; s++) {
        const typed = readSlice(floats, layout, s, new Uint8Array(layout.width * layout.height));
        const plain = readSlice([...floats], layout, s, new Uint8Array(layout.width * layout.height));
        expect([...typed]).toEqual([...plain]);
        const viaTyped = new Uint16Array(60);
        const viaPlain = new Uint16Array(60);
        writeSlice(viaTyped, layout, s, Float32Array.from(plain, (v) => v + 0.5));
        writeSlice(viaPlain, layout, s, Array.from(plain, (v) => v + 0.5));
        expect([...viaTyped]).toEqual([...viaPlain]);
      }
    }
  });

  it('maps slice pixels to voxel indices and back, for every axis', () => {
    for (const axis of [0, 1, 2] as const) {
      const layout = sliceLayout(size, axis);
      const slice = layout.count - 1;
      const indexOf = slicePixelToIndex(size, { axis, slice });
      const read = readSlice(voxels, layout, slice, new Uint16Array(layout.width * layout.height));
      for (let n = 0; n < read.length; n++) {
        const index = indexOf(n);
        expect(read[n]).toBe(index);
        const voxel = [index % 3, Math.floor(index / 3) % 4, Math.floor(index / 12)] as const;
        expect(voxel[axis]).toBe(slice);
        const [x, y] = voxelToSlicePixel(size, axis, voxel);
        expect(y * layout.width + x).toBe(n);
      }
    }
  });

  it('gives a slice its pixel spacing, and refuses slices the volume lacks', () => {
    expect(sliceGeometry(size, [0.5, 1, 3], 1)).toEqual({ width: 3, height: 5, xAxis: 0, yAxis: 2, pixelSpacing: [0.5, 3] });
    expect(() => checkSliceIndex(size, 2, 5)).toThrow(/has 5 slices along index axis k/);
    expect(() => readSlice(voxels, sliceLayout(size, 2), 0, new Uint16Array(5))).toThrow(/holds 12 values, not 5/);
  });
});
