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
    const { probabilities, release } = await createOrtKernels(1);
    try {
      const size = { width: 16, height: 16 };
      const first = await probabilities(new Float32Array(256).fill(-3), size, 16, 16);
      const second = await probabilities(new Float32Array(256).fill(3), size, 16, 16);
      expect(first).not.toBe(second);
      expect(first[0]).toBeCloseTo(1 / (1 + Math.exp(3)), 6);
      expect(first[255]).toBeCloseTo(1 / (1 + Math.exp(3)), 6);
    } finally {
      await release();
    }
  });

  it("turns padded logits into the slice's probabilities", async () => {
    const { probabilities, release } = await createOrtKernels(1);
    try {
      // 5 × 3 slice in a 16 × 16 padded map; padding holds huge logits that must not leak in.
      const size = { width: 16, height: 16 };
      const logits = new Float32Array(16 * 16).fill(50);
      for (let y = 0; y < 3; y++) for (let x = 0; x < 5; x++) logits[y * 16 + x] = x - 2 + y;
      const p = await probabilities(logits, size, 5, 3);
      expect(p.length).toBe(15);
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 5; x++) expect(p[y * 5 + x]).toBeCloseTo(1 / (1 + Math.exp(-(x - 2 + y))), 6);
    } finally {
      await release();
    }
  });
});
