/**
 * The RITM automatic click protocol (isegm/inference/clicker.py; native-models/isegnet/clicks.py),
 * which produces every NoC figure in the iSegFormer paper:
 *   - false negatives FN = gt ∧ ¬pred and false positives FP = ¬gt ∧ pred (pred = prob > 0.49);
 *   - the exact EDT of each, padded by one pixel so the image border counts as a region border,
 *     zeroed on pixels already clicked;
 *   - if max(FN distance) > max(FP distance) click positive at the FN maximum, else negative at
 *     the FP maximum; the first maximum in row-major order wins;
 *   - the model gets all clicks so far plus its previous probabilities; IoU after every click;
 *   - NoC@X = 1-based index of the first click with IoU ≥ X, or maxClicks (20) when none does.
 * When the prediction is already perfect there is no error to click; the IoU (1) is repeated.
 */
import { squaredEdt } from './edt';
import { countViolations } from './honour';
import type { Click, ClickSegmenter, PredictOptions } from './types';

export const MAX_CLICKS = 20;
export const NOC_TARGETS = [80, 85, 90] as const;
export type NocTarget = (typeof NOC_TARGETS)[number];

/** The protocol's next click, or undefined when `pred` equals `gt`. Masks are 0/1 bytes. */
export function nextClick(pred: Uint8Array, gt: Uint8Array, clicked: Uint8Array, width: number, height: number): Click | undefined {
  const plane = width * height;
  const fn = new Uint8Array(plane);
  const fp = new Uint8Array(plane);
  for (let n = 0; n < plane; n++) {
    const g = gt[n] !== 0;
    const p = pred[n] !== 0;
    fn[n] = g && !p ? 1 : 0;
    fp[n] = !g && p ? 1 : 0;
  }
  const fnDt = squaredEdt(fn, width, height, true);
  const fpDt = squaredEdt(fp, width, height, true);
  let fnMax = 0;
  let fnAt = -1;
  let fpMax = 0;
  let fpAt = -1;
  for (let n = 0; n < plane; n++) {
    if (clicked[n] !== 0) continue;
    const a = fnDt[n] ?? 0;
    if (a > fnMax) {
      fnMax = a;
      fnAt = n;
    }
    const b = fpDt[n] ?? 0;
    if (b > fpMax) {
      fpMax = b;
      fpAt = n;
    }
  }
  if (fnMax <= 0 && fpMax <= 0) return undefined;
  const positive = fnMax > fpMax;
  const at = positive ? fnAt : fpAt;
  return { x: at % width, y: Math.floor(at / width), positive };
}

export function iou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let n = 0; n < a.length; n++) {
    const x = a[n] !== 0;
    const y = b[n] !== 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/** 1-based index of the first IoU ≥ target (a fraction, e.g. 0.85), or maxClicks. */
export function noc(ious: readonly number[], target: number, maxClicks = MAX_CLICKS): number {
  for (let n = 0; n < Math.min(ious.length, maxClicks); n++) if ((ious[n] ?? 0) >= target) return n + 1;
  return maxClicks;
}

export interface SampleRun {
  /** IoU after each click (length maxClicks). */
  readonly ious: number[];
  readonly clicks: Click[];
  /**
   * Clicks each answer contradicted (honour.ts countViolations: a positive click's pixel outside
   * the mask or a negative click's inside), summed over the answers.
   */
  readonly clickViolations: number;
  /** Wall time of each predict call, in milliseconds (empty entries for repeated perfect IoUs). */
  readonly predictMs: number[];
}

export interface SimulateOptions {
  readonly maxClicks?: number;
  readonly threshold?: number;
  readonly predictOptions?: PredictOptions;
  /** Clock for the per-click timings (performance.now in Node); timings are 0 without one. */
  readonly now?: () => number;
}

/** Runs the protocol on one slice/object with any click segmenter. */
export async function simulateClicks(
  segmenter: ClickSegmenter,
  slice: Float32Array,
  width: number,
  height: number,
  gt: Uint8Array,
  options: SimulateOptions = {},
): Promise<SampleRun> {
  const maxClicks = options.maxClicks ?? MAX_CLICKS;
  const thresholdValue = options.threshold ?? segmenter.threshold;
  const now = options.now ?? (() => 0);
  const plane = width * height;
  const clicked = new Uint8Array(plane);
  let pred = new Uint8Array(plane);
  let previous: Float32Array | undefined;
  const clicks: Click[] = [];
  const ious: number[] = [];
  const predictMs: number[] = [];
  let clickViolations = 0;
  for (let step = 0; step < maxClicks; step++) {
    const click = nextClick(pred, gt, clicked, width, height);
    if (!click) {
      ious.push(1);
      continue;
    }
    clicks.push(click);
    clicked[click.y * width + click.x] = 1;
    const started = now();
    previous = await segmenter.predict(slice, width, height, clicks, previous, options.predictOptions);
    predictMs.push(now() - started);
    pred = new Uint8Array(plane);
    for (let n = 0; n < plane; n++) pred[n] = (previous[n] ?? 0) > thresholdValue ? 1 : 0;
    ious.push(iou(pred, gt));
    clickViolations += countViolations(pred, width, clicks);
  }
  return { ious, clicks, predictMs, clickViolations };
}

export interface NocSummary {
  readonly samples: number;
  readonly noc: Record<`${NocTarget}`, { mean: number; std: number }>;
  /** Samples that never reach the IoU within maxClicks (RITM's "≥20@85/90"). */
  readonly over20: { '85': number; '90': number };
  /** Mean IoU after click n (index n−1). */
  readonly meanIouPerClick: number[];
}

function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: 0, std: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) * (b - mean), 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

export function summarize(runs: readonly { ious: readonly number[] }[], maxClicks = MAX_CLICKS): NocSummary {
  const nocFor = (t: number): number[] => runs.map((r) => noc(r.ious, t / 100, maxClicks));
  const never = (t: number): number => runs.filter((r) => !r.ious.slice(0, maxClicks).some((v) => v >= t / 100)).length;
  const meanIouPerClick: number[] = [];
  for (let n = 0; n < maxClicks; n++) {
    meanIouPerClick.push(runs.length === 0 ? 0 : runs.reduce((a, r) => a + (r.ious[n] ?? r.ious[r.ious.length - 1] ?? 0), 0) / runs.length);
  }
  return {
    samples: runs.length,
    noc: { '80': meanStd(nocFor(80)), '85': meanStd(nocFor(85)), '90': meanStd(nocFor(90)) },
    over20: { '85': never(85), '90': never(90) },
    meanIouPerClick,
  };
}
