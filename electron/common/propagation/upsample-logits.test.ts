import { describe, expect, it } from 'vitest';
import { tableSigmoid, upsampledLogits, upsampledProbabilities } from './upsample-logits';

/** ONNX Resize (linear, half_pixel) written out per output pixel, as the operator's text defines it. */
function onnxResize(low: Float32Array, lowWidth: number, lowHeight: number, factor: number): Float32Array {
  const width = lowWidth * factor;
  const height = lowHeight * factor;
  const out = new Float32Array(width * height);
  const source = (o: number, n: number): [number, number, number] => {
    const x = Math.min(Math.max((o + 0.5) / factor - 0.5, 0), n - 1);
    const a = Math.floor(x);
    const b = Math.min(a + 1, n - 1);
    return [a, b, a === b ? 0 : x - a];
  };
  for (let y = 0; y < height; y++) {
    const [y0, y1, wy] = source(y, lowHeight);
    for (let x = 0; x < width; x++) {
      const [x0, x1, wx] = source(x, lowWidth);
      const at = (r: number, c: number): number => low[r * lowWidth + c] as number;
      out[y * width + x] = (1 - wy) * ((1 - wx) * at(y0, x0) + wx * at(y0, x1)) + wy * ((1 - wx) * at(y1, x0) + wx * at(y1, x1));
    }
  }
  return out;
}

describe('the decoder tail in TypeScript', () => {
  it('upsamples as ONNX Resize (linear, half_pixel) does, edges clamped, for factors 1, 2 and 4', () => {
    for (const [lowWidth, lowHeight, factor] of [[7, 5, 4], [3, 9, 2], [6, 6, 1], [1, 4, 4]] as const) {
      const logits = Float32Array.from({ length: lowWidth * lowHeight }, (_, i) => Math.sin(i * 1.7) * 10);
      const expected = onnxResize(logits, lowWidth, lowHeight, factor);
      const got = upsampledLogits({ logits, lowWidth, lowHeight, factor });
      expect(got.length).toBe(expected.length);
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(expected[i] as number, 4);
    }
  });

  it('crops the padded grid to the slice and gives the sigmoid of the upsampled logits', () => {
    const logits = Float32Array.from({ length: 6 * 4 }, (_, i) => (i % 7) - 3);
    const full = onnxResize(logits, 6, 4, 4); // 24 × 16
    const p = upsampledProbabilities({ logits, lowWidth: 6, lowHeight: 4, factor: 4 }, 21, 13);
    expect(p.length).toBe(21 * 13);
    for (let y = 0; y < 13; y++) for (let x = 0; x < 21; x++) expect(Math.abs((p[y * 21 + x] as number) - 1 / (1 + Math.exp(-(full[y * 24 + x] as number))))).toBeLessThan(3e-6);
  });

  it('fills far background and far object (both neighbours past ±16) with the table ends, exact elsewhere', () => {
    // Mostly far background with a blob of object and a ramp between: every kind of run.
    const logits = Float32Array.from({ length: 12 * 10 }, (_, i) => {
      const x = i % 12;
      const y = Math.floor(i / 12);
      return x >= 4 && x <= 6 && y >= 3 && y <= 5 ? 40 : x === 3 || x === 7 ? 2 * (y - 4) : -40;
    });
    const full = onnxResize(logits, 12, 10, 4);
    const p = upsampledProbabilities({ logits, lowWidth: 12, lowHeight: 10, factor: 4 }, 45, 38);
    let ends = 0;
    for (let y = 0; y < 38; y++)
      for (let x = 0; x < 45; x++) {
        const expected = 1 / (1 + Math.exp(-(full[y * 48 + x] as number)));
        const got = p[y * 45 + x] as number;
        expect(Math.abs(got - expected)).toBeLessThan(3e-6);
        if (got === tableSigmoid(-1e9) || got === tableSigmoid(1e9)) ends++;
      }
    expect(ends).toBeGreaterThan(1000); // the data has saturated runs, so the fill path ran on them
  });

  it('has a sigmoid table within 3e-6 of the sigmoid, exact at 0, saturating outside ±16 and taking NaN as background', () => {
    let worst = 0;
    for (let x = -20; x <= 20; x += 0.001) worst = Math.max(worst, Math.abs(tableSigmoid(x) - 1 / (1 + Math.exp(-x))));
    expect(worst).toBeLessThan(3e-6);
    expect(tableSigmoid(0)).toBe(0.5);
    expect(tableSigmoid(1e-4)).toBeGreaterThan(0.5);
    expect(tableSigmoid(-1e-4)).toBeLessThan(0.5);
    expect(tableSigmoid(1e9)).toBeCloseTo(1, 6);
    expect(tableSigmoid(-Infinity)).toBeCloseTo(0, 6);
    expect(tableSigmoid(NaN)).toBeCloseTo(0, 6);
  });

  it('refuses logits of the wrong length or a slice larger than the grid, in a sentence', () => {
    expect(() => upsampledLogits({ logits: new Float32Array(5), lowWidth: 2, lowHeight: 3, factor: 4 })).toThrow(/Expected 2 × 3 logits, got 5/);
    expect(() => upsampledProbabilities({ logits: new Float32Array(6), lowWidth: 2, lowHeight: 3, factor: 4 }, 9, 12)).toThrow(/does not fit/);
  });
});
