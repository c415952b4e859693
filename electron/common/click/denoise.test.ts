import { describe, expect, it } from 'vitest';
import { denoisedUnitSlice, denoiseSchema, estimateNoise, gaussianSmooth, smoothingSigma } from './denoise';
import { prepareClickInput, type ClickModelSpec } from './prepare';
import { defaultZoomIn } from './roi';

/** Deterministic standard normal samples (xorshift + Box–Muller), so the tests never flake. */
function normals(count: number, seed = 7): Float32Array {
  let s = seed >>> 0 || 1;
  const uniform = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  const out = new Float32Array(count);
  for (let n = 0; n < count; n++) out[n] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

const RULE = denoiseSchema.parse({ noiseAbove: 0.02, sigmaPerNoise: 30, maxSigma: 1.5 });

describe('noise estimate (Immerkaer)', () => {
  it('finds the sd of white noise and ignores smooth structure', () => {
    const w = 128;
    const h = 96;
    const noise = normals(w * h);
    const ramp = new Float32Array(w * h).map((_, n) => 0.2 + 0.5 * ((n % w) / w) + 0.1 * Math.sin(Math.floor(n / w) / 15));
    expect(estimateNoise(ramp, w, h)).toBeLessThan(0.002);
    const noisy = ramp.map((v, n) => v + 0.05 * (noise[n] ?? 0));
    expect(estimateNoise(noisy, w, h)).toBeGreaterThan(0.045);
    expect(estimateNoise(noisy, w, h)).toBeLessThan(0.055);
    expect(estimateNoise(new Float32Array(4), 2, 2)).toBe(0);
  });
});

describe('Gaussian smoothing', () => {
  it('matches scipy.ndimage.gaussian_filter(mode="mirror", truncate=3) on a small image', () => {
    const image = [0.0, 1.0, 2.8284, 5.1962, 1.0, 4.1803, 0.6969, 4.5203, 1.6274, 6.0, 3.6228, 1.4829, 6.5692, 4.8722, 3.3832, 2.0948, 1.0, 0.0928, 6.3675, 5.8191];
    // from /usr/bin/python3 with scipy 1.10 on the array above, sigma 0.8
    const scipy = [1.60144, 1.87118, 3.01237, 3.50465, 3.47986, 2.15613, 2.29517, 3.37772, 3.73609, 3.82441, 2.39729, 2.51053, 3.73052, 4.42219, 4.48513, 2.13395, 2.15031, 3.31448, 4.69894, 4.99788];
    const out = gaussianSmooth(image, 5, 4, 0.8);
    for (let n = 0; n < scipy.length; n++) expect(out[n]).toBeCloseTo(scipy[n] ?? NaN, 3);
  });

  it('keeps a constant image and returns a copy when sigma is 0', () => {
    const flat = new Float32Array(30).fill(0.25);
    expect(Array.from(gaussianSmooth(flat, 6, 5, 1.3)).every((v) => Math.abs(v - 0.25) < 1e-6)).toBe(true);
    const same = gaussianSmooth(flat, 6, 5, 0);
    expect(same).not.toBe(flat);
    expect(Array.from(same)).toEqual(Array.from(flat));
  });
});

describe('the rule', () => {
  it('smooths only above the noise threshold, capped at maxSigma', () => {
    expect(smoothingSigma(RULE, 0.01)).toBe(0);
    expect(smoothingSigma(RULE, 0.05)).toBeCloseTo(0.9, 6);
    expect(smoothingSigma(RULE, 0.5)).toBe(1.5);
    expect(() => denoiseSchema.parse({ noiseAbove: 0.02, sigmaPerNoise: 30 })).toThrow();
    expect(() => denoiseSchema.parse({ ...RULE, sigma: 1 })).toThrow();
  });

  it('normalises, then smooths a noisy slice and leaves a clean one as it was', () => {
    const w = 64;
    const noise = normals(w * w, 3);
    const clean = new Float32Array(w * w).map((_, n) => 100 + 400 * ((n % w) / w));
    const a = denoisedUnitSlice(clean, w, w, [100, 500], RULE);
    expect(a.sigma).toBe(0);
    expect(a.unit[w - 1]).toBeCloseTo((63 * 400) / 64 / 400, 5);
    const noisy = clean.map((v, n) => v + 40 * (noise[n] ?? 0)); // sd 0.1 of the range
    const b = denoisedUnitSlice(noisy, w, w, [100, 500], RULE);
    expect(b.sigma).toBeGreaterThan(1);
    expect(estimateNoise(b.unit, w, w)).toBeLessThan(0.04);
  });
});

describe('the model input with a denoise rule', () => {
  const spec: ClickModelSpec = {
    inputSize: [32, 32],
    percentiles: [0.5, 99.5],
    mean: [0.5, 0.5, 0.5],
    std: [0.25, 0.25, 0.25],
    radius: 3,
    threshold: 0.49,
    withPreviousMask: true,
    zoomIn: defaultZoomIn([32, 32], 0.49),
  };
  const click = [{ x: 16, y: 16, positive: true }];

  it('is unchanged on a clean slice and smoother on a noisy one', () => {
    const w = 32;
    const clean = new Float32Array(w * w).map((_, n) => (n % w < 16 ? 10 : 20));
    const plain = prepareClickInput(spec, clean, w, w, click, undefined, { intensityRange: [10, 20] });
    const withRule = prepareClickInput({ ...spec, denoise: RULE }, clean, w, w, click, undefined, { intensityRange: [10, 20] });
    expect(withRule.smoothingSigma).toBe(0);
    expect(Array.from(withRule.image)).toEqual(Array.from(plain.image));

    const noise = normals(w * w, 5);
    const noisy = clean.map((v, n) => v + 1.5 * (noise[n] ?? 0));
    const raw = prepareClickInput(spec, noisy, w, w, click, undefined, { intensityRange: [10, 20] });
    const smooth = prepareClickInput({ ...spec, denoise: RULE }, noisy, w, w, click, undefined, { intensityRange: [10, 20] });
    expect(raw.smoothingSigma).toBe(0);
    expect(smooth.smoothingSigma).toBeGreaterThan(0.5);
    const rough = (img: Float32Array): number => estimateNoise(img.subarray(0, w * w), w, w);
    expect(rough(smooth.image)).toBeLessThan(rough(raw.image) / 2);
  });
});
