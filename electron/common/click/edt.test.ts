import { describe, expect, it } from 'vitest';
import { squaredEdt } from './edt';

function bruteForce(mask: Uint8Array, width: number, height: number, pad: boolean): Float64Array {
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] === 0) continue;
      let best = Infinity;
      for (let v = pad ? -1 : 0; v < (pad ? height + 1 : height); v++) {
        for (let u = pad ? -1 : 0; u < (pad ? width + 1 : width); u++) {
          const inside = u >= 0 && v >= 0 && u < width && v < height;
          if (inside && mask[v * width + u] !== 0) continue;
          best = Math.min(best, (u - x) ** 2 + (v - y) ** 2);
        }
      }
      out[y * width + x] = best;
    }
  }
  return out;
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('squaredEdt (Felzenszwalb–Huttenlocher)', () => {
  it('equals brute force on random small masks, with and without border padding', () => {
    const rand = random(7);
    for (let trial = 0; trial < 60; trial++) {
      const width = 1 + Math.floor(rand() * 13);
      const height = 1 + Math.floor(rand() * 11);
      const density = rand();
      const mask = new Uint8Array(width * height).map(() => (rand() < density ? 1 : 0));
      for (const pad of [true, false]) {
        expect(Array.from(squaredEdt(mask, width, height, pad))).toEqual(Array.from(bruteForce(mask, width, height, pad)));
      }
    }
  });

  it('is infinite everywhere for an all-foreground mask without padding, and 1 on the edge with it', () => {
    const mask = new Uint8Array(12).fill(1);
    expect(Array.from(squaredEdt(mask, 4, 3, false)).every((v) => v === Infinity)).toBe(true);
    const padded = squaredEdt(mask, 4, 3, true);
    expect(padded[0]).toBe(1);
    expect(padded[5]).toBe(4);
  });
});
