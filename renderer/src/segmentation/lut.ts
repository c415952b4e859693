/**
 * Colour and opacity tables for drawing a label map through vtk's image mapper (pure). Values are
 * exact integers, so each value gets a flat step from v − 0.45 to v + 0.45; background and values
 * without a visible segment are transparent. Both tables span the same range, as the mapper
 * scales each by its own range.
 */
import type { Rgb, Segment } from './segments';

export interface LabelLut {
  /** [x, r, g, b] with r, g, b in 0–1. */
  readonly colors: readonly (readonly [number, number, number, number])[];
  /** [x, opacity]. */
  readonly opacities: readonly (readonly [number, number])[];
  /** Largest value covered. */
  readonly max: number;
}

const HALF = 0.45;

export function labelLut(segments: readonly Segment[], opacity: number, maxValue?: number): LabelLut {
  const max = Math.max(1, maxValue ?? 0, ...segments.map((s) => s.value));
  const colors: [number, number, number, number][] = [];
  const opacities: [number, number][] = [];
  const shown = new Map<number, { color: Rgb; alpha: number }>();
  for (const s of segments) shown.set(s.value, { color: s.color, alpha: s.visible ? opacity : 0 });
  const push = (x: number, color: Rgb, alpha: number): void => {
    colors.push([x, color[0] / 255, color[1] / 255, color[2] / 255]);
    opacities.push([x, alpha]);
  };
  push(-HALF, [0, 0, 0], 0);
  push(HALF, [0, 0, 0], 0);
  for (const [value, { color, alpha }] of [...shown.entries()].sort((a, b) => a[0] - b[0])) {
    if (value <= 0 || value > max) continue;
    push(value - HALF, color, alpha);
    push(value + HALF, color, alpha);
  }
  // Anything between listed values (values without a row) stays transparent. Past the highest value,
  // not at max + HALF: vtk keeps one of two points at the same x, and the highest value then faded
  // to half its opacity at its edge.
  push(max + 1 - HALF, [0, 0, 0], 0);
  return { colors, opacities, max };
}

/** Per-value outline opacity for vtk's label outline (index = value − 1), 0 for hidden values. */
export function outlineOpacities(segments: readonly Segment[], max: number, opacity = 1): number[] {
  const out = new Array<number>(Math.max(1, Math.min(max, 1024))).fill(0);
  for (const s of segments) if (s.visible && s.value >= 1 && s.value <= out.length) out[s.value - 1] = opacity;
  return out;
}
