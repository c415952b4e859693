import { describe, expect, it } from 'vitest';
import { parsePropagateOptions } from './options';
import { readSlice, sliceAreas, sliceLayout, writeSlice } from './slices';

describe('slices along an axis', () => {
  const size = [3, 4, 5] as const;
  const voxels = Uint16Array.from({ length: 60 }, (_, n) => n);

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

  it('counts a label per slice along every axis', () => {
    const labels = new Uint8Array(60);
    labels[1 + 3 * (2 + 4 * 3)] = 1; // (1, 2, 3)
    expect([...sliceAreas(labels, sliceLayout(size, 2), 1)]).toEqual([0, 0, 0, 1, 0]);
    expect([...sliceAreas(labels, sliceLayout(size, 1), 1)]).toEqual([0, 0, 1, 0]);
    expect([...sliceAreas(labels, sliceLayout(size, 0), 1)]).toEqual([0, 1, 0]);
  });

  it('checks propagation options at entry with one sentence', () => {
    expect(parsePropagateOptions({ axis: 1, range: [2, 5] }).range).toEqual([2, 5]);
    expect(() => parsePropagateOptions({ axis: 3 })).toThrow(/Invalid propagation options \(axis\)/);
    expect(() => parsePropagateOptions({ axis: 0, range: [5, 2] })).toThrow(/first ≤ last/);
    expect(() => parsePropagateOptions({ axis: 0, extra: 1 })).toThrow(/Invalid propagation options/);
  });
});
