/**
 * Overlap measures between a predicted and a reference binary mask, as in the paper's Table 2:
 * DSC = 2TP/(2TP+FP+FN), sensitivity = TP/(TP+FN), PPV = TP/(TP+FP), IoU = TP/(TP+FP+FN).
 * A measure whose denominator is 0 (nothing to find and nothing found) is 1: perfect agreement.
 */
import type { VoxelArray } from '../volume';
import type { SliceLayout } from '../slice';

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
}

export interface OverlapScores {
  readonly dsc: number;
  readonly sen: number;
  readonly ppv: number;
  readonly iou: number;
}

function ratio(num: number, den: number): number {
  return den === 0 ? 1 : num / den;
}

export function scoresOf(c: Confusion): OverlapScores {
  return {
    dsc: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
    sen: ratio(c.tp, c.tp + c.fn),
    ppv: ratio(c.tp, c.tp + c.fp),
    iou: ratio(c.tp, c.tp + c.fp + c.fn),
  };
}

/** Confusion counts of `prediction === label` against `reference === label`, over whole volumes. */
export function confusion(prediction: VoxelArray, reference: VoxelArray, label: number): Confusion {
  if (prediction.length !== reference.length) throw new Error('confusion: the masks differ in size');
  const c = { tp: 0, fp: 0, fn: 0 };
  for (let i = 0; i < prediction.length; i++) {
    const p = prediction[i] === label;
    const r = reference[i] === label;
    if (p && r) c.tp++;
    else if (p) c.fp++;
    else if (r) c.fn++;
  }
  return c;
}

/** Confusion counts per slice along the layout's axis (for scores over any subset of slices). */
export function confusionPerSlice(prediction: VoxelArray, reference: VoxelArray, label: number, layout: SliceLayout): Confusion[] {
  if (prediction.length !== reference.length) throw new Error('confusion: the masks differ in size');
  const out: Confusion[] = Array.from({ length: layout.count }, () => ({ tp: 0, fp: 0, fn: 0 }));
  const [ss] = layout.strides;
  const plane = layout.axis === 2 ? Infinity : layout.axis === 1 ? layout.width * layout.count : layout.count;
  for (let i = 0; i < prediction.length; i++) {
    const p = prediction[i] === label;
    const r = reference[i] === label;
    if (!p && !r) continue;
    const s = Math.floor((plane === Infinity ? i : i % plane) / ss);
    const c = out[s] as Confusion;
    if (p && r) c.tp++;
    else if (p) c.fp++;
    else c.fn++;
  }
  return out;
}

/** Sum of per-slice counts over the slices `include` accepts. */
export function sumConfusion(perSlice: readonly Confusion[], include: (slice: number) => boolean = () => true): Confusion {
  const total = { tp: 0, fp: 0, fn: 0 };
  perSlice.forEach((c, s) => {
    if (!include(s)) return;
    total.tp += c.tp;
    total.fp += c.fp;
    total.fn += c.fn;
  });
  return total;
}

/** Dice between two binary masks given as "value > threshold" arrays. */
export function binaryDice(a: ArrayLike<number>, b: ArrayLike<number>, threshold = 0.5): number {
  let inter = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] ?? 0) > threshold;
    const y = (b[i] ?? 0) > threshold;
    if (x) sa++;
    if (y) sb++;
    if (x && y) inter++;
  }
  return sa + sb === 0 ? 1 : (2 * inter) / (sa + sb);
}
