/**
 * STCN memory read-out, the same formula as `readout()` in native-models/isegnet/propagation.py:
 *
 *   s[n, q] = (2·⟨mk_n, qk_q⟩ − |mk_n|²) / √Ck     (−|qk_q|² dropped: the same for every n)
 *   keep the top-k largest s[·, q] over all memory positions n (all of them when N < k),
 *   w = softmax over the kept entries (max subtracted),
 *   out[:, q] = Σ_kept w[n, q] · mv[:, n]
 *
 * Tensors are channel-major as the networks produce them: a key frame is Ck × P, a value frame
 * Cv × P (P = h·w positions at stride 16). The memory stores them position-major (P × Ck) so that
 * the affinity is a blocked dot-product loop, and the top-k is a partial selection that keeps k
 * candidates per query without sorting or storing the N scores.
 */

export interface ReadoutDims {
  /** Key channels Ck. */
  readonly keyDim: number;
  /** Value channels Cv. */
  readonly valueDim: number;
  /** Positions per frame (h·w at stride 16). */
  readonly positions: number;
}

export const DEFAULT_TOP_K = 20;

/** The memory as one accelerated read-out takes it, frames concatenated along N = T·P. */
export interface MemoryTensors {
  /** Ck × N, channel-major. */
  readonly keys: Float32Array;
  /** |k_n|² / √Ck per memory position. */
  readonly norms: Float32Array;
  /** N × Cv, position-major. */
  readonly values: Float32Array;
  readonly total: number;
}

/**
 * An accelerated read-out (ONNX Runtime in electron/node/propagation/ort-kernels.ts): the query
 * comes position-major (P × Ck) and pre-scaled by 2/√Ck, so that scores = query·keys − norms is
 * the formula above; it returns P × Cv. `k` is already at most N. `read` stays the reference.
 */
export type ReadoutKernel = (query: Float32Array, memory: MemoryTensors, dims: ReadoutDims, k: number) => Promise<Float32Array>;

interface MemoryFrame {
  /** P × Ck, position-major. */
  readonly keys: Float32Array;
  /** |k_n|² per position. */
  readonly norms: Float32Array;
  /** P × Cv, position-major. */
  readonly values: Float32Array;
  /** The key as given, Ck × P. */
  readonly channelMajor: Float32Array;
}

function checkLength(what: string, array: Float32Array, expected: number): void {
  if (array.length !== expected) throw new Error(`readout: ${what} has ${array.length} numbers, expected ${expected}`);
}

/** Channel-major C × P → position-major P × C. */
function transpose(source: Float32Array, channels: number, positions: number): Float32Array {
  const out = new Float32Array(channels * positions);
  for (let c = 0; c < channels; c++) {
    const row = c * positions;
    for (let p = 0; p < positions; p++) out[p * channels + c] = source[row + p] as number;
  }
  return out;
}

/** Top-k of a stream of scores: k slots, the weakest one tracked so most candidates cost one compare. */
class TopK {
  readonly values: Float64Array;
  readonly indices: Int32Array;
  count = 0;
  private minSlot = 0;
  min = -Infinity;

  constructor(readonly k: number) {
    this.values = new Float64Array(k);
    this.indices = new Int32Array(k);
  }

  reset(): void {
    this.count = 0;
    this.min = -Infinity;
    this.minSlot = 0;
  }

  /** Call only when the heap is not full, or when score > min. */
  push(score: number, index: number): void {
    const values = this.values;
    if (this.count < this.k) {
      values[this.count] = score;
      this.indices[this.count] = index;
      this.count++;
      if (this.count === this.k) this.findMin();
      return;
    }
    values[this.minSlot] = score;
    this.indices[this.minSlot] = index;
    this.findMin();
  }

  get full(): boolean {
    return this.count === this.k;
  }

