/**
 * Suspect-slice flags: where the forward and backward propagations disagree most (1 − Dice between
 * them, only where both exist), or where the object's area jumps from one slice to the next.
 * Ranked by score, worst first, so the app can jump to the next one to check.
 */

export type SuspectReason = 'disagreement' | 'area-jump';

export interface SuspectSlice {
  readonly slice: number;
  readonly label: number;
  /** 0–1; higher is more suspect. */
  readonly score: number;
  readonly reason: SuspectReason;
}

export interface SuspectOptions {
  /** 1 − Dice at or above which a slice is flagged (default 0.2). */
  readonly minDisagreement?: number;
  /** Relative area change |A_s − A_prev| / max(A_s, A_prev) at or above which a slice is flagged (default 0.5). */
  readonly minAreaJump?: number;
  /** Areas below this many voxels are ignored for jumps (default 20): tiny ends are noisy. */
  readonly minArea?: number;
  readonly limit?: number;
}

export interface SegmentEvidence {
  readonly label: number;
  /** Final object area per slice along the axis. */
  readonly areas: ArrayLike<number>;
  /** Slice → 1 − Dice(forward, backward) where both propagations reached the slice. */
  readonly disagreement: ReadonlyMap<number, number>;
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

export function rankSuspectSlices(evidence: readonly SegmentEvidence[], options: SuspectOptions = {}): SuspectSlice[] {
  const minDisagreement = options.minDisagreement ?? 0.2;
  const minAreaJump = options.minAreaJump ?? 0.5;
  const best = new Map<string, SuspectSlice>();
  const offer = (s: SuspectSlice): void => {
    const key = `${s.label}:${s.slice}`;
    const old = best.get(key);
    if (!old || s.score > old.score) best.set(key, s);
  };
  for (const e of evidence) {
    for (const [slice, d] of e.disagreement) if (d >= minDisagreement) offer({ slice, label: e.label, score: d, reason: 'disagreement' });
    const jumps = areaJumps(e.areas, options.minArea ?? 20);
    jumps.forEach((j, slice) => {
      if (j >= minAreaJump) offer({ slice, label: e.label, score: j, reason: 'area-jump' });
    });
  }
  const ranked = [...best.values()].sort((x, y) => y.score - x.score || x.slice - y.slice);
  return options.limit === undefined ? ranked : ranked.slice(0, options.limit);
}
