/**
 * The slices a re-propagation after a correction may change (STCN's loop): from the corrected
 * slice outwards to the nearest user-annotated slice on each side, or to the volume's end where
 * there is none. The corrected slice is a seed, inside the range; the user slices bounding it are not.
 */
import { affectedRange } from './plan';

export function correctionRange(userSlices: readonly number[], corrected: number, sliceCount: number): { first: number; last: number } {
  const [first, last] = affectedRange(userSlices, corrected, sliceCount);
  return { first, last };
}
