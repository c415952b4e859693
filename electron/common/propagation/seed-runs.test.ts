import { describe, expect, it } from 'vitest';
import { packSeedRuns, unpackSeedRuns } from './seed-runs';

/** A label map with runs at odd offsets, across word boundaries and at both ends. */
function sample<T extends Uint8Array | Uint16Array>(labels: T): T {
  labels.fill(2, 0, 3);
  labels.fill(7, 5, 9);
  labels.fill(3, 9, 10);
  labels.fill(1, 63, 70);
  labels.fill(5, labels.length - 2);
  return labels;
}

describe('seed runs', () => {
  it('give back the same uint8 and uint16 label maps, and are small for a sparse one', () => {
    for (const labels of [sample(new Uint8Array(1001)), sample(new Uint16Array(1001))]) {
      const runs = packSeedRuns(labels);
      // 5 runs of 3 one-byte numbers, but the gap of 929 before the last takes two bytes.
      expect(runs.byteLength).toBe(5 * 3 + 1);
      const back = labels instanceof Uint8Array ? new Uint8Array(labels.length) : new Uint16Array(labels.length);
      unpackSeedRuns(runs, back);
      expect(back).toEqual(labels);
    }
  });

  it('pack a view that does not start on a word boundary', () => {
    const whole = new Uint8Array(40);
    const view = new Uint8Array(whole.buffer, 1, 30);
    view.fill(4, 2, 6);
    view[29] = 9;
    const back = new Uint8Array(30);
    unpackSeedRuns(packSeedRuns(view), back);
    expect(back).toEqual(view);
  });

  it('keep uint16 values above 255', () => {
    const labels = new Uint16Array(10);
    labels[4] = 300;
    const back = new Uint16Array(10);
    unpackSeedRuns(packSeedRuns(labels), back);
    expect(back[4]).toBe(300);
  });

  it('refuse runs past the volume, values beyond the type and truncated codes', () => {
    const labels = new Uint8Array(20).fill(1, 10);
    expect(() => unpackSeedRuns(packSeedRuns(labels), new Uint8Array(15))).toThrow(/run past the volume's 15 voxels/);
    const big = new Uint16Array(4);
    big[0] = 300;
    expect(() => unpackSeedRuns(packSeedRuns(big), new Uint8Array(4))).toThrow(/value 300, which is not a uint8 label/);
    expect(() => unpackSeedRuns(new Uint8Array([0x80]).buffer, new Uint8Array(4))).toThrow(/middle of a number/);
  });
});
