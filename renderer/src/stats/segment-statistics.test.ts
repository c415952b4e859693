import { describe, expect, it } from 'vitest';
import { computeSegmentStatistics } from './segment-statistics';

/** Linear index in a 4×3×2 volume. */
const at = (i: number, j: number, k: number) => i + 4 * (j + 3 * k);

describe('computeSegmentStatistics', () => {
  it('matches a hand-computed case: volume from the spacing, bounds, population SD', () => {
    const labels = new Uint8Array(24);
    const intensities = new Float32Array(24).fill(99);
    // Segment 1: three voxels of intensity 10, 20, 30.
    labels[at(1, 0, 0)] = 1;
    intensities[at(1, 0, 0)] = 10;
    labels[at(2, 0, 0)] = 1;
    intensities[at(2, 0, 0)] = 20;
    labels[at(1, 2, 1)] = 1;
    intensities[at(1, 2, 1)] = 30;
    // Segment 2: its second-slice voxel has a smaller j than its first-slice one.
    labels[at(0, 2, 0)] = 2;
    intensities[at(0, 2, 0)] = 1;
    labels[at(0, 0, 1)] = 2;
    intensities[at(0, 0, 1)] = 3;
    // Segment 5: one voxel.
    labels[at(3, 1, 1)] = 5;
    intensities[at(3, 1, 1)] = -4;

    // 0.5 × 2 × 3 mm = 3 mm³ per voxel = 0.003 mL.
    const stats = computeSegmentStatistics({ labels, intensities, size: [4, 3, 2], spacing: [0.5, 2, 3] });
    expect(stats.map((s) => s.value)).toEqual([1, 2, 5]);
    const [one, two, five] = stats;
    expect(one).toMatchObject({ voxels: 3, first: [1, 0, 0], last: [2, 2, 1], mean: 20, min: 10, max: 30 });
    expect(one?.volumeMl).toBeCloseTo(0.009, 12);
    expect(one?.sd).toBeCloseTo(Math.sqrt(200 / 3), 12);
    expect(two).toMatchObject({ voxels: 2, first: [0, 0, 0], last: [0, 2, 1], mean: 2, sd: 1 });
    expect(five).toMatchObject({ voxels: 1, first: [3, 1, 1], last: [3, 1, 1], mean: -4, sd: 0, min: -4, max: -4 });
    expect(five?.volumeMl).toBeCloseTo(0.003, 12);
  });

  it('keeps the SD exact when it is tiny beside the mean', () => {
    const n = 100_000;
    const labels = new Uint8Array(n).fill(1);
    const intensities = new Float64Array(n).map((_, i) => 1e9 + (i % 2));
    const [s] = computeSegmentStatistics({ labels, intensities, size: [n, 1, 1], spacing: [1, 1, 1] });
    expect(s?.mean).toBe(1e9 + 0.5);
    expect(s?.sd).toBeCloseTo(0.5, 9);
  });

  it('handles 16-bit label values and refuses buffers of the wrong length', () => {
    const labels = new Uint16Array([0, 300, 300, 0]);
    const [s] = computeSegmentStatistics({ labels, intensities: new Int16Array([5, 6, 8, 5]), size: [2, 2, 1], spacing: [1, 1, 1] });
    expect(s).toMatchObject({ value: 300, voxels: 2, mean: 7, sd: 1 });
    expect(() => computeSegmentStatistics({ labels, intensities: new Int16Array(3), size: [2, 2, 1], spacing: [1, 1, 1] })).toThrow(/need 4 labels and intensities/);
  });
});
