import { describe, expect, it } from 'vitest';
import { parsePropagateOptions } from './options';
import { sliceLayout } from '../slice';
import { sliceAreas } from './slices';

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
});
