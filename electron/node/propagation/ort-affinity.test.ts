import { describe, expect, it } from 'vitest';
import { ReadoutMemory } from '../../common/propagation/readout';
import { createOrtDotProducts } from './ort-affinity';

describe('read-out dot products on ONNX Runtime', () => {
  it('builds a MatMul graph that gives the same read-out as the TypeScript loop', async () => {
    const { dots, release } = await createOrtDotProducts(1);
    let s = 3;
    const rand = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) - 0.5;
    const [ck, cv, P] = [64, 16, 36];
    const memory = new ReadoutMemory({ keyDim: ck, valueDim: cv, positions: P });
    for (let t = 0; t < 3; t++) memory.add(Float32Array.from({ length: ck * P }, rand), Float32Array.from({ length: cv * P }, rand));
    const qk = Float32Array.from({ length: ck * P }, rand);
    const fast = await memory.readWith(dots, qk);
    const reference = memory.read(qk);
    for (let i = 0; i < reference.length; i++) expect(fast[i]).toBeCloseTo(reference[i] ?? NaN, 4);
    await release();
  });
});
