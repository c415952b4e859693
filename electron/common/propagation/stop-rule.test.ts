import { describe, expect, it } from 'vitest';
import { ObjectEndWatch, readingOf } from './stop-rule';

const settings = { fraction: 0.2, growth: 1.25, confidenceDrop: 0.05 };

describe('stop rule beyond the annotated range', () => {
  it('stops when the area falls below the fraction of the seed area, or vanishes', () => {
    const watch = new ObjectEndWatch(100, settings);
    expect(watch.reachedEnd({ area: 80, confidence: 0.9 })).toBe(false);
    expect(watch.reachedEnd({ area: 20, confidence: 0.9 })).toBe(false);
    expect(watch.reachedEnd({ area: 19, confidence: 0.9 })).toBe(true);
    expect(new ObjectEndWatch(100, { ...settings, fraction: 0 }).reachedEnd({ area: 0, confidence: 0 })).toBe(true);
  });

  it('stops when the area grows while the confidence drops, not when only one happens', () => {
    const growsAndFades = new ObjectEndWatch(100, settings);
    expect(growsAndFades.reachedEnd({ area: 60, confidence: 0.9 })).toBe(false);
    expect(growsAndFades.reachedEnd({ area: 90, confidence: 0.8 })).toBe(true);
    const growsConfidently = new ObjectEndWatch(100, settings);
    growsConfidently.reachedEnd({ area: 60, confidence: 0.9 });
    expect(growsConfidently.reachedEnd({ area: 90, confidence: 0.88 })).toBe(false);
    const shrinksAndFades = new ObjectEndWatch(100, settings);
    shrinksAndFades.reachedEnd({ area: 60, confidence: 0.9 });
    expect(shrinksAndFades.reachedEnd({ area: 50, confidence: 0.6 })).toBe(false);
  });

  it('reads area and mean in-mask probability of a probability map', () => {
    const reading = readingOf(Float32Array.from([0.2, 0.6, 1, 0.49]), 0.5);
    expect(reading.area).toBe(2);
    expect(reading.confidence).toBeCloseTo(0.8, 6);
    expect(readingOf(new Float32Array(3), 0.5)).toEqual({ area: 0, confidence: 0 });
  });
});
