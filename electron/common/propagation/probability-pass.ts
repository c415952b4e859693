/**
 * One pass over a decoded slice's probabilities for everything the engine derives from them: the
 * stop rule's reading (stop-rule.ts readingOf), the suspect flags' uncertainty (suspect.ts
 * uncertaintyOf), the 0–255 probabilities the assembler keeps (assembler.ts quantise) and, where
 * two runs meet in a gap, their fusion and disagreement (1 − metrics.ts binaryDice). Separate
 * loops cost a pass each over 147k pixels at 384².
 */
import type { SliceReading } from './stop-rule';

export interface ProbabilitySummary {
  readonly reading: SliceReading;
  /** Pixels with 0.1 < p < 0.9 per pixel at or above the threshold (at least `minArea`), capped at 1. */
  readonly uncertainty: number;
}

const UNSURE_LOW = 0.1;
const UNSURE_HIGH = 0.9;

function summaryOf(area: number, sum: number, unsure: number, minArea: number): ProbabilitySummary {
  return { reading: { area, confidence: area === 0 ? 0 : sum / area }, uncertainty: Math.min(1, unsure / Math.max(area, minArea)) };
}

/** As assembler.ts quantise: 0–1 → 0–255, rounded half up ((p·255 + 0.5) | 0 is Math.round there). */
function quantised(p: number): number {
  return p <= 0 ? 0 : p >= 1 ? 255 : (p * 255 + 0.5) | 0;
}

/** The summary, and with `quantisedOut` the 0–255 probabilities written into it, in one pass. */
export function summarise(probability: Float32Array, threshold: number, quantisedOut?: Uint8Array, minArea = 20): ProbabilitySummary {
  if (quantisedOut && quantisedOut.length !== probability.length) throw new Error(`summarise: ${quantisedOut.length} outputs for ${probability.length} pixels`);
  let area = 0;
  let sum = 0;
  let unsure = 0;
  for (let i = 0; i < probability.length; i++) {
    const p = probability[i] as number;
    if (p >= threshold) {
      area++;
      sum += p;
    }
    if (p > UNSURE_LOW && p < UNSURE_HIGH) unsure++;
    if (quantisedOut) quantisedOut[i] = quantised(p);
  }
  return summaryOf(area, sum, unsure, minArea);
}

export interface FusedSlice extends ProbabilitySummary {
  /** The fused probabilities, 0–255. */
  readonly quantised: Uint8Array;
  /** 1 − Dice of the two runs' masks (p > threshold), 0 where both are empty. */
  readonly disagreement: number;
}

/** wa·forward + wb·backward, quantised into `out` (a new array by default), with its summary and the runs' disagreement. */
export function fuseRuns(forward: Float32Array, backward: Float32Array, wa: number, wb: number, threshold: number, out = new Uint8Array(forward.length), minArea = 20): FusedSlice {
  if (forward.length !== backward.length || out.length !== forward.length) throw new Error(`fuseRuns: ${forward.length}, ${backward.length} and ${out.length} pixels do not match`);
  let inForward = 0;
  let inBackward = 0;
  let inBoth = 0;
  let area = 0;
  let sum = 0;
  let unsure = 0;
  for (let i = 0; i < forward.length; i++) {
    const f = forward[i] as number;
    const b = backward[i] as number;
    // Counted without branches: masks switch often along an object's border.
    const x = f > threshold ? 1 : 0;
    const y = b > threshold ? 1 : 0;
    inForward += x;
    inBackward += y;
    inBoth += x & y;
    const p = Math.fround(wa * f + wb * b);
    out[i] = quantised(p);
    if (p >= threshold) {
      area++;
      sum += p;
    }
    if (p > UNSURE_LOW && p < UNSURE_HIGH) unsure++;
  }
  const dice = inForward + inBackward === 0 ? 1 : (2 * inBoth) / (inForward + inBackward);
  return { quantised: out, disagreement: 1 - dice, ...summaryOf(area, sum, unsure, minArea) };
}
