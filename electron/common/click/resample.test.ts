import { describe, expect, it } from 'vitest';
import { cropResize, pasteBack, sliceToGrid } from './resample';

const image = new Float32Array(7 * 5).map((_, n) => (n * 37) % 11);

describe('crop and resize', () => {
  it('is the identity both ways when the crop is the whole slice at the grid size', () => {
    const roi = { x0: 0, y0: 0, x1: 6, y1: 4 };
    const grid = cropResize(image, 7, 5, roi, 7, 5);
    expect(Array.from(grid)).toEqual(Array.from(image));
    expect(Array.from(pasteBack(grid, 7, 5, roi, 7, 5))).toEqual(Array.from(image));
  });

  it('maps crop corners to grid corners and reads zero outside the slice', () => {
    const roi = { x0: 2, y0: 1, x1: 6, y1: 3 };
    const grid = cropResize(image, 7, 5, roi, 9, 5);
    expect(grid[0]).toBe(image[1 * 7 + 2]);
    expect(grid[8]).toBe(image[1 * 7 + 6]);
    expect(grid[4 * 9 + 8]).toBe(image[3 * 7 + 6]);
    // Half-way between columns 2 and 3.
    expect(grid[1]).toBeCloseTo(((image[7 + 2] ?? 0) + (image[7 + 3] ?? 0)) / 2, 6);
    const padded = cropResize(new Float32Array(4).fill(1), 2, 2, { x0: -1, y0: 0, x1: 1, y1: 1 }, 3, 2);
    expect(Array.from(cropResize(new Uint8Array([0, 5, 0, 0]), 2, 2, { x0: 0, y0: 0, x1: 1, y1: 1 }, 2, 2, { kind: 'binary' }))).toEqual([0, 1, 0, 0]);
    expect(Array.from(padded)).toEqual([0, 1, 1, 0, 1, 1]);
    expect(sliceToGrid(6, 3, roi, 9, 5)).toEqual({ u: 8, v: 4 });
  });

  it('matches a plain bilinear reference on random crops, inside and outside the slice', () => {
    const w = 13;
    const h = 9;
    const src = new Float32Array(w * h).map((_, n) => ((n * 7919) % 101) / 10);
    const read = (x: number, y: number): number => (x < 0 || y < 0 || x >= w || y >= h ? 0 : Math.min(1, Math.max(0, ((src[y * w + x] ?? 0) - 2) / 6)));
    let seed = 3;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    for (let trial = 0; trial < 40; trial++) {
      const x0 = rand(20) - 6;
      const y0 = rand(14) - 4;
      const roi = { x0, y0, x1: x0 + rand(15), y1: y0 + rand(12) };
      const ow = 1 + rand(11);
      const oh = 1 + rand(9);
      const got = cropResize(src, w, h, roi, ow, oh, { kind: 'unit', low: 2, high: 8 });
      for (let v = 0; v < oh; v++) {
        for (let u = 0; u < ow; u++) {
          const sx = ow > 1 ? roi.x0 + (u * (roi.x1 - roi.x0)) / (ow - 1) : (roi.x0 + roi.x1) / 2;
          const sy = oh > 1 ? roi.y0 + (v * (roi.y1 - roi.y0)) / (oh - 1) : (roi.y0 + roi.y1) / 2;
          const xf = Math.floor(sx);
          const yf = Math.floor(sy);
          const fx = sx - xf;
          const fy = sy - yf;
          const want =
            read(xf, yf) * (1 - fx) * (1 - fy) + read(xf + 1, yf) * fx * (1 - fy) + read(xf, yf + 1) * (1 - fx) * fy + read(xf + 1, yf + 1) * fx * fy;
          expect(got[v * ow + u]).toBeCloseTo(want, 5);
        }
      }
    }
  });

  it('pastes a resized crop back exactly at the crop corners and zero outside', () => {
    const roi = { x0: 1, y0: 1, x1: 4, y1: 3 };
    const grid = new Float32Array(8 * 4).map((_, n) => n);
    const back = pasteBack(grid, 8, 4, roi, 6, 5);
    expect(back[1 * 6 + 1]).toBe(0);
    expect(back[1 * 6 + 4]).toBe(7);
    expect(back[3 * 6 + 4]).toBe(31);
    expect(back[0]).toBe(0);
    expect(back[4 * 6 + 5]).toBe(0);
  });

  it('round-trips a smooth image through a 2× zoom closely', () => {
    const w = 32;
    const smooth = new Float32Array(w * w).map((_, n) => Math.sin((n % w) / 5) + Math.cos(Math.floor(n / w) / 7));
    const roi = { x0: 0, y0: 0, x1: w - 1, y1: w - 1 };
    const back = pasteBack(cropResize(smooth, w, w, roi, 2 * w - 1, 2 * w - 1), 2 * w - 1, 2 * w - 1, roi, w, w);
    back.forEach((v, n) => expect(v).toBeCloseTo(smooth[n] ?? 0, 5));
  });
});
