import { describe, expect, it } from 'vitest';
import { propagationWrites } from './propagation-result';

describe('propagationWrites', () => {
  it('takes the output except where a locked segment is or would be, grouped by value', () => {
    const current = Uint8Array.from([0, 1, 2, 0, 2, 3]);
    const output = Uint8Array.from([1, 1, 1, 2, 0, 1]);
    // 2 is locked: voxels holding 2 keep it, and no voxel becomes 2.
    const writes = propagationWrites(current, output, new Set([2]));
    expect([...writes]).toEqual([[1, [0, 5]]]);
    expect(Array.from(current)).toEqual([0, 1, 2, 0, 2, 3]);
  });

  it('places a slice of output through indexOf, and clears where the output is background', () => {
    const current = Uint8Array.from([0, 0, 4, 4, 0, 0]);
    // Output for voxels 1, 3 and 5.
    const writes = propagationWrites(current, Uint8Array.from([4, 0, 4]), new Set(), (n) => 2 * n + 1);
    expect([...writes]).toEqual([
      [4, [1, 5]],
      [0, [3]],
    ]);
  });
});
