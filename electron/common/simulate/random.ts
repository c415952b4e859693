/**
 * Seeded pseudo-random numbers for the simulator: small, fast and bit-reproducible. The generator
 * is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, period ≥ 2³²),
 * seeded through splitmix32 so that nearby seeds give unrelated streams. Only integer arithmetic
 * is used, so a seed gives the same stream on every JavaScript engine.
 */

export interface Random {
  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Next uniform float in [0, 1). */
  next(): number;
}

/** One step of splitmix32: a good 32-bit mixing function of its input. */
export function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seed for an independent sub-stream: the same (seed, stream) pair always gives the same value,
 * and different streams of one seed do not overlap in practice.
 */
export function deriveSeed(seed: number, stream: number): number {
  return mix32(mix32(seed >>> 0) ^ Math.imul(stream + 1, 0x27d4eb2f));
}

/**
 * sfc32. The state lives in an Int32Array, so that a hot loop can copy it into locals, step the
 * generator inline and store it back (`nextUint32` shows the exact recurrence to repeat) without
 * boxing numbers.
 */
export class Sfc32 implements Random {
  /** a, b, c, d of sfc32. */
  readonly state = new Int32Array(4);

  constructor(seed: number) {
    // splitmix32 expands the seed into the state words; the counter d starts at 1.
    let s = seed >>> 0;
    for (let w = 0; w < 3; w++) {
      s = (s + 0x9e3779b9) >>> 0;
      this.state[w] = mix32(s);
    }
    this.state[3] = 1;
    // Discard the first outputs: sfc32 mixes its state in a few rounds.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const state = this.state;
    let a = state[0] ?? 0;
    let b = state[1] ?? 0;
    let c = state[2] ?? 0;
    let d = state[3] ?? 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    state[0] = a;
    state[1] = b;
    state[2] = c;
    state[3] = d;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Fills `out` with standard normal deviates from `NORMAL_TABLE`, one draw each. */
  fillNormal(out: Float32Array): void {
    const state = this.state;
    let a = state[0] ?? 0;
    let b = state[1] ?? 0;
    let c = state[2] ?? 0;
    let d = state[3] ?? 0;
    const table = NORMAL_TABLE;
    const mask = table.length - 1;
    for (let n = 0; n < out.length; n++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      out[n] = table[t & mask] ?? 0;
    }
    state[0] = a;
    state[1] = b;
    state[2] = c;
    state[3] = d;
  }
}

export function createRandom(seed: number): Sfc32 {
  return new Sfc32(seed);
}

/** Bits of randomness that index `NORMAL_TABLE`. */
export const NORMAL_TABLE_BITS = 12;

/**
 * 4096 standard normal deviates at evenly spaced quantiles, Φ⁻¹((i + ½) / 4096): a Gaussian draw
 * is one look-up with 12 random bits. The table is small enough to stay in the L1 cache (a
 * 65 536-entry table made the per-voxel noise memory-bound), its mean is exactly 0 and its
 * variance is rescaled to exactly 1; the tails stop at ±3.5σ, which image noise does not miss.
 */
export const NORMAL_TABLE: Float32Array = makeNormalTable(1 << NORMAL_TABLE_BITS);

function makeNormalTable(size: number): Float32Array {
  const table = new Float32Array(size);
  for (let i = 0; i < size; i++) table[i] = inverseNormalCdf((i + 0.5) / size);
  // Symmetric by construction, so the mean is 0; make the variance exactly 1.
  let sq = 0;
  for (const x of table) sq += x * x;
  const scale = 1 / Math.sqrt(sq / size);
  for (let i = 0; i < size; i++) table[i] = (table[i] ?? 0) * scale;
  return table;
}

/** Φ⁻¹(p) for 0 < p < 1 (Acklam's rational approximation, relative error < 1.2·10⁻⁹). */
export function inverseNormalCdf(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0] = a;
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0] = b;
  const [c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0] = c;
  const [d0 = 0, d1 = 0, d2 = 0, d3 = 0] = d;
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  if (p > 1 - low) return -inverseNormalCdf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}
