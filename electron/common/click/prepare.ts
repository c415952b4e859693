/**
 * Pre- and post-processing around a click model's forward pass, pure so that the worker, the CLI
 * and the tests run the same code:
 *   slice + clicks + previous mask → (zoom-in crop) → image [3, H, W] and click maps [3, H, W]
 *   model output [H, W] → sigmoid → back onto the slice through the same crop.
 */
import { denoisedUnitSlice, type DenoiseRule } from './denoise';
import { diskMaps } from './disks';
import type { ModelManifest } from './manifest';
import { robustRange, toThreeChannels } from './normalize';
import { cropResize, pasteBack, sliceToGrid } from './resample';
import { defaultZoomIn, zoomInRoi, type Roi, type ZoomInOptions } from './roi';
import { DEFAULT_CLICK_RADIUS, type Click, type PredictOptions } from './types';
import { checkSliceInput } from './validate';

/** What the pre/post-processing needs to know about a click model. */
export interface ClickModelSpec {
  /** Model input [height, width]. */
  readonly inputSize: readonly [number, number];
  readonly percentiles: readonly [number, number];
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly radius: number;
  readonly threshold: number;
  readonly withPreviousMask: boolean;
  readonly zoomIn: ZoomInOptions;
  /** Input smoothing of noisy slices (denoise.ts); absent: the slice as it is. */
  readonly denoise?: DenoiseRule;
}

export function specFromManifest(manifest: ModelManifest, zoomIn?: Partial<ZoomInOptions>): ClickModelSpec {
  const n = manifest.normalization;
  const threshold = manifest.threshold;
  return {
    inputSize: manifest.inputSize,
    percentiles: [n.low, n.high],
    mean: n.mean,
    std: n.std,
    radius: manifest.clickEncoding?.radius ?? DEFAULT_CLICK_RADIUS,
    threshold,
    withPreviousMask: manifest.clickEncoding?.channels.includes('previousMask') ?? true,
    // RITM's defaults, then what the model was tuned with, then the caller's override.
    zoomIn: { ...defaultZoomIn(manifest.inputSize, threshold), ...manifest.zoomIn, ...zoomIn },
    ...(manifest.denoise ? { denoise: manifest.denoise } : {}),
  };
}

export interface PreparedInput {
  /** [3, H, W] standardised gray image. */
  readonly image: Float32Array;
  /** [3, H, W]: positive disks, negative disks, previous mask (probability). */
  readonly clicks: Float32Array;
  readonly roi: Roi;
  readonly intensityRange: readonly [number, number];
  /** The smoothing applied to the slice (slice pixels; 0: none). */
  readonly smoothingSigma: number;
}

/**
 * The denoised [0, 1] slice per slice array and range: the worker keeps a slice's array across the
 * clicks on it, so its noise is estimated and smoothed once, not on every click.
 */
const denoisedSlices = new WeakMap<Float32Array, { low: number; high: number; rule: DenoiseRule; unit: Float32Array; sigma: number }>();

function denoised(slice: Float32Array, width: number, height: number, range: readonly [number, number], rule: DenoiseRule): { unit: Float32Array; sigma: number } {
  const hit = denoisedSlices.get(slice);
  if (hit && hit.low === range[0] && hit.high === range[1] && hit.rule === rule) return hit;
  const { unit, sigma } = denoisedUnitSlice(slice, width, height, range, rule);
  denoisedSlices.set(slice, { low: range[0], high: range[1], rule, unit, sigma });
  return { unit, sigma };
}

/**
 * Arrays of 3 × H × W values that prepareClickInput may write the model's inputs into instead of
 * allocating them: a worker answering clicks back to back reuses two, where new ones (1.2 MB a
 * click at 224²) kept its garbage collector busy (issue #19).
 */
export interface InputBuffers {
  readonly image: Float32Array;
  readonly clicks: Float32Array;
}

export function prepareClickInput(
  spec: ClickModelSpec,
  slice: Float32Array,
  width: number,
  height: number,
  clicks: readonly Click[],
  previousMask?: Uint8Array | Float32Array,
  options: PredictOptions = {},
  buffers?: InputBuffers,
): PreparedInput {
  checkSliceInput(slice, width, height, clicks, previousMask);
  const [gridH, gridW] = spec.inputSize;
  const plane = gridW * gridH;
  if (buffers !== undefined && (buffers.image.length !== 3 * plane || buffers.clicks.length !== 3 * plane)) {
    throw new Error(`The input buffers must hold 3 × ${gridW} × ${gridH} values each.`);
  }
  const spacing = options.pixelSpacing ?? [1, 1];
  const roi = zoomInRoi(previousMask, width, height, clicks, spec.zoomIn, spacing, options.box);
  const range = options.intensityRange ?? robustRange(slice, spec.percentiles[0], spec.percentiles[1]);
  const [low, high] = range;

  const smoothed = spec.denoise ? denoised(slice, width, height, range, spec.denoise) : undefined;
  const unit = smoothed && smoothed.sigma > 0
    ? cropResize(smoothed.unit, width, height, roi, gridW, gridH, { kind: 'unit', low: 0, high: 1 })
    : cropResize(slice, width, height, roi, gridW, gridH, { kind: 'unit', low, high });
  const image = toThreeChannels(unit, spec.mean, spec.std, buffers?.image);

  const clickMaps = buffers?.clicks ?? new Float32Array(3 * plane);
  const gridClicks = clicks.map((c) => {
    const { u, v } = sliceToGrid(Math.round(c.x), Math.round(c.y), roi, gridW, gridH);
    return { x: u, y: v, positive: c.positive };
  });
  // A new array is all zeros already; a reused one is cleared here (the disks) and below (the mask plane).
  diskMaps(gridClicks, gridW, gridH, spec.radius, clickMaps, buffers !== undefined);
  if (previousMask && spec.withPreviousMask) {
    const binary = previousMask instanceof Uint8Array;
    cropResize(previousMask, width, height, roi, gridW, gridH, { kind: binary ? 'binary' : 'identity' }, clickMaps.subarray(2 * plane));
  } else if (buffers !== undefined) {
    clickMaps.fill(0, 2 * plane);
  }
  return { image, clicks: clickMaps, roi, intensityRange: [low, high], smoothingSigma: smoothed?.sigma ?? 0 };
}

export function sigmoidInPlace(values: Float32Array): Float32Array {
  return sigmoidInto(values, values);
}

/** `out[n] = sigmoid(values[n])` in one pass (a copy and then a pass in place read the array twice). */
function sigmoidInto(values: Float32Array, out: Float32Array): Float32Array {
  const n = values.length;
  for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-(values[i] as number)));
  return out;
}

/** Model output ([H, W] logits or probabilities) → probabilities on the slice. */
export function restoreProbabilities(
  spec: ClickModelSpec,
  output: Float32Array,
  logits: boolean,
  roi: Roi,
  width: number,
  height: number,
): Float32Array {
  const [gridH, gridW] = spec.inputSize;
  if (output.length !== gridW * gridH) {
    throw new Error(`The model returned ${output.length} values; ${gridW}×${gridH} were expected.`);
  }
  const probabilities = logits ? sigmoidInto(output, new Float32Array(output.length)) : output;
  return pasteBack(probabilities, gridW, gridH, roi, width, height, 0);
}

/** Binary mask (1 where probability > threshold). */
export function threshold(probabilities: Float32Array, value: number): Uint8Array {
  const mask = new Uint8Array(probabilities.length);
  for (let n = 0; n < probabilities.length; n++) mask[n] = (probabilities[n] ?? 0) > value ? 1 : 0;
  return mask;
}
