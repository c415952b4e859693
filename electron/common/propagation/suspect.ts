/**
 * Suspect-slice flags, so the user checks the slices most likely wrong first. Four kinds of
 * evidence, each a 0–1 ratio per propagated slice:
 *   - disagreement: 1 − Dice between the forward and backward runs, where both reached the slice;
 *   - area jump: relative change of the object's area from the slice before;
 *   - shape change: 1 − Dice of the object's mask with the slice before's (a jump in place, not size);
 *   - low confidence: the model's uncertain pixels (probability between 0.1 and 0.9) per object pixel;
 *   - object end: closeness 1 / (1 + d) to where the propagated object ends beyond the outermost
 *     annotated slices (d slices away), where runs stop too early or too late most often;
 *   - area drop: between two annotated slices that hold the object, how much of the area expected
 *     there (linear between theirs) is missing: where the object got lost on the way.
 * A slice is flagged when any evidence reaches its threshold; only slices the propagation wrote are.
 * Ranked by score (the evidence that flagged it), worst first, so the app can jump to each in turn.
 * The default thresholds were chosen on training-source volumes (scripts/fit-suspect-thresholds.mjs
 * over `iseg eval-suspects --json`).
 */
import { readSlice, type SliceLayout } from '../slice';
import type { VoxelArray } from '../volume';

export const SUSPECT_REASONS = ['disagreement', 'area-jump', 'shape-change', 'low-confidence', 'object-end', 'area-drop'] as const;
export type SuspectReason = (typeof SUSPECT_REASONS)[number];

export interface SuspectSlice {
  readonly slice: number;
  readonly label: number;
  /** 0–1; higher is more suspect. */
  readonly score: number;
  readonly reason: SuspectReason;
}

export interface SuspectThresholds {
  /** 1 − Dice(forward, backward) at or above which a slice is flagged. */
  readonly disagreement: number;
  /** Relative area change |A_s − A_prev| / max(A_s, A_prev). */
  readonly areaJump: number;
  /** 1 − Dice(mask_s, mask_prev). */
  readonly shapeChange: number;
  /** Uncertain pixels per object pixel. */
  readonly lowConfidence: number;
  /** Closeness to the propagated object's end, 1 / (1 + slices away). */
  readonly objectEnd: number;
  /** Share of the expected area missing between two annotated slices. */
  readonly areaDrop: number;
}

/**
 * Chosen on training-source volumes (TotalSegmentator CT and MR, CLAIR knee; memory and
 * interpolation, 3 given slices): the highest recall of the 10 % worst slices at ≤ 2 false flags
 * per true one (86 %, 1.86). Low confidence, as measured, added nothing there: off by default.
 */
export const DEFAULT_SUSPECT_THRESHOLDS: SuspectThresholds = { disagreement: 0.5, areaJump: 0.4, shapeChange: 0.5, lowConfidence: Number.POSITIVE_INFINITY, objectEnd: 0.25, areaDrop: 0.5 };

export interface SuspectOptions {
  readonly thresholds?: Partial<SuspectThresholds>;
  /** Areas below this many voxels are ignored for jumps and shape changes (default 20): tiny ends are noisy. */
  readonly minArea?: number;
  readonly limit?: number;
}

export interface SegmentEvidence {
  readonly label: number;
  /** Final object area per slice along the axis. */
  readonly areas: ArrayLike<number>;
  /** Slice → 1 − Dice(forward, backward) where both propagations reached the slice. */
  readonly disagreement: ReadonlyMap<number, number>;
  /** Per slice: 1 − Dice with the slice before (0 where either is tiny); see shapeChanges. */
  readonly shapeChange?: ArrayLike<number>;
  /** Slice → uncertain pixels per object pixel of the model's probabilities (memory method). */
  readonly uncertainty?: ReadonlyMap<number, number>;
  /** Per slice: closeness to the propagated object's end beyond the annotated slices; see endProximity. */
  readonly objectEnd?: ArrayLike<number>;
  /** Per slice: share of the expected area missing inside a gap between annotations; see areaDrops. */
  readonly areaDrop?: ArrayLike<number>;
  /** Slices this propagation wrote: only they may be flagged (never the user's, nor those outside a range). */
  readonly written?: ReadonlySet<number>;
}

