import { describe, expect, it } from 'vitest';
import { mergePropagationResult } from './propagation-result';

describe('mergePropagationResult', () => {
  it('takes the result except where a locked segment is or would be', () => {
    const current = Uint8Array.from([0, 1, 2, 0, 2, 3]);
    const result = Uint8Array.from([1, 1, 1, 2, 0, 1]);
    // 2 is locked: voxels holding 2 keep it, and no voxel becomes 2.
    expect(Array.from(mergePropagationResult(current, result, new Set([2])))).toEqual([1, 1, 2, 0, 2, 1]);
    expect(Array.from(current)).toEqual([0, 1, 2, 0, 2, 3]);
  });

  it('refuses a result of another size', () => {
    expect(() => mergePropagationResult(new Uint8Array(4), new Uint8Array(5), new Set())).toThrow(/5 voxels/);
  });
});
