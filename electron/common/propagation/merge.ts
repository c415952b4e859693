/**
 * Merges the propagated segments into one label slice without touching locked segments.
 *
 * Per pixel: a locked label stays. Otherwise the segment with the highest probability at or above
 * the threshold wins where the pixel is background, belongs to a segment being recomputed, or (with
 * `overwriteOthers`) belongs to any other unlocked label. Pixels of a recomputed segment that no
 * longer reach the threshold become background.
 */

export interface SegmentProbability {
  readonly label: number;
  /** Probabilities 0–1 (Float32Array) or quantised 0–255 (Uint8Array), one per pixel. */
  readonly probability: Float32Array | Uint8Array;
}

export interface MergeOptions {
  readonly locked?: ReadonlySet<number>;
  /** Labels being recomputed: their old pixels are replaced. Default: the segments' labels. */
  readonly recomputed?: ReadonlySet<number>;
  readonly overwriteOthers?: boolean;
  /** Probability a pixel needs to join a segment (default 0.5). */
  readonly threshold?: number;
}

export type LabelSlice = Uint8Array | Uint16Array;

export function mergeSegments<T extends LabelSlice>(base: T, segments: readonly SegmentProbability[], options: MergeOptions = {}): T {
  const locked = options.locked ?? new Set<number>();
  const recomputed = options.recomputed ?? new Set(segments.map((s) => s.label));
  const threshold = options.threshold ?? 0.5;
  const overwriteOthers = options.overwriteOthers ?? false;
  const maxLabel = base instanceof Uint8Array ? 255 : 65535;
  for (const s of segments) {
    if (s.probability.length !== base.length) throw new Error(`segment ${s.label}: ${s.probability.length} probabilities for ${base.length} pixels`);
    if (s.label < 1 || s.label > maxLabel || !Number.isInteger(s.label)) throw new Error(`segment label ${s.label} does not fit the label map`);
    if (locked.has(s.label)) throw new Error(`segment ${s.label} is locked and cannot be propagated`);
  }
  // Per segment: its threshold and the scale to 0–1 in the probability's own unit.
  const thresholds = segments.map((s) => (s.probability instanceof Uint8Array ? Math.ceil(threshold * 255) : threshold));
  const units = segments.map((s) => (s.probability instanceof Uint8Array ? 1 / 255 : 1));
  const out = base.slice() as T;
  const only = segments.length === 1 ? segments[0] : undefined;
  if (only) {
    // One segment (a propagation's usual commit): the same rule without the loop over segments.
    const raw = only.probability;
    const at = thresholds[0] as number;
    const label = only.label;
    const anyLocked = locked.size > 0;
    for (let p = 0; p < base.length; p++) {
      const current = base[p] as number;
      if (current !== 0 && anyLocked && locked.has(current)) continue;
      if ((raw[p] as number) < at) {
        if (current !== 0 && recomputed.has(current)) out[p] = 0;
      } else if (current === 0 || overwriteOthers || recomputed.has(current)) out[p] = label;
    }
    return out;
  }
  for (let p = 0; p < base.length; p++) {
    const current = base[p] as number;
    if (current !== 0 && locked.has(current)) continue;
    let best = 0;
    let bestScore = -1;
    for (let n = 0; n < segments.length; n++) {
      const raw = (segments[n] as SegmentProbability).probability[p] as number;
      if (raw < (thresholds[n] as number)) continue;
      const score = raw * (units[n] as number);
      if (score > bestScore) {
        bestScore = score;
        best = (segments[n] as SegmentProbability).label;
      }
    }
    if (best === 0) {
      if (current !== 0 && recomputed.has(current)) out[p] = 0;
    } else if (current === 0 || overwriteOthers || recomputed.has(current)) out[p] = best;
  }
  return out;
}
