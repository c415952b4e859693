import { describe, expect, it } from 'vitest';
import { ReadoutMemory, readout, type ReadoutKernel } from './readout';

/** The formula written out as plainly as possible: full affinity, full sort, softmax. */
function naiveReadout(qk: Float32Array, mk: Float32Array, mv: Float32Array, ck: number, cv: number, P: number, topK: number): Float32Array {
  const N = mk.length / ck;
  const out = new Float32Array(cv * P);
  for (let q = 0; q < P; q++) {
    const scores: { s: number; n: number }[] = [];
    for (let n = 0; n < N; n++) {
      let dot = 0;
      let norm = 0;
      for (let c = 0; c < ck; c++) {
        const k = mk[c * N + n] ?? 0;
        dot += k * (qk[c * P + q] ?? 0);
        norm += k * k;
      }
      scores.push({ s: (2 * dot - norm) / Math.sqrt(ck), n });
    }
    scores.sort((a, b) => b.s - a.s);
    const kept = scores.slice(0, Math.min(topK, N));
    const max = kept[0]?.s ?? 0;
    const exps = kept.map((e) => Math.exp(e.s - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    for (let c = 0; c < cv; c++) {
      let v = 0;
      kept.forEach((e, i) => (v += ((exps[i] ?? 0) / sum) * (mv[c * N + e.n] ?? 0)));
      out[c * P + q] = v;
    }
  }
  return out;
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

describe('memory read-out', () => {
  it('matches a hand-computed example (Ck = Cv = 1, top-2 of 3)', () => {
    // q = 1.2, keys 0, 1, 2: s = 2qk − k² = 0, 1.4, 0.8 → top-2 keeps n = 1, 2;
    // w = softmax(1.4, 0.8) = (0.645656, 0.354344) → 20·0.645656 + 30·0.354344 = 23.54344.
    const out = readout(Float32Array.of(1.2), Float32Array.of(0, 1, 2), Float32Array.of(10, 20, 30), { keyDim: 1, valueDim: 1, positions: 1 }, 2);
    expect(out[0]).toBeCloseTo(23.54344, 4);
  });

  it('scales the affinity by 1/√Ck (hand-computed, Ck = 4)', () => {
    // q = (1,1,1,1); k0 = 0 → s = 0; k1 = (1,1,1,1) → s = (2·4 − 4)/2 = 2.
    // w = softmax(0, 2) = (0.119203, 0.880797); values (0, 10) and (1, −1) per channel.
    const qk = Float32Array.of(1, 1, 1, 1);
    const mk = Float32Array.of(0, 1, 0, 1, 0, 1, 0, 1); // Ck × N, N = 2
    const mv = Float32Array.of(0, 10, 1, -1); // Cv × N
    const out = readout(qk, mk, mv, { keyDim: 4, valueDim: 2, positions: 1 }, 20);
    expect(out[0]).toBeCloseTo(8.80797, 4);
    expect(out[1]).toBeCloseTo(0.119203 - 0.880797, 4);
  });

  it('agrees with the naive formula on random tensors, across frames and ragged query blocks', () => {
    const rand = random(7);
    for (const [ck, cv, P, T, k] of [
      [8, 5, 7, 3, 20],
      [16, 12, 30, 2, 5],
      [4, 3, 5, 1, 50],
      [64, 32, 37, 4, 20],
    ] as const) {
      const N = T * P;
      const qk = Float32Array.from({ length: ck * P }, () => 2 * rand());
      const mk = Float32Array.from({ length: ck * N }, () => 2 * rand());
      const mv = Float32Array.from({ length: cv * N }, rand);
      const fast = readout(qk, mk, mv, { keyDim: ck, valueDim: cv, positions: P }, k);
      const slow = naiveReadout(qk, mk, mv, ck, cv, P, k);
      for (let i = 0; i < fast.length; i++) expect(fast[i]).toBeCloseTo(slow[i] ?? NaN, 5);
    }
  });

  it('gives the same read-out through a kernel that follows the MemoryTensors contract', async () => {
    const rand = random(11);
    const [ck, cv, P] = [16, 6, 21];
    const memory = new ReadoutMemory({ keyDim: ck, valueDim: cv, positions: P });
    for (let t = 0; t < 3; t++) memory.add(Float32Array.from({ length: ck * P }, rand), Float32Array.from({ length: cv * P }, rand));
    memory.remove(1);
    const qk = Float32Array.from({ length: ck * P }, rand);
    // The contract spelled out naively: scores = query·keys − norms, top-k, softmax, weighted values.
    const kernel: ReadoutKernel = (query, m, dims, k) => {
      const out = new Float32Array(dims.positions * dims.valueDim);
      for (let q = 0; q < dims.positions; q++) {
        const scores = Array.from({ length: m.total }, (_, n) => {
          let s = 0;
          for (let c = 0; c < dims.keyDim; c++) s += (query[q * dims.keyDim + c] ?? 0) * (m.keys[c * m.total + n] ?? 0);
          return { n, s: s - (m.norms[n] ?? 0) };
        });
        const top = scores.sort((a, b) => b.s - a.s).slice(0, k);
        const weights = top.map((t) => Math.exp(t.s - (top[0]?.s ?? 0)));
        const sum = weights.reduce((a, b) => a + b, 0);
        top.forEach((t, i) => {
          for (let c = 0; c < dims.valueDim; c++) out[q * dims.valueDim + c] = (out[q * dims.valueDim + c] ?? 0) + ((weights[i] ?? 0) / sum) * (m.values[t.n * dims.valueDim + c] ?? 0);
        });
      }
      return Promise.resolve(out);
    };
    const viaKernel = await memory.readWith(kernel, qk, 20);
    const direct = memory.read(qk, 20);
    for (let i = 0; i < direct.length; i++) expect(viaKernel[i]).toBeCloseTo(direct[i] ?? NaN, 5);
  });

  it('removes frames by insertion order and rejects wrong shapes', () => {
    const memory = new ReadoutMemory({ keyDim: 1, valueDim: 1, positions: 1 });
    memory.add(Float32Array.of(1), Float32Array.of(5));
    memory.add(Float32Array.of(1), Float32Array.of(7));
    memory.remove(0);
    expect(memory.frameCount).toBe(1);
    expect(memory.read(Float32Array.of(1))[0]).toBeCloseTo(7);
    expect(() => memory.add(Float32Array.of(1, 2), Float32Array.of(1))).toThrow(/key frame/);
    expect(() => new ReadoutMemory({ keyDim: 0, valueDim: 1, positions: 1 })).toThrow(/keyDim/);
    memory.clear();
    expect(() => memory.read(Float32Array.of(1))).toThrow(/empty/);
  });
});
