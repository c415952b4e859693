/**
 * How far memory may extend an object past the outermost given slice when interpolation ran
 * between the given slices (auto-propagator.ts): towards its end an object shrinks, so the
 * extension stops at the first slice whose area is empty or grows by more than `growth` over the
 * slice before it (the given end slice for the first one). Memory that keeps a constant or growing
 * area past the end was the overshoot seen on brain structures (issue 18).
 */

/** How many of `outwardAreas` (areas going away from the given end, nearest first) to keep. */
export function keptWhileShrinking(endArea: number, outwardAreas: readonly number[], growth: number): number {
  if (!(growth >= 0)) throw new Error(`the allowed growth must be a number ≥ 0, got ${growth}`);
  let previous = endArea;
  for (let i = 0; i < outwardAreas.length; i++) {
    const area = outwardAreas[i] as number;
    if (area <= 0 || area > previous * (1 + growth)) return i;
    previous = area;
  }
  return outwardAreas.length;
}
