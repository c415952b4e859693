import { describe, expect, it } from 'vitest';
import { labelLut, outlineOpacities } from './lut';
import { KNEE_PRESET } from './segments';

describe('labelLut', () => {
  it('gives each visible value its colour and hides the rest', () => {
    const segments = KNEE_PRESET.map((s) => (s.value === 3 ? { ...s, visible: false } : s));
    const lut = labelLut(segments, 0.5);
    expect(lut.max).toBe(4);
    const at = (x: number): number | undefined => lut.opacities.find((p) => p[0] === x)?.[1];
    expect(at(1 - 0.45)).toBe(0.5);
    expect(at(3 - 0.45)).toBe(0);
    expect(at(-0.45)).toBe(0);
    const femur = lut.colors.find((c) => c[0] === 1 - 0.45);
    expect(femur?.[1]).toBeCloseTo(241 / 255);
    // Breakpoints strictly increase: vtk keeps only one of two points at the same x.
    const xs = lut.colors.map((c) => c[0]);
    expect(xs.every((x, n) => n === 0 || x > (xs[n - 1] ?? -Infinity))).toBe(true);
    expect(at(4 + 0.45)).toBe(0.5);
    expect(outlineOpacities(segments, 4)).toEqual([1, 1, 0, 1]);
  });
});
