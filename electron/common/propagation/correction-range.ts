/**
 * Which slices a correction re-propagates (STCN's interactive loop): after the user corrects slice
 * k, only the slices between k and the nearest user-annotated slice on each side may change, so
 * the rest of the volume (and every other annotation) stays as it is. Pure; shared by the window's
 * propagation panel and the CLI's interactive evaluation.
 */
import { affectedRange } from './plan';

/** Inclusive slice range. */
export interface CorrectionRange {
  readonly first: number;
  readonly last: number;
}

/**
 * The slices that may change when `corrected` is re-propagated from: strictly between the nearest
 * user slices below and above it, or to the volume's end where there is none. The corrected slice
 * lies inside the range but is a seed, so a propagation never rewrites it.
 */
export function correctionRange(userSlices: readonly number[], corrected: number, sliceCount: number): { first: number; last: number } {
  if (!Number.isInteger(sliceCount) || sliceCount < 1) throw new Error(`a volume of ${sliceCount} slices cannot be propagated`);
  const [first, last] = affectedRange(userSlices, corrected, sliceCount);
  return { first, last };
}

/**
 * The smallest range that holds the correction ranges of every slice in `corrected` (several
 * corrections re-propagate together in one run), or undefined when nothing was corrected.
 */
export function correctionsRange(userSlices: readonly number[], corrected: readonly number[], sliceCount: number): CorrectionRange | undefined {
  let hull: CorrectionRange | undefined;
  for (const slice of corrected) {
    const range = correctionRange(userSlices, slice, sliceCount);
    hull = hull === undefined ? range : { first: Math.min(hull.first, range.first), last: Math.max(hull.last, range.last) };
  }
  return hull;
}
