import { describe, expect, it } from 'vitest';
import { ReadoutMemory } from '../../common/propagation/readout';
import { createOrtReadout } from './ort-readout';

describe('read-out on ONNX Runtime', () => {
  it('builds a graph that gives the same read-out as the TypeScript reference, fewer positions than k included', async () => {
    const { kernel, release } = await createOrtReadout(1);
    try {
      let s = 3;
      const rand = (): number => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5;
      for (const [ck, cv, P, frames, k] of [
        [64, 16, 36, 3, 20],
        [8, 5, 4, 2, 20],
        [16, 64, 30, 4, 7],
      ] as const) {
        const memory = new ReadoutMemory({ keyDim: ck, valueDim: cv, positions: P });
        for (let t = 0; t < frames; t++)
          memory.add(
            Float32Array.from({ length: ck * P }, () => 3 * rand()),
            Float32Array.from({ length: cv * P }, rand),
          );
        memory.remove(frames - 2);
        const qk = Float32Array.from({ length: ck * P }, () => 3 * rand());
        const fast = await memory.readWith(kernel, qk, k);
        const reference = memory.read(qk, k);
        expect(fast.length).toBe(reference.length);
        for (let i = 0; i < reference.length; i++) expect(fast[i]).toBeCloseTo(reference[i] ?? NaN, 4);
      }
    } finally {
      await release();
    }
  });
});
