import { describe, expect, it } from 'vitest';
import { decodeMaskRuns, encodeMaskRuns } from './mask-runs';

describe('mask runs', () => {
  it('round-trips masks that start and end either way, empty and full', () => {
    const masks = [
      Uint8Array.from([0, 0, 1, 1, 1, 0, 1]),
      Uint8Array.from([1, 1, 0, 0]),
      Uint8Array.from([5, 0, 255]), // non-zero is inside
      new Uint8Array(9),
      new Uint8Array(9).fill(1),
      new Uint8Array(0),
    ];
    for (const mask of masks) {
      expect(Array.from(decodeMaskRuns(encodeMaskRuns(mask), mask.length))).toEqual(Array.from(mask, (v) => (v === 0 ? 0 : 1)));
    }
    expect(Array.from(encodeMaskRuns(Uint8Array.from([1, 1, 0, 0])))).toEqual([0, 2, 2]);
  });

  it('is small for a blob on a large slice', () => {
    const size = 384;
    const mask = new Uint8Array(size * size).map((_, n) => (((n % size) - 200) ** 2 + (Math.floor(n / size) - 150) ** 2 < 40 ** 2 ? 1 : 0));
    const runs = encodeMaskRuns(mask);
    expect(runs.byteLength).toBeLessThan(1024);
    expect(decodeMaskRuns(runs, mask.length)).toEqual(mask);
  });

  it('refuses runs that do not cover the slice exactly', () => {
    expect(() => decodeMaskRuns(Uint32Array.from([2, 3]), 6)).toThrow(/cover 5 pixels, not the slice's 6/);
    expect(() => decodeMaskRuns(Uint32Array.from([2, 5]), 6)).toThrow(/cover 7 pixels/);
  });
});