/** Relative area change into each slice from its predecessor (0 when either side is tiny or empty). */
export function areaJumps(areas: ArrayLike<number>, minArea = 20): Float64Array {
  const out = new Float64Array(areas.length);
  for (let s = 1; s < areas.length; s++) {
    const a = areas[s - 1] ?? 0;
    const b = areas[s] ?? 0;
    if (a < minArea || b < minArea) continue;
    out[s] = Math.abs(b - a) / Math.max(a, b);
  }
  return out;
}

/** 1 − Dice of label `label` between each slice and the one before (0 when either has under `minArea` voxels of it). */
export function shapeChanges(voxels: VoxelArray, layout: SliceLayout, label: number, minArea = 20): Float64Array {
  return areasAndShapeChanges(voxels, layout, label, minArea).shapeChange;
}

/**
 * The label's area on every slice and its shape change from the slice before, in one pass over
 * the volume (both are evidence; two passes cost ~2 × 24 M voxels on the 384² knee).
 */
export function areasAndShapeChanges(voxels: VoxelArray, layout: SliceLayout, label: number, minArea = 20): { areas: Float64Array; shapeChange: Float64Array } {
  const pixels = layout.width * layout.height;
  const [ss, sx, sy] = layout.strides;
  // Slices that lie contiguous in memory are read in place; others are copied, in the voxels' own type.
  const contiguous = sx === 1 && sy === layout.width;
  const length = contiguous ? 0 : pixels;
  const sliceAt = (s: number, scratch: VoxelArray): ArrayLike<number> => (contiguous ? voxels.subarray(s * ss, s * ss + pixels) : readSlice(voxels, layout, s, scratch));
  return areasAndShapeChangesOfSlices(layout, label, sliceAt, [sameType(voxels, length), sameType(voxels, length)], minArea);
}

/**
 * The same from a reader of slices (e.g. decided slices over the seeds, without a volume):
 * `sliceAt(s, scratch)` returns slice s, either an array of its own that stays unchanged, or one of
 * the two `scratch` slices (used in turn) filled.
 */
export function areasAndShapeChangesOfSlices(
  layout: SliceLayout,
  label: number,
  sliceAt: (slice: number, scratch: VoxelArray) => ArrayLike<number>,
  scratch: readonly [VoxelArray, VoxelArray],
  minArea = 20,
): { areas: Float64Array; shapeChange: Float64Array } {
  const areas = new Float64Array(layout.count);
  const shapeChange = new Float64Array(layout.count);
  const pixels = layout.width * layout.height;
  let previous: ArrayLike<number> = scratch[1];
  let previousArea = 0;
  for (let s = 0; s < layout.count; s++) {
    const current = sliceAt(s, scratch[s % 2] as VoxelArray);
    let area = 0;
    let both = 0;
    const hasPrevious = s > 0;
    for (let i = 0; i < pixels; i++) {
      if (current[i] !== label) continue;
      area++;
      if (hasPrevious && previous[i] === label) both++;
    }
    areas[s] = area;
    if (hasPrevious && area >= minArea && previousArea >= minArea) shapeChange[s] = 1 - (2 * both) / (area + previousArea);
    previous = current;
    previousArea = area;
  }
  return { areas, shapeChange };
}

function sameType(voxels: VoxelArray, length: number): VoxelArray {
  const Type = voxels.constructor as new (length: number) => VoxelArray;
  return new Type(length);
}

/**
 * Beyond the outermost annotated slices holding the object, how close each slice is to where the
 * object ends: 1 / (1 + d), d the slices between it and the last slice of the object's unbroken
 * run outwards from the annotation (0 between the outermost annotated slices).
 */
