import { describe, expect, it } from 'vitest';
import { unitScale } from '../click/normalize';
import { box3 } from '../segmenters/growcut';
import { sliceLayout } from '../slice';
import { binaryDice } from './metrics';
import { DEFAULT_GROW, growSlice, objectIntensity, squaredDistanceTo, unitReader, type UnitReader } from './slice-grow';

const W = 48;
const H = 40;

/** A slice (0–1000) from a function of (x, y), and a mask from a predicate. */
function slice(value: (x: number, y: number) => number): Float32Array {
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = value(x, y);
  return out;
}

function mask(inside: (x: number, y: number) => boolean): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = inside(x, y) ? 1 : 0;
  return out;
}

const disk = (cx: number, cy: number, r: number) => (x: number, y: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
/** A one-slice volume's reader (a W × H × 1 volume cut along k). */
const unit = (values: Float32Array): UnitReader => unitReader(values, sliceLayout([W, H, 1], 2), 0, [0, 1000]);

/** Dice of two 0/1 masks. */
const dice = (a: Uint8Array, b: Uint8Array): number => binaryDice(a, b);

describe('squaredDistanceTo', () => {
  it('equals the brute-force squared Euclidean distance to the nearest target pixel', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 20; trial++) {
      const w = 5 + Math.floor(random() * 20);
      const h = 5 + Math.floor(random() * 20);
      const m = Uint8Array.from({ length: w * h }, () => (random() < 0.1 ? 1 : 0));
      for (const target of [0, 1] as const) {
        const d = squaredDistanceTo(m, w, h, target);
        for (let i = 0; i < m.length; i++) {
          let best = Infinity;
          for (let j = 0; j < m.length; j++) if (m[j] === target) best = Math.min(best, ((i % w) - (j % w)) ** 2 + (Math.floor(i / w) - Math.floor(j / w)) ** 2);
          expect(d[i], `trial ${trial}, pixel ${i}, target ${target}`).toBe(best);
        }
      }
    }
  });
});

describe('unitReader', () => {
  it('reads any box of the whole slice mapped to [0, 1] and smoothed 3×3, the same values to the bit, along every axis', () => {
    let seed = 11;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const size = [7, 9, 5] as const;
    const voxels = Float32Array.from({ length: size[0] * size[1] * size[2] }, () => random() * 1200 - 100);
    for (const axis of [0, 1, 2] as const) {
      const layout = sliceLayout([...size], axis);
      const { width, height, strides } = layout;
      for (let s = 0; s < layout.count; s++) {
        const whole = new Float32Array(width * height);
        for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) whole[y * width + x] = unitScale(voxels[s * strides[0] + x * strides[1] + y * strides[2]] ?? 0, 0, 1000);
        const smoothed = box3(whole, width, height);
        const read = unitReader(voxels, layout, s, [0, 1000]);
        for (const box of [{ x0: 0, y0: 0, x1: width - 1, y1: height - 1 }, { x0: 1, y0: 2, x1: 3, y1: 3 }, { x0: width - 1, y0: 0, x1: width - 1, y1: height - 1 }]) {
          const values = read(box);
          const bw = box.x1 - box.x0 + 1;
          for (let y = box.y0; y <= box.y1; y++) for (let x = box.x0; x <= box.x1; x++) expect(values[(y - box.y0) * bw + x - box.x0]).toBe(smoothed[y * width + x]);
        }
      }
    }
  });
});

describe('objectIntensity', () => {
  it('measures the object on its slice, with a floor on the spread', () => {
    const values = unit(slice((x, y) => (disk(20, 20, 6)(x, y) ? 800 : 100)));
    const object = objectIntensity(values, mask(disk(20, 20, 4)), W, H);
    expect(object?.mean).toBeCloseTo(0.8, 5);
    expect(object?.spread).toBe(0.02);
    expect(objectIntensity(values, new Uint8Array(W * H), W, H)).toBeUndefined();
  });
});

describe('growSlice', () => {
  it('follows an object that moves and shrinks a little, and stays off a neighbour of another intensity', () => {
    const previous = mask(disk(20, 20, 8));
    const intensity = objectIntensity(unit(slice((x, y) => (previous[y * W + x] ? 800 : 100))), previous, W, H);
    if (!intensity) throw new Error('no object');
    // Next slice: the disk moved by 2 pixels and shrank; a brighter blob touches it on the right.
    const next = slice((x, y) => (disk(22, 21, 7)(x, y) ? 800 : disk(33, 21, 5)(x, y) ? 1000 : 100));
    const grown = growSlice(unit(next), W, H, previous, intensity);
    expect(dice(grown, mask(disk(22, 21, 7)))).toBeGreaterThan(0.9);
    expect(grown[21 * W + 35]).toBe(0);
  });

  it('stays inside the band around the previous mask, however far the look-alike region goes', () => {
    const previous = mask(disk(20, 20, 5));
    const intensity = objectIntensity(unit(slice((x, y) => (previous[y * W + x] ? 800 : 100))), previous, W, H);
    if (!intensity) throw new Error('no object');
    // The whole next slice looks like the object.
    const grown = growSlice(unit(slice(() => 800)), W, H, previous, intensity);
    const band = Math.max(2, Math.round(DEFAULT_GROW.bandFraction * Math.sqrt(previous.reduce((a, b) => a + b, 0) / Math.PI)));
    expect(grown.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (grown[y * W + x]) expect((x - 20) ** 2 + (y - 20) ** 2).toBeLessThanOrEqual((5 + band + 1) ** 2);
  });

  it('ends the object (an empty mask) where its intensity is gone', () => {
    const previous = mask(disk(20, 20, 6));
    const intensity = objectIntensity(unit(slice((x, y) => (previous[y * W + x] ? 800 : 100))), previous, W, H);
    if (!intensity) throw new Error('no object');
    expect(growSlice(unit(slice(() => 100)), W, H, previous, intensity).includes(1)).toBe(false);
    expect(growSlice(unit(slice(() => 800)), W, H, new Uint8Array(W * H), intensity).includes(1)).toBe(false);
  });
});