  private findMin(): void {
    const values = this.values;
    let slot = 0;
    let min = values[0] as number;
    for (let i = 1; i < this.k; i++) {
      const v = values[i] as number;
      if (v < min) {
        min = v;
        slot = i;
      }
    }
    this.min = min;
    this.minSlot = slot;
  }
}

/**
 * A memory bank of key/value frames for one object. Frames are added as the networks return them
 * (channel-major) and removed by insertion order; `read` is the STCN read-out for one query frame.
 */
export class ReadoutMemory {
  private readonly frames: MemoryFrame[] = [];
  /** The frames concatenated for a kernel, built when first asked for after a change. */
  private concatenated: MemoryTensors | undefined;

  constructor(readonly dims: ReadoutDims) {
    for (const [name, v] of Object.entries(dims)) {
      if (!Number.isInteger(v) || (v as number) < 1) throw new Error(`readout: ${name} must be a positive integer, got ${String(v)}`);
    }
  }

  get frameCount(): number {
    return this.frames.length;
  }

  /** Adds one frame: key Ck × P and value Cv × P, channel-major. */
  add(key: Float32Array, value: Float32Array): void {
    const { keyDim, valueDim, positions } = this.dims;
    checkLength('key frame', key, keyDim * positions);
    checkLength('value frame', value, valueDim * positions);
    const keys = transpose(key, keyDim, positions);
    const norms = new Float32Array(positions);
    for (let p = 0; p < positions; p++) {
      let s = 0;
      const base = p * keyDim;
      for (let c = 0; c < keyDim; c++) {
        const v = keys[base + c] as number;
        s += v * v;
      }
      norms[p] = s;
    }
    this.frames.push({ keys, norms, values: transpose(value, valueDim, positions), channelMajor: key.slice() });
    this.concatenated = undefined;
  }

  /** Removes the frame at `index` in insertion order (0 = oldest). */
  remove(index: number): void {
    if (index < 0 || index >= this.frames.length) throw new Error(`readout: no memory frame ${index}`);
    this.frames.splice(index, 1);
    this.concatenated = undefined;
  }

  clear(): void {
    this.frames.length = 0;
    this.concatenated = undefined;
  }

  /** All frames concatenated along N, as a `ReadoutKernel` takes them. */
  tensors(): MemoryTensors {
    if (this.concatenated) return this.concatenated;
    const { keyDim: ck, valueDim: cv, positions: P } = this.dims;
    const total = this.frames.length * P;
    const keys = new Float32Array(ck * total);
    const norms = new Float32Array(total);
    const values = new Float32Array(total * cv);
    const scale = 1 / Math.sqrt(ck);
    this.frames.forEach((frame, t) => {
      for (let c = 0; c < ck; c++) keys.set(frame.channelMajor.subarray(c * P, (c + 1) * P), c * total + t * P);
      for (let p = 0; p < P; p++) norms[t * P + p] = (frame.norms[p] as number) * scale;
      values.set(frame.values, t * P * cv);
    });
    this.concatenated = { keys, norms, values, total };
    return this.concatenated;
  }

  /** The same read-out computed by `kernel` (e.g. ONNX Runtime); Cv × P, channel-major. */
  async readWith(kernel: ReadoutKernel, queryKey: Float32Array, topK: number = DEFAULT_TOP_K): Promise<Float32Array> {
    const { keyDim: ck, valueDim: cv, positions: P } = this.dims;
    checkLength('query key', queryKey, ck * P);
    if (this.frames.length === 0) throw new Error('readout: the memory is empty');
    if (!Number.isInteger(topK) || topK < 1) throw new Error(`readout: top-k must be a positive integer, got ${topK}`);
    const memory = this.tensors();
    const query = transpose(queryKey, ck, P);
    const scale = 2 / Math.sqrt(ck);
    for (let i = 0; i < query.length; i++) query[i] = (query[i] as number) * scale;
    const positionMajor = await kernel(query, memory, this.dims, Math.min(topK, memory.total));
    checkLength('kernel read-out', positionMajor, P * cv);
    return transpose(positionMajor, P, cv);
  }

