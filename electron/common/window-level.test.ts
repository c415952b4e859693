import { describe, expect, it } from 'vitest';
import {
  dragWindowLevel,
  formatWindowLevel,
  histogram,
  imageModality,
  looksLikeCt,
  parseWindowLevel,
  percentile,
  presetValue,
  presetsFor,
  robustWindowLevel,
} from './window-level';

describe('histogram and percentiles', () => {
  it('gives integer data one bin per value', () => {
    const voxels = new Uint8Array(1000);
    for (let n = 0; n < voxels.length; n++) voxels[n] = n % 100; // 0..99 ten times each
    const h = histogram(voxels, [0, 99]);
    expect(h.counts.length).toBe(100);
    expect(h.total).toBe(1000);
    expect(percentile(h, 0.5)).toBeCloseTo(49.5);
    expect(percentile(h, 0)).toBeCloseTo(-0.5);
    expect(percentile(h, 1)).toBeCloseTo(99.5);
  });

  it('ignores outliers when choosing the robust window', () => {
    const voxels = new Int16Array(10_000);
    for (let n = 0; n < voxels.length; n++) voxels[n] = 100 + (n % 50);
    voxels[0] = -3000;
    voxels[1] = 30000;
    const wl = robustWindowLevel(histogram(voxels, [-3000, 30000]), [-3000, 30000]);
    const low = wl.level - wl.window / 2;
    const high = wl.level + wl.window / 2;
    expect(low).toBeGreaterThan(80);
    expect(high).toBeLessThan(170);
  });

  it('looks past a dominant background', () => {
    const voxels = new Uint8Array(10_000); // 80 % zeros, then a tissue ramp 100..199
    for (let n = 8000; n < voxels.length; n++) voxels[n] = 100 + (n % 100);
    const wl = robustWindowLevel(histogram(voxels, [0, 199]), [0, 199]);
    expect(wl.level + wl.window / 2).toBeGreaterThan(195);
    expect(wl.level - wl.window / 2).toBeLessThan(1);
    const binary = new Uint8Array([0, 0, 0, 0, 1]);
    const mask = robustWindowLevel(histogram(binary, [0, 1]), [0, 1]);
    expect(mask.level - mask.window / 2).toBeLessThan(0);
    expect(mask.level + mask.window / 2).toBeGreaterThan(1);
  });

  it('handles float data, NaNs and flat images', () => {
    const voxels = new Float32Array([0, 0.25, 0.5, 0.75, 1, NaN, Infinity]);
    const h = histogram(voxels, [0, 1], { bins: 100 });
    expect(h.total).toBe(5);
    expect(percentile(h, 0.5)).toBeGreaterThan(0.4);
    expect(percentile(h, 0.5)).toBeLessThan(0.6);
    const flat = new Float32Array(64).fill(3);
    const wl = robustWindowLevel(histogram(flat, [3, 3]), [3, 3]);
    expect(wl.window).toBeGreaterThan(0);
    expect(wl.level).toBeCloseTo(3);
  });

  it('samples large buffers without reading every voxel', () => {
    const voxels = new Uint16Array(1 << 16);
    for (let n = 0; n < voxels.length; n++) voxels[n] = n & 1023;
    const h = histogram(voxels, [0, 1023], { maxSamples: 1000 });
    expect(h.total).toBeLessThanOrEqual(1000);
    expect(h.total).toBeGreaterThan(500);
    expect(percentile(h, 0.5)).toBeGreaterThan(400);
    expect(percentile(h, 0.5)).toBeLessThan(620);
  });
});

describe('presets and dragging', () => {
  it('chooses the modality from the DICOM tag, else from the value range', () => {
    expect(imageModality('CT', [0, 4095])).toBe('CT');
    expect(imageModality(' mr', [-1024, 3071])).toBe('MR');
    expect(imageModality('PT', [0, 1])).toBe('other');
    expect(imageModality(undefined, [-1024, 3071])).toBe('CT');
    expect(imageModality(undefined, [0, 1])).toBe('MR');
    expect(looksLikeCt([-1024, 3071])).toBe(true);
    expect(looksLikeCt([0, 1])).toBe(false);
  });

  it('offers CT windows for CT, percentile windows for MR', () => {
    expect(presetsFor('CT').map((p) => p.id)).toEqual(['auto', 'ct-soft', 'ct-lung', 'ct-bone', 'ct-brain', 'full']);
    expect(presetsFor('MR').map((p) => p.id)).toEqual(['auto', 'mr-wide', 'mr-narrow', 'full']);
    expect(presetsFor('other').map((p) => p.id)).toEqual(['auto', 'full']);
    expect(presetValue('full', { window: 1, level: 1 }, [-10, 30])).toEqual({ window: 40, level: 10 });
    expect(presetValue('ct-soft', { window: 1, level: 1 }, [-1024, 2000])).toEqual({ window: 400, level: 40 });
    expect(presetValue('ct-bone', { window: 1, level: 1 }, [-1024, 2000])).toEqual({ window: 1800, level: 400 });
  });

  it('computes MR presets from the percentiles of the image', () => {
    // Values 0…999 once each: the 5th and 95th percentiles are 50 and 950 (within a bin).
    const voxels = Int16Array.from({ length: 1000 }, (_, n) => n);
    const h = histogram(voxels, [0, 999]);
    const narrow = presetValue('mr-narrow', { window: 1, level: 1 }, [0, 999], h);
    expect(narrow.level).toBeCloseTo(500, -1);
    expect(narrow.window).toBeCloseTo(900, -1);
    const wide = presetValue('mr-wide', { window: 1, level: 1 }, [0, 999], h);
    expect(wide.window).toBeGreaterThan(narrow.window);
    // Without a histogram the automatic setting stands in.
    expect(presetValue('mr-wide', { window: 7, level: 3 }, [0, 999])).toEqual({ window: 7, level: 3 });
  });

  it('reads typed window and level, refusing what cannot be shown', () => {
    expect(parseWindowLevel(' 400 ', '-40', [-1024, 3071])).toEqual({ window: 400, level: -40 });
    expect(parseWindowLevel('wide', '40', [0, 1])).toMatch(/window must be a number/);
    expect(parseWindowLevel('400', '', [0, 1])).toMatch(/level must be a number/);
    expect(parseWindowLevel('0', '40', [0, 1000])).toMatch(/at least 0.1/);
  });

  it('adjusts window with horizontal and level with vertical drags', () => {
    const start = { window: 100, level: 50 };
    expect(dragWindowLevel(start, 60, 0, [0, 600], 600)).toEqual({ window: 160, level: 50 });
    expect(dragWindowLevel(start, 0, -30, [0, 600], 600)).toEqual({ window: 100, level: 20 });
    expect(dragWindowLevel(start, -1000, 0, [0, 600], 600).window).toBeGreaterThan(0);
    expect(formatWindowLevel({ window: 400, level: 40 })).toBe('W 400  L 40');
  });
});

describe('histogram of every voxel type', () => {
  it('counts the same values the same way whatever the array type', () => {
    const values = [0, 3, 3, 9, 5, 5, 5, 1];
    const expected = [1, 1, 0, 2, 0, 3, 0, 0, 0, 1];
    for (const Type of [Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array]) {
      const h = histogram(Type.from(values), [0, 9], { bins: 10 });
      expect([...h.counts], Type.name).toEqual(expected);
      expect(h.total, Type.name).toBe(values.length);
    }
    const withNaN = histogram(Float32Array.of(NaN, 1, Infinity, 9), [1, 9], { bins: 2 });
    expect([...withNaN.counts]).toEqual([1, 1]);
    expect(withNaN.total).toBe(2);
  });
});
