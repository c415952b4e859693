import { describe, expect, it } from 'vitest';
import { quantise } from './assembler';
import { binaryDice } from './metrics';
import { fuseRuns, summarise } from './probability-pass';
import { readingOf } from './stop-rule';
import { uncertaintyOf } from './suspect';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

describe('one pass over a slice of probabilities', () => {
  it('gives the stop rule reading and the uncertainty that the separate functions give', () => {
    const rand = random(5);
    for (const [n, threshold] of [[1000, 0.5], [50, 0.49], [7, 0.9]] as const) {
      // Mostly confident pixels with some unsure ones, as a decoder gives.
      const p = Float32Array.from({ length: n }, () => (rand() < 0.3 ? rand() : rand() < 0.5 ? 0.02 : 0.97));
      const q = new Uint8Array(n);
      const summary = summarise(p, threshold, q);
      expect([...q]).toEqual([...quantise(p)]);
      expect(summarise(p, threshold)).toEqual(summary);
      const reading = readingOf(p, threshold);
      expect(summary.reading.area).toBe(reading.area);
      expect(summary.reading.confidence).toBeCloseTo(reading.confidence, 10);
      expect(summary.uncertainty).toBeCloseTo(uncertaintyOf(p, threshold), 10);
    }
    expect(summarise(new Float32Array(5), 0.5)).toEqual({ reading: { area: 0, confidence: 0 }, uncertainty: 0 });
  });

  it('fuses two runs with their weights and measures how much they disagree', () => {
    const rand = random(9);
    const forward = Float32Array.from({ length: 500 }, rand);
    const backward = Float32Array.from({ length: 500 }, rand);
    const fused = fuseRuns(forward, backward, 0.25, 0.75, 0.5);
    const expected = Float32Array.from(forward, (f, i) => 0.25 * f + 0.75 * (backward[i] as number));
    expect([...fused.quantised]).toEqual([...quantise(expected)]);
    expect(fused.disagreement).toBeCloseTo(1 - binaryDice(forward, backward, 0.5), 10);
    expect(fused.reading.area).toBe(readingOf(expected, 0.5).area);
    expect(fused.reading.confidence).toBeCloseTo(readingOf(expected, 0.5).confidence, 6);
    expect(fused.uncertainty).toBeCloseTo(uncertaintyOf(expected, 0.5), 10);
    // Two empty runs agree.
    expect(fuseRuns(new Float32Array(4), new Float32Array(4), 0.5, 0.5, 0.5).disagreement).toBe(0);
    expect(() => fuseRuns(new Float32Array(4), new Float32Array(3), 0.5, 0.5, 0.5)).toThrow(/do not match/);
  });
});