  /** Read-out for one query key frame (Ck × P, channel-major) → Cv × P, channel-major. */
  read(queryKey: Float32Array, topK: number = DEFAULT_TOP_K, out?: Float32Array): Float32Array {
    const { keyDim: ck, valueDim: cv, positions: P } = this.dims;
    checkLength('query key', queryKey, ck * P);
    if (this.frames.length === 0) throw new Error('readout: the memory is empty');
    if (!Number.isInteger(topK) || topK < 1) throw new Error(`readout: top-k must be a positive integer, got ${topK}`);
    const result = out ?? new Float32Array(cv * P);
    checkLength('output', result, cv * P);
    const total = this.frames.length * P;
    const k = Math.min(topK, total);
    const query = transpose(queryKey, ck, P);
    // Scores are kept as 2·q·k − |k|²; the 1/√Ck scale is applied in the softmax.
    const scale = 1 / Math.sqrt(ck);
    const selectors = [new TopK(k), new TopK(k), new TopK(k), new TopK(k)];
    const acc = new Float64Array(cv);
    const weights = new Float64Array(k);

    for (let q0 = 0; q0 < P; q0 += 4) {
      const rows = Math.min(4, P - q0);
      for (const s of selectors) s.reset();
      this.scoreBlock(query, q0, rows, selectors);
      for (let r = 0; r < rows; r++) {
        const sel = selectors[r] as TopK;
        this.gather(sel, scale, weights, acc);
        const q = q0 + r;
        for (let c = 0; c < cv; c++) result[c * P + q] = acc[c] as number;
      }
    }
    return result;
  }

  /**
   * Scores for query rows q0..q0+rows−1 against every memory position, fed to the selectors:
   * 4 queries × 4 memory positions per inner loop, so each load feeds four multiply-adds.
   */
  private scoreBlock(query: Float32Array, q0: number, rows: number, selectors: TopK[]): void {
    const ck = this.dims.keyDim;
    const P = this.dims.positions;
    const s0 = selectors[0] as TopK;
    const s1 = selectors[1] as TopK;
    const s2 = selectors[2] as TopK;
    const s3 = selectors[3] as TopK;
    // Rows beyond `rows` repeat the last real row; their selectors are ignored.
    const last = q0 + rows - 1;
    const b0 = q0 * ck;
    const b1 = Math.min(q0 + 1, last) * ck;
    const b2 = Math.min(q0 + 2, last) * ck;
    const b3 = Math.min(q0 + 3, last) * ck;
    const scores = new Float64Array(16);
    for (let f = 0; f < this.frames.length; f++) {
      const frame = this.frames[f] as MemoryFrame;
      const keys = frame.keys;
      const norms = frame.norms;
      const offset = f * P;
      for (let n = 0; n < P; n += 4) {
        const cols = Math.min(4, P - n);
        const lastN = n + cols - 1;
        const k0 = n * ck;
        const k1 = Math.min(n + 1, lastN) * ck;
        const k2 = Math.min(n + 2, lastN) * ck;
        const k3 = Math.min(n + 3, lastN) * ck;
        let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0; // prettier-ignore
        let a20 = 0, a21 = 0, a22 = 0, a23 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0; // prettier-ignore
        for (let c = 0; c < ck; c++) {
          const x0 = query[b0 + c] as number;
          const x1 = query[b1 + c] as number;
          const x2 = query[b2 + c] as number;
          const x3 = query[b3 + c] as number;
          const y0 = keys[k0 + c] as number;
          const y1 = keys[k1 + c] as number;
          const y2 = keys[k2 + c] as number;
          const y3 = keys[k3 + c] as number;
          a00 += x0 * y0;
          a01 += x0 * y1;
          a02 += x0 * y2;
          a03 += x0 * y3;
          a10 += x1 * y0;
          a11 += x1 * y1;
          a12 += x1 * y2;
          a13 += x1 * y3;
          a20 += x2 * y0;
          a21 += x2 * y1;
          a22 += x2 * y2;
          a23 += x2 * y3;
          a30 += x3 * y0;
          a31 += x3 * y1;
          a32 += x3 * y2;
          a33 += x3 * y3;
        }
        scores[0] = a00; scores[1] = a01; scores[2] = a02; scores[3] = a03; // prettier-ignore
        scores[4] = a10; scores[5] = a11; scores[6] = a12; scores[7] = a13; // prettier-ignore
        scores[8] = a20; scores[9] = a21; scores[10] = a22; scores[11] = a23; // prettier-ignore
        scores[12] = a30; scores[13] = a31; scores[14] = a32; scores[15] = a33; // prettier-ignore
        for (let j = 0; j < cols; j++) {
          const norm = norms[n + j] as number;
          const index = offset + n + j;
          const v0 = 2 * (scores[j] as number) - norm;
          if (!s0.full || v0 > s0.min) s0.push(v0, index);
          const v1 = 2 * (scores[4 + j] as number) - norm;
          if (!s1.full || v1 > s1.min) s1.push(v1, index);
          const v2 = 2 * (scores[8 + j] as number) - norm;
          if (!s2.full || v2 > s2.min) s2.push(v2, index);
          const v3 = 2 * (scores[12 + j] as number) - norm;
          if (!s3.full || v3 > s3.min) s3.push(v3, index);
        }
      }
    }
  }