export function endProximity(areas: ArrayLike<number>, annotated: readonly number[]): Float64Array {
  const out = new Float64Array(areas.length);
  const holding = annotated.filter((s) => (areas[s] ?? 0) > 0);
  if (holding.length === 0) return out;
  const low = Math.min(...holding);
  const high = Math.max(...holding);
  let first = low;
  while (first > 0 && (areas[first - 1] ?? 0) > 0) first--;
  let last = high;
  while (last < areas.length - 1 && (areas[last + 1] ?? 0) > 0) last++;
  for (let s = 0; s < low; s++) out[s] = 1 / (1 + Math.abs(s - first));
  for (let s = high + 1; s < areas.length; s++) out[s] = 1 / (1 + Math.abs(s - last));
  return out;
}

/**
 * Between each two neighbouring annotated slices a < b that both hold the object, the share of the
 * area expected on slice s (linear between A_a and A_b) that is missing: max(0, 1 − A_s / expected).
 */
export function areaDrops(areas: ArrayLike<number>, annotated: readonly number[]): Float64Array {
  const out = new Float64Array(areas.length);
  const sorted = [...new Set(annotated)].sort((x, y) => x - y);
  for (let n = 0; n + 1 < sorted.length; n++) {
    const a = sorted[n] as number;
    const b = sorted[n + 1] as number;
    const areaA = areas[a] ?? 0;
    const areaB = areas[b] ?? 0;
    if (areaA <= 0 || areaB <= 0) continue;
    for (let s = a + 1; s < b; s++) {
      const expected = areaA + ((areaB - areaA) * (s - a)) / (b - a);
      out[s] = Math.max(0, 1 - (areas[s] ?? 0) / expected);
    }
  }
  return out;
}

/**
 * How unsure a probability map is: pixels with 0.1 < p < 0.9 per pixel at or above `threshold`
 * (at least `minArea`, so a faint empty slice does not divide by nothing).
 */
export function uncertaintyOf(probability: ArrayLike<number>, threshold = 0.5, minArea = 20): number {
  let unsure = 0;
  let inside = 0;
  for (let i = 0; i < probability.length; i++) {
    const p = probability[i] ?? 0;
    if (p > 0.1 && p < 0.9) unsure++;
    if (p >= threshold) inside++;
  }
  return Math.min(1, unsure / Math.max(inside, minArea));
}

export function rankSuspectSlices(evidence: readonly SegmentEvidence[], options: SuspectOptions = {}): SuspectSlice[] {
  const t = { ...DEFAULT_SUSPECT_THRESHOLDS, ...options.thresholds };
  const best = new Map<string, SuspectSlice>();
  const offer = (e: SegmentEvidence, slice: number, score: number, threshold: number, reason: SuspectReason): void => {
    if (!(score >= threshold) || (e.written !== undefined && !e.written.has(slice))) return;
    const key = `${e.label}:${slice}`;
    const old = best.get(key);
    if (!old || score > old.score) best.set(key, { slice, label: e.label, score, reason });
  };
  for (const e of evidence) {
    for (const [slice, d] of e.disagreement) offer(e, slice, d, t.disagreement, 'disagreement');
    areaJumps(e.areas, options.minArea ?? 20).forEach((j, slice) => offer(e, slice, j, t.areaJump, 'area-jump'));
    if (e.shapeChange) for (let slice = 0; slice < e.shapeChange.length; slice++) offer(e, slice, e.shapeChange[slice] ?? 0, t.shapeChange, 'shape-change');
    if (e.uncertainty) for (const [slice, u] of e.uncertainty) offer(e, slice, u, t.lowConfidence, 'low-confidence');
    if (e.objectEnd) for (let slice = 0; slice < e.objectEnd.length; slice++) offer(e, slice, e.objectEnd[slice] ?? 0, t.objectEnd, 'object-end');
    if (e.areaDrop) for (let slice = 0; slice < e.areaDrop.length; slice++) offer(e, slice, e.areaDrop[slice] ?? 0, t.areaDrop, 'area-drop');
  }
  const ranked = [...best.values()].sort((x, y) => y.score - x.score || x.slice - y.slice);
  return options.limit === undefined ? ranked : ranked.slice(0, options.limit);
}
