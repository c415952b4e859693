/**
 * The decoder's last step done here instead of in ONNX Runtime: its quarter-resolution logits
 * upsampled (ONNX Resize, mode linear, half_pixel coordinates, an integer factor) and turned into
 * probabilities, cropped to the slice in the same pass.
 *
 * Why: ONNX Runtime runs that Resize on its blocked (NCHWc) layout, which pads the one logit
 * channel to a block of 8–16, then reorders the result back and applies the Sigmoid as a separate
 * pass: about 2.3 ms of a 384² decode, against about 0.5 ms here (propagation README, "Throughput").
 */

/** Where each output row (or column) reads its two input rows and the weight of the second. */
interface Taps {
  readonly first: Int32Array;
  readonly second: Int32Array;
  readonly weight: Float32Array;
  /** Where each run of outputs reading the same two inputs starts, and the end of the last (length + 1 entries). */
  readonly runStarts: Int32Array;
}

/** ONNX half_pixel: x_in = (x_out + 0.5) / factor − 0.5, clamped to the input; linear between the two neighbours. */
function taps(outputs: number, inputs: number, factor: number): Taps {
  const first = new Int32Array(outputs);
  const second = new Int32Array(outputs);
  const weight = new Float32Array(outputs);
  const starts: number[] = [];
  for (let o = 0; o < outputs; o++) {
    const x = Math.min(Math.max((o + 0.5) / factor - 0.5, 0), inputs - 1);
    const a = Math.floor(x);
    first[o] = a;
    second[o] = Math.min(a + 1, inputs - 1);
    weight[o] = x - a;
    if (o === 0 || first[o - 1] !== a) starts.push(o);
  }
  starts.push(outputs);
  return { first, second, weight, runStarts: Int32Array.from(starts) };
}

const tapCache = new Map<string, Taps>();
function cachedTaps(outputs: number, inputs: number, factor: number): Taps {
  const key = `${outputs}:${inputs}:${factor}`;
  let found = tapCache.get(key);
  if (!found) {
    if (tapCache.size > 64) tapCache.clear();
    found = taps(outputs, inputs, factor);
    tapCache.set(key, found);
  }
  return found;
}

/**
 * Sigmoid by table: logits clamped to ±16 (σ(16) = 1 − 1.1e−7), 64 steps per unit, linear between
 * steps (error below 3e−6). Monotone and exact at 0, so `p ≥ 0.5` agrees with `logit ≥ 0` but for
 * rounding within 3e−6 of the threshold.
 */
const SIGMOID_RANGE = 16;
const SIGMOID_STEPS = 64;
const SIGMOID_TABLE = Float32Array.from({ length: 2 * SIGMOID_RANGE * SIGMOID_STEPS + 2 }, (_, i) => {
  const x = Math.min(i / SIGMOID_STEPS - SIGMOID_RANGE, SIGMOID_RANGE);
  return 1 / (1 + Math.exp(-x));
});
const SIGMOID_LAST = 2 * SIGMOID_RANGE * SIGMOID_STEPS;
const SIGMOID_FLOOR = SIGMOID_TABLE[0] as number;
const SIGMOID_CEILING = SIGMOID_TABLE[SIGMOID_LAST] as number;

export function tableSigmoid(logit: number): number {
  let t = (logit + SIGMOID_RANGE) * SIGMOID_STEPS;
  if (!(t > 0)) t = 0; // NaN lands here too: probability σ(−16) ≈ 0, never a spurious object
  else if (t > SIGMOID_LAST) t = SIGMOID_LAST;
  const i = t | 0;
  const low = SIGMOID_TABLE[i] as number;
  return low + ((SIGMOID_TABLE[i + 1] as number) - low) * (t - i);
}

export interface LowResolutionLogits {
  /** One channel, lowHeight × lowWidth, row-major. */
  readonly logits: Float32Array;
  readonly lowWidth: number;
  readonly lowHeight: number;
  /** The integer factor of the Resize that was cut off. */
  readonly factor: number;
}

/**
 * The logits upsampled to the padded grid (lowWidth·factor × lowHeight·factor) and cropped to its
 * top-left width × height, as logits or, with `probability`, through the sigmoid. Returns a new
 * array of width × height.
 */
function upsampleCropped(low: LowResolutionLogits, width: number, height: number, probability: boolean): Float32Array {
  const { logits, lowWidth, lowHeight, factor } = low;
  if (logits.length !== lowWidth * lowHeight) throw new Error(`Expected ${lowWidth} × ${lowHeight} logits, got ${logits.length}.`);
  if (width > lowWidth * factor || height > lowHeight * factor) throw new Error(`A ${width} × ${height} slice does not fit ${lowWidth} × ${lowHeight} logits upsampled ${factor}×.`);
  const rows = cachedTaps(height, lowHeight, factor);
  const columns = cachedTaps(width, lowWidth, factor);
  const { first: c0, second: c1, weight: cw, runStarts } = columns;
  const out = new Float32Array(width * height);
  const blended = new Float32Array(lowWidth);
  for (let y = 0; y < height; y++) {
    // The output row's two input rows blended first (lowWidth values), then across.
    const a = (rows.first[y] as number) * lowWidth;
    const b = (rows.second[y] as number) * lowWidth;
    const wy = rows.weight[y] as number;
    for (let x = 0; x < lowWidth; x++) {
      const top = logits[a + x] as number;
      blended[x] = top + ((logits[b + x] as number) - top) * wy;
    }
    const at = y * width;
    if (!probability) {
      for (let x = 0; x < width; x++) {
        const left = blended[c0[x] as number] as number;
        out[at + x] = left + ((blended[c1[x] as number] as number) - left) * (cw[x] as number);
      }
      continue;
    }
    // Runs of outputs between the same two inputs: where both are past the table's ends (most of a
    // slice: far background), every output of the run is the table's end value, filled in one go
    // with its saturated neighbours.
    let pending = 0; // 0: nothing pending, −1: floor, 1: ceiling
    let pendingFrom = 0;
    for (let r = 0; r + 1 < runStarts.length; r++) {
      const from = runStarts[r] as number;
      const to = runStarts[r + 1] as number;
      const left = blended[c0[from] as number] as number;
      const right = blended[c1[from] as number] as number;
      const saturated = left <= -SIGMOID_RANGE && right <= -SIGMOID_RANGE ? -1 : left >= SIGMOID_RANGE && right >= SIGMOID_RANGE ? 1 : 0;
      if (saturated !== pending) {
        if (pending !== 0) out.fill(pending < 0 ? SIGMOID_FLOOR : SIGMOID_CEILING, at + pendingFrom, at + from);
        pending = saturated;
        pendingFrom = from;
      }
      if (saturated === 0) for (let x = from; x < to; x++) out[at + x] = tableSigmoid(left + (right - left) * (cw[x] as number));
    }
    if (pending !== 0) out.fill(pending < 0 ? SIGMOID_FLOOR : SIGMOID_CEILING, at + pendingFrom, at + width);
  }
  return out;
}

/** Probabilities of the slice's width × height from the decoder's low-resolution logits. */
export function upsampledProbabilities(low: LowResolutionLogits, width: number, height: number): Float32Array {
  return upsampleCropped(low, width, height, true);
}

/** The full-resolution logits of the padded grid (what the cut-off Resize gave). */
export function upsampledLogits(low: LowResolutionLogits): Float32Array {
  return upsampleCropped(low, low.lowWidth * low.factor, low.lowHeight * low.factor, false);
}