  /** Softmax over the selected scores and the weighted sum of their values, into `acc`. */
  private gather(sel: TopK, scale: number, weights: Float64Array, acc: Float64Array): void {
    const cv = this.dims.valueDim;
    const P = this.dims.positions;
    let max = -Infinity;
    for (let i = 0; i < sel.count; i++) max = Math.max(max, sel.values[i] as number);
    let sum = 0;
    for (let i = 0; i < sel.count; i++) {
      const w = Math.exp(((sel.values[i] as number) - max) * scale);
      weights[i] = w;
      sum += w;
    }
    acc.fill(0);
    for (let i = 0; i < sel.count; i++) {
      const index = sel.indices[i] as number;
      const frame = this.frames[Math.floor(index / P)] as MemoryFrame;
      const base = (index % P) * cv;
      const w = (weights[i] as number) / sum;
      const values = frame.values;
      for (let c = 0; c < cv; c++) acc[c] = (acc[c] as number) + w * (values[base + c] as number);
    }
  }
}

/**
 * Functional form over channel-major tensors, as in the Python reference: qk Ck × P, mk Ck × N,
 * mv Cv × N with N = T·P (frames concatenated along N).
 */
export function readout(
  queryKey: Float32Array,
  memoryKeys: Float32Array,
  memoryValues: Float32Array,
  dims: ReadoutDims,
  topK: number = DEFAULT_TOP_K,
): Float32Array {
  const { keyDim: ck, valueDim: cv, positions: P } = dims;
  const total = memoryKeys.length / ck;
  if (!Number.isInteger(total) || total % P !== 0 || total === 0) throw new Error('readout: memory keys are not Ck × (T·P)');
  checkLength('memory values', memoryValues, cv * total);
  const memory = new ReadoutMemory(dims);
  const frames = total / P;
  for (let t = 0; t < frames; t++) {
    const key = new Float32Array(ck * P);
    const value = new Float32Array(cv * P);
    for (let c = 0; c < ck; c++) key.set(memoryKeys.subarray(c * total + t * P, c * total + (t + 1) * P), c * P);
    for (let c = 0; c < cv; c++) value.set(memoryValues.subarray(c * total + t * P, c * total + (t + 1) * P), c * P);
    memory.add(key, value);
  }
  return memory.read(queryKey, topK);
}
