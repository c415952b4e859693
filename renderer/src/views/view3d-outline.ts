/** The volume's outline in the 3D view: the corners of its voxel box in the world, and the 12 edges. */
import { indexToWorld, type VolumeGeometry } from '../../../electron/common/volume';

/** Corner n has index -0.5 or size - 0.5 on axis a as bit a of n is 0 or 1 (voxel edges, not centres). */
export function outlineCorners(g: VolumeGeometry): [number, number, number][] {
  const corners: [number, number, number][] = [];
  for (let n = 0; n < 8; n++) {
    const index = [0, 1, 2].map((a) => ((n >> a) & 1 ? g.size[a] ?? 0 : 0) - 0.5) as [number, number, number];
    corners.push(indexToWorld(g, index));
  }
  return corners;
}

/** Pairs of corners that differ on exactly one axis. */
export const OUTLINE_EDGES: readonly (readonly [number, number])[] = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((a) =>
  [1, 2, 4].filter((bit) => (a & bit) === 0).map((bit) => [a, a | bit] as const),
);
