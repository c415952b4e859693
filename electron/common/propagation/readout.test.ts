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
    for (const options of [{}, { grid: { height: 3, width: 7 }, window: { tile: 2, radius: 1 } }, { grid: { height: 3, width: 7 }, window: { tile: 2, radius: 0, pool: 2 } }]) {
      const memory = new ReadoutMemory({ keyDim: ck, valueDim: cv, positions: P }, { ...options, capacity: 2 });
      for (let t = 0; t < 3; t++) memory.add(Float32Array.from({ length: ck * P }, rand), Float32Array.from({ length: cv * P }, rand));
      memory.remove(1);
      const qk = Float32Array.from({ length: ck * P }, rand);
      // The contract spelled out naively, per tile: scores = query·keys − norms, top-k, softmax, weighted values.
      const kernel: ReadoutKernel = (query, m, dims, k) => {
        const out = new Float32Array(m.tiles * m.queriesPerTile * dims.valueDim);
        for (let t = 0; t < m.tiles; t++) {
          for (let q = 0; q < m.queriesPerTile; q++) {
            const row = t * m.queriesPerTile + q;
            const scores = Array.from({ length: m.columns }, (_, n) => {
              let s = 0;
              for (let c = 0; c < dims.keyDim; c++) s += (query[row * dims.keyDim + c] ?? 0) * (m.keys[(t * m.columns + n) * dims.keyDim + c] ?? 0);
              return { n, s: s - (m.norms[t * m.columns + n] ?? 0) };
            });
            const top = scores.sort((a, b) => b.s - a.s).slice(0, k);
            const weights = top.map((e) => Math.exp(e.s - (top[0]?.s ?? 0)));
            const sum = weights.reduce((a, b) => a + b, 0);
            top.forEach((e, i) => {
              const at = Number(m.offsets[t]) + e.n;
              for (let c = 0; c < dims.valueDim; c++) out[row * dims.valueDim + c] = (out[row * dims.valueDim + c] ?? 0) + ((weights[i] ?? 0) / sum) * (m.values[at * dims.valueDim + c] ?? 0);
            });
          }
        }
        return Promise.resolve(out);
      };
      const viaKernel = await memory.readWith(kernel, qk, 20);
      const direct = memory.read(qk, 20);
      for (let i = 0; i < direct.length; i++) expect(viaKernel[i]).toBeCloseTo(direct[i] ?? NaN, 5);
    }
  });

  it('with a window, reads each query against the memory positions near its tile only', () => {
    const rand = random(13);
    const [ck, cv, h, w, T, k] = [8, 3, 7, 9, 3, 6];
    const P = h * w;
    const window = { tile: 2, radius: 1 };
    const memory = new ReadoutMemory({ keyDim: ck, valueDim: cv, positions: P }, { grid: { height: h, width: w }, window, capacity: 1 });
    const mk = new Float32Array(ck * T * P);
    const mv = new Float32Array(cv * T * P);
    for (let t = 0; t < T; t++) {
      const key = Float32Array.from({ length: ck * P }, () => 2 * rand());
      const value = Float32Array.from({ length: cv * P }, rand);
      memory.add(key, value); // grows past its capacity of 1
      for (let c = 0; c < ck; c++) mk.set(key.subarray(c * P, (c + 1) * P), c * T * P + t * P);
      for (let c = 0; c < cv; c++) mv.set(value.subarray(c * P, (c + 1) * P), c * T * P + t * P);
    }
    const qk = Float32Array.from({ length: ck * P }, () => 2 * rand());
    const windowed = memory.read(qk, k);
    // Every query's window, from the rule: its tile of 2 × 2 cells (the last one shifted inside the
    // grid) widened by 1 cell each way and shifted inside the grid; compare with the naive formula
    // over just those positions.
    const tileStart = (i: number, size: number): number => Math.min(Math.floor(i / 2) * 2, size - 2);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const y0 = Math.max(0, Math.min(tileStart(y, h) - 1, h - 4));
        const x0 = Math.max(0, Math.min(tileStart(x, w) - 1, w - 4));
        const seen: number[] = [];
        for (let t = 0; t < T; t++) for (let yy = y0; yy < y0 + 4; yy++) for (let xx = x0; xx < x0 + 4; xx++) seen.push(t * P + yy * w + xx);
        const subKeys = new Float32Array(ck * seen.length);
        const subValues = new Float32Array(cv * seen.length);
        seen.forEach((n, j) => {
          for (let c = 0; c < ck; c++) subKeys[c * seen.length + j] = mk[c * T * P + n] ?? NaN;
          for (let c = 0; c < cv; c++) subValues[c * seen.length + j] = mv[c * T * P + n] ?? NaN;
        });
        const query = Float32Array.from({ length: ck }, (_, c) => qk[c * P + y * w + x] ?? NaN);
        const expected = naiveReadout(query, subKeys, subValues, ck, cv, 1, k);
        for (let c = 0; c < cv; c++) expect(windowed[c * P + y * w + x], `(${x}, ${y}) channel ${c}`).toBeCloseTo(expected[c] ?? NaN, 5);
      }
    }
    // A window as large as the grid is the full read-out.
    const whole = new ReadoutMemory({ keyDim: ck, valueDim: cv, positions: P }, { grid: { height: h, width: w }, window: { tile: 3, radius: 9 } });
    for (let t = 0; t < T; t++) {
      const key = new Float32Array(ck * P);
      const value = new Float32Array(cv * P);
      for (let c = 0; c < ck; c++) key.set(mk.subarray(c * T * P + t * P, c * T * P + (t + 1) * P), c * P);
      for (let c = 0; c < cv; c++) value.set(mv.subarray(c * T * P + t * P, c * T * P + (t + 1) * P), c * P);
      whole.add(key, value);
    }
    const full = naiveReadout(qk, mk, mv, ck, cv, P, k);
    const read = whole.read(qk, k);
    for (let i = 0; i < full.length; i++) expect(read[i]).toBeCloseTo(full[i] ?? NaN, 5);
    expect(() => new ReadoutMemory({ keyDim: 1, valueDim: 1, positions: 6 }, { grid: { height: 2, width: 2 } })).toThrow(/grid/);
    expect(() => new ReadoutMemory({ keyDim: 1, valueDim: 1, positions: 4 }, { grid: { height: 2, width: 2 }, window: { tile: 0, radius: 1 } })).toThrow(/window/);
  });

  it('with pooled blocks, a windowed query also sees every frame as the means of f × f blocks', () => {
    const rand = random(17);
    const [ck, cv, h, w, T, k, f] = [6, 2, 5, 7, 2, 5, 2];
    const P = h * w;
    const memory = new ReadoutMemory({ keyDim: ck, valueDim: cv, positions: P }, { grid: { height: h, width: w }, window: { tile: 2, radius: 0, pool: f } });
    const frames: { key: Float32Array; value: Float32Array }[] = [];
    for (let t = 0; t < T; t++) {
      const frame = { key: Float32Array.from({ length: ck * P }, () => 2 * rand()), value: Float32Array.from({ length: cv * P }, rand) };
      frames.push(frame);
      memory.add(frame.key, frame.value);
    }
    // 3 × 4 blocks per frame (the last row and column hold fewer cells), plus a 2 × 2 window.
    expect(memory.visiblePositions).toBe(T * (4 + 12));
    const qk = Float32Array.from({ length: ck * P }, () => 2 * rand());
    const read = memory.read(qk, k);
    // A cell in two tiles (the last tile of an odd row is shifted back over its neighbour) reads as the later one.
    const tileStart = (i: number, size: number): number => (i >= size - 2 ? size - 2 : Math.floor(i / 2) * 2);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const keys: number[][] = [];
        const values: number[][] = [];
        for (const { key, value } of frames) {
          const cell = (array: Float32Array, channels: number, p: number): number[] => Array.from({ length: channels }, (_, c) => array[c * P + p] ?? NaN);
          for (let yy = tileStart(y, h); yy < tileStart(y, h) + 2; yy++) {
            for (let xx = tileStart(x, w); xx < tileStart(x, w) + 2; xx++) {
              keys.push(cell(key, ck, yy * w + xx));
              values.push(cell(value, cv, yy * w + xx));
            }
          }
          for (let by = 0; by < h; by += f) {
            for (let bx = 0; bx < w; bx += f) {
              const cells: number[] = [];
              for (let yy = by; yy < Math.min(by + f, h); yy++) for (let xx = bx; xx < Math.min(bx + f, w); xx++) cells.push(yy * w + xx);
              const mean = (array: Float32Array, channels: number): number[] =>
                Array.from({ length: channels }, (_, c) => cells.reduce((sum, p) => sum + (array[c * P + p] ?? NaN), 0) / cells.length);
              keys.push(mean(key, ck));
              values.push(mean(value, cv));
            }
          }
        }
        const N = keys.length;
        const subKeys = new Float32Array(ck * N);
        const subValues = new Float32Array(cv * N);
        keys.forEach((vector, n) => vector.forEach((v, c) => (subKeys[c * N + n] = v)));
        values.forEach((vector, n) => vector.forEach((v, c) => (subValues[c * N + n] = v)));
        const query = Float32Array.from({ length: ck }, (_, c) => qk[c * P + y * w + x] ?? NaN);
        const expected = naiveReadout(query, subKeys, subValues, ck, cv, 1, k);
        for (let c = 0; c < cv; c++) expect(read[c * P + y * w + x], `(${x}, ${y}) channel ${c}`).toBeCloseTo(expected[c] ?? NaN, 5);
      }
    }
    expect(() => new ReadoutMemory({ keyDim: 1, valueDim: 1, positions: 4 }, { grid: { height: 2, width: 2 }, window: { tile: 1, radius: 0, pool: 1 } })).toThrow(/pooled/);
    // Tile 0: no local window, only the block means (a reduced key grid).
    const blocksOnly = new ReadoutMemory({ keyDim: ck, valueDim: cv, positions: P }, { grid: { height: h, width: w }, window: { tile: 0, radius: 0, pool: f } });
    for (const { key, value } of frames) blocksOnly.add(key, value);
    expect(blocksOnly.visiblePositions).toBe(T * 12);
    const pooledKeys = new Float32Array(ck * T * 12);
    const pooledValues = new Float32Array(cv * T * 12);
    frames.forEach(({ key, value }, t) => {
      let n = t * 12;
      for (let by = 0; by < h; by += f) {
        for (let bx = 0; bx < w; bx += f, n++) {
          const cells: number[] = [];
          for (let yy = by; yy < Math.min(by + f, h); yy++) for (let xx = bx; xx < Math.min(bx + f, w); xx++) cells.push(yy * w + xx);
          for (let c = 0; c < ck; c++) pooledKeys[c * T * 12 + n] = cells.reduce((sum, p) => sum + (key[c * P + p] ?? NaN), 0) / cells.length;
          for (let c = 0; c < cv; c++) pooledValues[c * T * 12 + n] = cells.reduce((sum, p) => sum + (value[c * P + p] ?? NaN), 0) / cells.length;
        }
      }
    });
    const coarse = blocksOnly.read(qk, k);
    const expectedCoarse = naiveReadout(qk, pooledKeys, pooledValues, ck, cv, P, k);
    for (let i = 0; i < coarse.length; i++) expect(coarse[i]).toBeCloseTo(expectedCoarse[i] ?? NaN, 5);
    expect(() => new ReadoutMemory({ keyDim: 1, valueDim: 1, positions: 4 }, { grid: { height: 2, width: 2 }, window: { tile: 0, radius: 0 } })).toThrow(/pool/);
  });

  it('after removals and additions reads exactly the frames it holds', () => {
    const rand = random(21);
    const [ck, cv, P, k] = [6, 4, 10, 7];
    const frames = Array.from({ length: 5 }, () => ({ key: Float32Array.from({ length: ck * P }, () => 2 * rand()), value: Float32Array.from({ length: cv * P }, rand) }));
    const memory = new ReadoutMemory({ keyDim: ck, valueDim: cv, positions: P }, { capacity: 4 });
    for (const f of frames.slice(0, 4)) memory.add(f.key, f.value);
    memory.remove(1); // frames 0, 2, 3
    memory.remove(0); // frames 2, 3
    memory.add((frames[4] as (typeof frames)[number]).key, (frames[4] as (typeof frames)[number]).value); // frames 2, 3, 4
    const held = [2, 3, 4].map((i) => frames[i] as (typeof frames)[number]);
    const N = held.length * P;
    const mk = new Float32Array(ck * N);
    const mv = new Float32Array(cv * N);
    held.forEach((f, t) => {
      for (let c = 0; c < ck; c++) mk.set(f.key.subarray(c * P, (c + 1) * P), c * N + t * P);
      for (let c = 0; c < cv; c++) mv.set(f.value.subarray(c * P, (c + 1) * P), c * N + t * P);
    });
    const qk = Float32Array.from({ length: ck * P }, () => 2 * rand());
    const expected = naiveReadout(qk, mk, mv, ck, cv, P, k);
    const read = memory.read(qk, k);
    for (let i = 0; i < expected.length; i++) expect(read[i]).toBeCloseTo(expected[i] ?? NaN, 5);
    expect(memory.frameCount).toBe(3);
    expect(memory.tensors().columns).toBe(3 * P);
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

describe('the read-out fixture shared with the training code', () => {
  it('is what the read-out computes today (native-models tests their read-out against the same file)', async () => {
    const { readFileSync } = await import('node:fs');
    const { readoutFixture, READOUT_FIXTURE } = await import('./readout-fixture');
    const committed: unknown = JSON.parse(readFileSync(READOUT_FIXTURE, 'utf8'));
    const fresh = readoutFixture();
    expect(fresh.cases.filter((c) => c.window !== null).length).toBeGreaterThanOrEqual(3);
    expect(committed).toEqual(JSON.parse(JSON.stringify(fresh)));
  });
});

describe('pooled blocks with a cap per side', () => {
  it('keeps the coarse part a fixed size on large grids, so the read-out grows with the area', async () => {
    const { readoutTiling, pooledBlockEdge } = await import('./readout');
    const window = { tile: 8, radius: 4, pool: 4, poolSide: 8 };
    // Up to 32 cells a side (512² slices at stride 16) the blocks are the pool's 4 cells, as without a cap.
    expect([16, 24, 32].map((n) => pooledBlockEdge(n, n, window))).toEqual([4, 4, 4]);
    expect([48, 64, 65].map((n) => pooledBlockEdge(n, n, window))).toEqual([6, 8, 9]);
    expect([24, 32, 48, 64].map((n) => readoutTiling({ height: n, width: n }, window).pooledPositions)).toEqual([36, 64, 64, 64]);
    expect(readoutTiling({ height: 64, width: 64 }, { tile: 8, radius: 4, pool: 4 }).pooledPositions).toBe(256);
    // The window is fixed too: a query sees 16 × 16 cells + 64 blocks per frame at any size past 32 cells.
    expect(readoutTiling({ height: 64, width: 64 }, window).slotWidth).toBe(16 * 16 + 64);
  });
});
