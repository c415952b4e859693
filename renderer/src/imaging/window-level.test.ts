import { describe, expect, it } from 'vitest';
import {
  dragWindowLevel,
  formatWindowLevel,
  histogram,
  looksLikeCt,
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
  it('offers CT presets only for CT-like ranges', () => {
    expect(looksLikeCt([-1024, 3071])).toBe(true);
    expect(looksLikeCt([0, 1])).toBe(false);
    expect(presetsFor([0, 255]).map((p) => p.id)).toEqual(['auto', 'full']);
    expect(presetsFor([-1024, 2000]).map((p) => p.id)).toContain('ct-lung');
    expect(presetValue('full', { window: 1, level: 1 }, [-10, 30])).toEqual({ window: 40, level: 10 });
    expect(presetValue('ct-soft', { window: 1, level: 1 }, [-1024, 2000])).toEqual({
      window: 400,
      level: 40,
    });
  });

  it('adjusts window with horizontal and level with vertical drags', () => {
    const start = { window: 100, level: 50 };
    expect(dragWindowLevel(start, 60, 0, [0, 600], 600)).toEqual({ window: 160, level: 50 });
    expect(dragWindowLevel(start, 0, -30, [0, 600], 600)).toEqual({ window: 100, level: 20 });
    expect(dragWindowLevel(start, -1000, 0, [0, 600], 600).window).toBeGreaterThan(0);
    expect(formatWindowLevel({ window: 400, level: 40 })).toBe('W 400  L 40');
  });
});
