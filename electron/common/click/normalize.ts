/**
 * Intensity normalisation as in training (native-models/isegdata/sources.py): the 0.5th and 99.5th
 * percentiles map to 0 and 1 with clipping (robust to outliers, unlike the paper's
 * 255·(x−min)/max), then the gray value is replicated to three channels and standardised with the
 * manifest's per-channel mean and std.
 */

/**
 * The p-th percentile (0–100) of `sorted` (ascending), interpolating linearly between order
 * statistics exactly as numpy.percentile's default does: rank = p/100·(n−1).
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (rank - lo);
}

/** Default cap on the values used for percentiles; larger inputs are sampled with a fixed stride. */
export const PERCENTILE_SAMPLE_LIMIT = 1 << 22;

/** Rearranges a[lo..hi] so that a[k] is the value a full sort would put there (Hoare quickselect). */
function selectKth(a: Float64Array, k: number, lo = 0, hi = a.length - 1): void {
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // Median of three as the pivot keeps sorted or constant runs linear.
    const x = a[lo] ?? 0;
    const y = a[mid] ?? 0;
    const z = a[hi] ?? 0;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] ?? 0) < pivot) i++;
      while ((a[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const t = a[i] ?? 0;
        a[i] = a[j] ?? 0;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** The p-th percentile of `values` (unsorted; reordered in place), as numpy.percentile. */
function percentileInPlace(values: Float64Array, p: number): number {
  const n = values.length;
  if (n === 0) return 0;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const k = Math.floor(rank);
  selectKth(values, k);
  const a = values[k] ?? 0;
  if (k + 1 >= n || rank === k) return a;
  // The next order statistic is the smallest value to the right of k.
  let b = Infinity;
  for (let m = k + 1; m < n; m++) {
    const v = values[m] ?? Infinity;
    if (v < b) b = v;
  }
  return a + (b - a) * (rank - k);
}

/**
 * [low, high] percentiles of the finite values, in linear time (quickselect). Up to `limit` values
 * are used; above that, an evenly strided subset (deterministic), which moves the result by far
 * less than one gray level on real images.
 */
export function robustRange(
  values: ArrayLike<number>,
  lowPercent: number,
  highPercent: number,
  limit = PERCENTILE_SAMPLE_LIMIT,
): [number, number] {
  const stride = Math.max(1, Math.ceil(values.length / limit));
  const picked = new Float64Array(Math.ceil(values.length / stride));
  let count = 0;
  for (let n = 0; n < values.length; n += stride) {
    const v = values[n] ?? Number.NaN;
    if (Number.isFinite(v)) picked[count++] = v;
  }
  const finite = picked.subarray(0, count);
  return [percentileInPlace(finite, lowPercent), percentileInPlace(finite, highPercent)];
}

/** Maps [low, high] to [0, 1] and clips; a flat range maps everything to 0. */
export function unitScale(value: number, low: number, high: number): number {
  const span = Math.max(high - low, 1e-6);
  const v = (value - low) / span;
  return v < 0 || !(v === v) ? 0 : v > 1 ? 1 : v;
}

/** Writes `unit` (values in [0, 1], length H·W) as a 3×H×W standardised gray image into `out`. */
export function toThreeChannels(
  unit: Float32Array,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
  out: Float32Array = new Float32Array(unit.length * 3),
): Float32Array {
  const plane = unit.length;
  for (let c = 0; c < 3; c++) {
    const m = mean[c] ?? 0;
    const s = std[c] ?? 1;
    const channel = out.subarray(c * plane, (c + 1) * plane);
    // Typed-array reads within bounds: no `??` in the loop, which runs 3 × H × W times a click.
    for (let n = 0; n < plane; n++) channel[n] = ((unit[n] as number) - m) / s;
  }
  return out;
}
