import { describe, expect, it } from 'vitest';
import { OUTLINE_EDGES, outlineCorners } from './view3d-outline';

describe('volume outline', () => {
  it('has the twelve edges of a box', () => {
    expect(OUTLINE_EDGES).toHaveLength(12);
    expect(new Set(OUTLINE_EDGES.map(([a, b]) => `${a}-${b}`)).size).toBe(12);
  });

  it('puts the corners on the voxel edges, in the world', () => {
    const corners = outlineCorners({ size: [4, 2, 3], spacing: [2, 1, 1], origin: [10, 0, 0], direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1] });
    expect(corners[0]).toEqual([11, -0.5, -0.5]);
    expect(corners[7]).toEqual([10 - 3.5 * 2, 1.5, 2.5]);
    // Every edge is parallel to one world axis here.
    for (const [a, b] of OUTLINE_EDGES) {
      const p = corners[a] ?? [0, 0, 0];
      const q = corners[b] ?? [0, 0, 0];
      expect(p.filter((v, n) => v !== q[n])).toHaveLength(1);
    }
  });
});
