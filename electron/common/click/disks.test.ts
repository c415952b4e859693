import { describe, expect, it } from 'vitest';
import { diskMaps } from './disks';

describe('diskMaps', () => {
  it('draws radius-5 disks ((dx² + dy²) ≤ 25: 81 pixels) in the positive and negative planes', () => {
    const maps = diskMaps([{ x: 20, y: 15, positive: true }, { x: 5.4, y: 30.6, positive: false }], 40, 40, 5);
    const plane = 1600;
    const pos = maps.subarray(0, plane);
    const neg = maps.subarray(plane);
    expect(pos.reduce((a, b) => a + b, 0)).toBe(81);
    expect(pos[15 * 40 + 25]).toBe(1); // (dx, dy) = (5, 0)
    expect(pos[19 * 40 + 23]).toBe(1); // (3, 4): 25
    expect(pos[19 * 40 + 24]).toBe(0); // (4, 4): 32
    expect(pos[15 * 40 + 26]).toBe(0);
    // Rounded to (5, 31); clipped at nothing: full disk.
    expect(neg.reduce((a, b) => a + b, 0)).toBe(81);
    expect(neg[31 * 40 + 5]).toBe(1);
  });

  it('clips disks at the grid edge', () => {
    const maps = diskMaps([{ x: 0, y: 0, positive: true }], 10, 10, 5);
    // Quarter disk including the axes: points with x, y ≥ 0 and x² + y² ≤ 25.
    expect(maps.subarray(0, 100).reduce((a, b) => a + b, 0)).toBe(26);
  });
});
