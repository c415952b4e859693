/**
 * Which slices propagate where, for one segment along one axis (pure; the engines follow it).
 *
 * - Between two annotated slices a < b that both hold the object, the slices a+1 … b−1 are
 *   propagated forward from a and backward from b, and the two results are fused, weighted by
 *   distance: w_a = (b − s)/(b − a), w_b = (s − a)/(b − a).
 * - Where only one end holds the object (the other was annotated empty), or beyond the first and
 *   last annotated slices, one run goes outwards and stops at the object's end.
 * - A re-propagation after a correction recomputes only the affected range: the slices between the
 *   annotated neighbours of the corrected slice.
 */

export interface AnnotatedSlice {
  readonly slice: number;
  /** Object voxels on it (0: annotated as not containing the object). */
  readonly area: number;
}

export interface PropagationRun {
  /** Annotated slice the run starts from (its seed enters the memory). */
  readonly origin: number;
  readonly direction: 1 | -1;
  /** Last slice the run may reach (inclusive), on the `direction` side of `origin`. */
  readonly end: number;
  /** Stop once the object fades out (outer runs); inner runs with both ends annotated never stop. */
  readonly stopAtObjectEnd: boolean;
  /** Seed area, the reference for the stop rule. */
  readonly seedArea: number;
}

export interface FusedGap {
  /** The annotated slices on either side; slices a+1 … b−1 are fused. */
  readonly a: number;
  readonly b: number;
}

export interface SegmentPlan {
  readonly runs: readonly PropagationRun[];
  readonly fused: readonly FusedGap[];
  /** Slices this plan writes (everything in range that is not annotated), ascending. */
  readonly written: readonly number[];
}

/** Inclusive slice range [first, last]. */
export type SliceRange = readonly [number, number];

function checkAnnotated(annotated: readonly AnnotatedSlice[], count: number): AnnotatedSlice[] {
  const sorted = [...annotated].sort((x, y) => x.slice - y.slice);
  sorted.forEach((a, n) => {
    if (!Number.isInteger(a.slice) || a.slice < 0 || a.slice >= count) throw new Error(`annotated slice ${a.slice} is outside 0–${count - 1}`);
    if (n > 0 && sorted[n - 1]?.slice === a.slice) throw new Error(`slice ${a.slice} is annotated twice`);
  });
  return sorted;
}

/** The runs and fused gaps for one segment, limited to `range` (default: every slice). */
export function planSegment(annotated: readonly AnnotatedSlice[], count: number, range: SliceRange = [0, count - 1]): SegmentPlan {
  const sorted = checkAnnotated(annotated, count);
  const lo = Math.max(0, range[0]);
  const hi = Math.min(count - 1, range[1]);
  const runs: PropagationRun[] = [];
  const fused: FusedGap[] = [];
  const overlaps = (first: number, last: number): boolean => first <= last && last >= lo && first <= hi;
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first && last) {
    if (first.area > 0 && overlaps(0, first.slice - 1)) {
      runs.push({ origin: first.slice, direction: -1, end: 0, stopAtObjectEnd: true, seedArea: first.area });
    }
    for (let n = 0; n + 1 < sorted.length; n++) {
      const a = sorted[n] as AnnotatedSlice;
      const b = sorted[n + 1] as AnnotatedSlice;
      if (!overlaps(a.slice + 1, b.slice - 1)) continue;
      const both = a.area > 0 && b.area > 0;
      if (a.area > 0) runs.push({ origin: a.slice, direction: 1, end: b.slice - 1, stopAtObjectEnd: !both, seedArea: a.area });
      if (b.area > 0) runs.push({ origin: b.slice, direction: -1, end: a.slice + 1, stopAtObjectEnd: !both, seedArea: b.area });
      if (both) fused.push({ a: a.slice, b: b.slice });
    }
    if (last.area > 0 && overlaps(last.slice + 1, count - 1)) {
      runs.push({ origin: last.slice, direction: 1, end: count - 1, stopAtObjectEnd: true, seedArea: last.area });
    }
  }
  // A run goes no further than the range's far side: what lies beyond is not written, and a run
  // decides its slices in order, so stopping there changes nothing inside (a held-out trial of the
  // auto gate, a correction's re-propagation).
  const clipped = runs.map((run) => ({ ...run, end: run.direction === 1 ? Math.min(run.end, hi) : Math.max(run.end, lo) }));
  const isAnnotated = new Set(sorted.map((a) => a.slice));
  const written: number[] = [];
  if (sorted.length > 0) for (let s = lo; s <= hi; s++) if (!isAnnotated.has(s)) written.push(s);
  return { runs: clipped, fused, written };
}

/** Whether `run` is one of the two runs that fill `gap` (forward from a, backward from b). */
export function runFillsGap(gap: FusedGap, run: PropagationRun): boolean {
  return (run.direction === 1 && run.origin === gap.a) || (run.direction === -1 && run.origin === gap.b);
}

/** Weights of the results from a (before) and b (after) on slice s, a < s < b. */
export function fusionWeights(s: number, a: number, b: number): readonly [number, number] {
  if (!(a < s && s < b)) throw new Error(`slice ${s} is not strictly between ${a} and ${b}`);
  return [(b - s) / (b - a), (s - a) / (b - a)];
}

/**
 * The slices to recompute after slice `corrected` was corrected (or newly annotated): those
 * strictly between its annotated neighbours, or up to the volume's edge where it has none. The
 * corrected slice itself is annotated, so it is not in the range's interior but bounds it.
 */
export function affectedRange(annotated: readonly number[], corrected: number, count: number): SliceRange {
  if (!Number.isInteger(corrected) || corrected < 0 || corrected >= count) throw new Error(`slice ${corrected} is outside 0–${count - 1}`);
  let before = -1;
  let after = count;
  for (const s of annotated) {
    if (s < corrected && s > before) before = s;
    if (s > corrected && s < after) after = s;
  }
  return [before + 1, after - 1];
}

/** Slices a run visits in order, origin excluded. */
export function runSlices(run: PropagationRun): number[] {
  const out: number[] = [];
  for (let s = run.origin + run.direction; run.direction > 0 ? s <= run.end : s >= run.end; s += run.direction) out.push(s);
  return out;
}

