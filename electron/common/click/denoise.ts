/**
 * A click model's input smoothing (manifest `denoise`, issue 18). The app resamples a slice to the
 * model's input: a small, noisy slice (the embedded 128-pixel sample) is upsampled and its noise
 * grains become blobs a few input pixels wide, which the model took for structure (IoU .04 after
 * the first click on the femur, .73 once smoothed). So when a slice's estimated noise exceeds
 * `noiseAbove` (on the slice normalised to [0, 1]), it is smoothed with a Gaussian of
 * sigma = min(maxSigma, sigmaPerNoise × (noise − noiseAbove)) slice pixels before the request path.
 * The rule is chosen per model on held-out training-source slices with acquisition noise added
 * (native-models/sweep_denoise.py, which mirrors this file: Immerkaer's estimate, a Gaussian
 * truncated at 3 sigma with mirrored edges).
 */
import { z } from 'zod';
import { unitScale } from './normalize';

export const denoiseSchema = z.strictObject({
  noiseAbove: z.number().min(0).max(1),
  sigmaPerNoise: z.number().min(0).max(1e4),
  maxSigma: z.number().min(0).max(8),
});
export type DenoiseRule = z.infer<typeof denoiseSchema>;

/**
 * Noise standard deviation of a 2D image (row-major, `width` × `height`) from the response to the
 * difference of two Laplacians, which cancels smooth structure (Immerkaer 1996, "Fast noise
 * variance estimation"): sigma = sqrt(pi/2) / (6 (W−2)(H−2)) · Σ |I * N|.
 */
export function estimateNoise(image: ArrayLike<number>, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const c = row + x;
      const v =
        (image[c - width - 1] ?? 0) - 2 * (image[c - width] ?? 0) + (image[c - width + 1] ?? 0)
        - 2 * (image[c - 1] ?? 0) + 4 * (image[c] ?? 0) - 2 * (image[c + 1] ?? 0)
        + (image[c + width - 1] ?? 0) - 2 * (image[c + width] ?? 0) + (image[c + width + 1] ?? 0);
      sum += Math.abs(v);
    }
  }
  return (Math.sqrt(Math.PI / 2) * sum) / (6 * (width - 2) * (height - 2));
}

/** The rule's sigma (slice pixels) for an estimated noise level; 0 means no smoothing. */
export function smoothingSigma(rule: DenoiseRule, noise: number): number {
  return Math.min(rule.maxSigma, Math.max(0, rule.sigmaPerNoise * (noise - rule.noiseAbove)));
}

/** Index reflected into [0, n) as scipy's mode "mirror" does: d c b | a b c d | c b a. */
function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/** Separable Gaussian smoothing (truncated at 3 sigma, mirrored edges) into a new array. */
export function gaussianSmooth(image: ArrayLike<number>, width: number, height: number, sigma: number): Float32Array {
  const out = Float32Array.from(image);
  if (!(sigma > 0)) return out;
  const radius = Math.max(1, Math.round(3 * sigma));
  const kernel = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let k = -radius; k <= radius; k++) {
    const w = Math.exp((-0.5 * k * k) / (sigma * sigma));
    kernel[k + radius] = w;
    total += w;
  }
  for (let k = 0; k < kernel.length; k++) kernel[k] = (kernel[k] ?? 0) / total;
  // Mirrored source index for every padded position, per axis: the loops below do no modulo.
  const mirrored = (n: number): Int32Array => Int32Array.from({ length: n + 2 * radius }, (_, i) => mirror(i - radius, n));
  const mirX = mirrored(width);
  const mirY = mirrored(height);
  const taps = kernel.length;
  const temp = new Float32Array(out.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = 0; k < taps; k++) acc += (kernel[k] as number) * (out[row + (mirX[x + k] as number)] as number);
      temp[row + x] = acc;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = 0; k < taps; k++) acc += (kernel[k] as number) * (temp[(mirY[y + k] as number) * width + x] as number);
      out[y * width + x] = acc;
    }
  }
  return out;
}

/** The slice normalised to [0, 1] with `range` (clipped), smoothed if the rule asks, and the sigma used. */
export function denoisedUnitSlice(
  slice: ArrayLike<number>,
  width: number,
  height: number,
  range: readonly [number, number],
  rule: DenoiseRule,
): { readonly unit: Float32Array; readonly sigma: number } {
  const [low, high] = range;
  const unit = new Float32Array(width * height);
  for (let n = 0; n < unit.length; n++) unit[n] = unitScale(slice[n] ?? 0, low, high); // as cropResize's 'unit'
  const sigma = smoothingSigma(rule, estimateNoise(unit, width, height));
  return { unit: sigma > 0 ? gaussianSmooth(unit, width, height, sigma) : unit, sigma };
}
