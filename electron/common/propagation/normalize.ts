/**
 * Intensity normalisation for the propagation networks, as their manifest states it:
 * "percentile" clips the volume to its [low, high] percentiles, maps that window to 0–1, then
 * subtracts `mean` and divides by `std` (one number, or one per input channel).
 */

export interface PercentileNormalization {
  readonly kind: 'percentile';
  readonly low: number;
  readonly high: number;
  readonly mean: number | readonly number[];
  readonly std: number | readonly number[];
}

export interface IntensityWindow {
  readonly low: number;
  readonly high: number;
}

const BINS = 4096;

/** The [low, high] percentiles of the voxels (histogram with 4096 bins; exact enough for windows). */
export function percentileWindow(voxels: ArrayLike<number>, lowPercent: number, highPercent: number): IntensityWindow {
  if (!(lowPercent >= 0 && lowPercent < highPercent && highPercent <= 100)) throw new Error(`percentiles ${lowPercent}–${highPercent} are not 0 ≤ low < high ≤ 100`);
  let min = Infinity;
  let max = -Infinity;
  let count = 0;
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    count++;
  }
  if (count === 0 || min === max) return { low: count === 0 ? 0 : min, high: count === 0 ? 1 : min + 1 };
  const histogram = new Float64Array(BINS);
  const scale = (BINS - 1) / (max - min);
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i] as number;
    if (!Number.isFinite(v)) continue;
    const b = Math.floor((v - min) * scale);
    histogram[b] = (histogram[b] ?? 0) + 1;
  }
  const at = (percent: number): number => {
    const target = (percent / 100) * count;
    let cumulative = 0;
    for (let b = 0; b < BINS; b++) {
      cumulative += histogram[b] ?? 0;
      if (cumulative >= target) return min + (b + 0.5) / scale;
    }
    return max;
  };
  const low = at(lowPercent);
  const high = Math.max(at(highPercent), low + Number.EPSILON * Math.max(1, Math.abs(low)));
  return { low, high };
}

function channelValue(value: number | readonly number[], channel: number): number {
  return typeof value === 'number' ? value : (value[channel] ?? value[0] ?? 0);
}

/**
 * One slice (width × height) as a [channels, paddedHeight, paddedWidth] float tensor: windowed,
 * standardised per channel, gray replicated to every channel; padding (right and bottom) is the
 * value a zero-intensity pixel would get. `out`, when given, is overwritten whole.
 */
export function normalizeSlice(
  slice: ArrayLike<number>,
  width: number,
  height: number,
  window: IntensityWindow,
  norm: Pick<PercentileNormalization, 'mean' | 'std'>,
  channels: number,
  paddedWidth: number,
  paddedHeight: number,
  out: Float32Array = new Float32Array(channels * paddedWidth * paddedHeight),
): Float32Array {
  const plane = paddedWidth * paddedHeight;
  if (out.length !== channels * plane) throw new Error(`normalizeSlice: output has ${out.length} numbers, expected ${channels * plane}`);
  const span = window.high - window.low;
  // Per channel, (clamp01((v − low) / span) − mean) / std, written in one pass over the slice.
  const means = Array.from({ length: channels }, (_, c) => channelValue(norm.mean, c));
  const scales = Array.from({ length: channels }, (_, c) => 1 / (channelValue(norm.std, c) || 1));
  for (let c = 0; c < channels; c++) {
    const pad = -(means[c] as number) * (scales[c] as number);
    if (paddedWidth !== width || paddedHeight !== height) out.fill(pad, c * plane, (c + 1) * plane);
  }
  // The windowed 0–1 value goes to channel 0's plane first; each channel is then one tight loop
  // over it, channel 0 last since it is overwritten in place.
  const low = window.low;
  const inverseSpan = 1 / span;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const at = y * paddedWidth;
    for (let x = 0; x < width; x++) {
      const v = ((slice[row + x] as number) - low) * inverseSpan;
      out[at + x] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  for (let c = channels - 1; c >= 0; c--) {
    const mean = means[c] as number;
    const scale = scales[c] as number;
    const to = c * plane;
    for (let y = 0; y < height; y++) {
      const at = y * paddedWidth;
      for (let x = at; x < at + width; x++) out[to + x] = ((out[x] as number) - mean) * scale;
    }
  }
  return out;
}

/** Smallest multiple of `stride` ≥ n. */
export function padTo(n: number, stride: number): number {
  return Math.ceil(n / stride) * stride;
}
