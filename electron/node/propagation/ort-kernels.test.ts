import { describe, expect, it } from 'vitest';
import { ReadoutMemory } from '../../common/propagation/readout';
import { createOrtKernels } from './ort-kernels';

describe('propagation kernels on ONNX Runtime', () => {
  it('builds a graph that gives the same read-out as the TypeScript reference, fewer positions than k and windows included', async () => {
    const { readout: kernel, release } = await createOrtKernels(1);
    try {
      let s = 3;
      const rand = (): number => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5;
      for (const [ck, cv, P, frames, k, window] of [
        [64, 16, 36, 3, 20, undefined],
        [8, 5, 4, 2, 20, undefined],
        [16, 64, 30, 4, 7, undefined],
        [16, 8, 30, 4, 20, { tile: 2, radius: 1 }],
        [8, 4, 30, 2, 5, { tile: 4, radius: 2 }],
      ] as const) {
        // 30 positions as a 5 × 6 grid where a window is given.
        const memory = new ReadoutMemory({ keyDim: ck, valueDim: cv, positions: P }, window ? { grid: { height: 5, width: 6 }, window, capacity: 2 } : {});
        for (let t = 0; t < frames; t++)
          memory.add(
            Float32Array.from({ length: ck * P }, () => 3 * rand()),
            Float32Array.from({ length: cv * P }, rand),
          );
        memory.remove(frames - 2);
        const qk = Float32Array.from({ length: ck * P }, () => 3 * rand());
        const fast = (await memory.readWith(kernel, qk, k)).slice();
        const reference = memory.read(qk, k);
        expect(fast.length).toBe(reference.length);
        for (let i = 0; i < reference.length; i++) expect(fast[i]).toBeCloseTo(reference[i] ?? NaN, 4);
      }
    } finally {
      await release();
    }
  });

  it('hands back output buffers that a later run leaves alone (the engine keeps them uncopied)', async () => {
    const { readout: kernel, release } = await createOrtKernels(1);
    try {
      // One tile of 2 queries against 3 memory columns, key and value dims 2; the third column's norm
      // keeps it from tying with the first two.
      const memory = { keys: Float32Array.from([1, 0, 0, 1, 1, 1]), norms: Float32Array.from([0, 0, 1]), values: Float32Array.from([1, 2, 3, 4, 5, 6]), offsets: BigInt64Array.from([0n]), tiles: 1, queriesPerTile: 2, columns: 3 };
      const dims = { keyDim: 2, valueDim: 2, positions: 2 };
      const first = await kernel(Float32Array.from([5, 0, 0, 5]), memory, dims, 1);
      const kept = first.slice();
      const second = await kernel(Float32Array.from([0, 5, 5, 0]), memory, dims, 1);
      expect(second).not.toBe(first);
      expect(Array.from(kept)).toEqual([1, 2, 3, 4]); // each query's best column's value
      expect(Array.from(second)).toEqual([3, 4, 1, 2]);
      expect(Array.from(first)).toEqual(Array.from(kept));
    } finally {
      await release();
    }
  });
});
