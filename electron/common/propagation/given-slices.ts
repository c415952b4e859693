/**
 * The paper's Table 2 protocol: n given slices evenly spaced within the object's extent along the
 * axis. The extent [first, last] is cut into n equal bins and each bin's centre slice is given, so
 * one slice is the middle of the object and none sits on its thin ends. `slicesFromEnd` gives the
 * other common protocol (3D Slicer's "fill between slices"): the object's first and last slices
 * and the rest evenly between, so that nothing lies past the given slices.
 */
import type { SliceRange } from './plan';

export function objectExtent(areas: ArrayLike<number>): SliceRange | undefined {
  let first = -1;
  let last = -1;
  for (let s = 0; s < areas.length; s++) {
    if ((areas[s] ?? 0) > 0) {
      if (first < 0) first = s;
      last = s;
    }
  }
  return first < 0 ? undefined : [first, last];
}

export function evenlySpacedSlices(extent: SliceRange, n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`the number of given slices must be a positive integer, got ${n}`);
  const [first, last] = extent;
  const length = last - first + 1;
  const out = new Set<number>();
  for (let i = 0; i < n; i++) out.add(Math.min(last, first + Math.floor(((i + 0.5) * length) / n)));
  return [...out].sort((a, b) => a - b);
}

/** n slices evenly spread from the extent's first slice to its last, both included (n ≥ 2; 1: the middle). */
export function slicesFromEnd(extent: SliceRange, n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`the number of given slices must be a positive integer, got ${n}`);
  const [first, last] = extent;
  if (n === 1) return [Math.floor((first + last) / 2)];
  const out = new Set<number>();
  for (let i = 0; i < n; i++) out.add(first + Math.round((i * (last - first)) / (n - 1)));
  return [...out].sort((a, b) => a - b);
}
