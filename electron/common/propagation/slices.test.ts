import { describe, expect, it } from 'vitest';
import { parsePropagateOptions } from './options';
import { sliceLayout } from '../slice';
import { areasOfSlices, sliceAreas } from './slices';

describe('slices along an axis', () => {
  const size = [3, 4, 5] as const;

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

  it('counts a label on the listed slices only, as sliceAreas does on every slice', () => {
    const size = [5, 4, 6] as const;
    const voxels = Uint8Array.from({ length: 120 }, (_, n) => (n * 7) % 3);
    for (const axis of [0, 1, 2] as const) {
      const layout = sliceLayout(size, axis);
      const all = sliceAreas(voxels, layout, 1);
      const some = areasOfSlices(voxels, layout, 1, [0, layout.count - 1, 99]);
      expect(some[0]).toBe(all[0]);
      expect(some[layout.count - 1]).toBe(all[layout.count - 1]);
      expect([...some.slice(1, layout.count - 1)].every((a) => a === 0)).toBe(true);
    }
  });
});

