import { describe, expect, it } from 'vitest';
import { indexToWorld, type VolumeGeometry } from '../../../electron/common/volume';
import { firstVoxelAlongRay } from './view3d-pick';

const geometry: VolumeGeometry = { size: [10, 8, 6], spacing: [2, 1, 3], origin: [5, 5, 5], direction: [0, 1, 0, -1, 0, 0, 0, 0, 1] };

function labelsWith(voxels: readonly (readonly [number, number, number, number])[]): Uint8Array {
  const labels = new Uint8Array(10 * 8 * 6);
  for (const [i, j, k, v] of voxels) labels[i + 10 * (j + 8 * k)] = v;
  return labels;
}

describe('firstVoxelAlongRay', () => {
  const labels = labelsWith([
    [4, 3, 1, 2],
    [4, 3, 4, 1],
  ]);
  // A ray along the k axis through column (4, 3), from below the volume to above it.
  const below = indexToWorld(geometry, [4, 3, -5]);
  const above = indexToWorld(geometry, [4, 3, 20]);

  it('stops at the nearest voxel of a wanted value', () => {
    expect(firstVoxelAlongRay(labels, geometry, new Set([1, 2]), below, above)).toEqual([4, 3, 1]);
    expect(firstVoxelAlongRay(labels, geometry, new Set([1, 2]), above, below)).toEqual([4, 3, 4]);
  });

  it('looks through hidden segments', () => {
    expect(firstVoxelAlongRay(labels, geometry, new Set([1]), below, above)).toEqual([4, 3, 4]);
  });

  it('finds nothing on a ray that misses the segments or the volume', () => {
    expect(firstVoxelAlongRay(labels, geometry, new Set([1, 2]), indexToWorld(geometry, [0, 0, -5]), indexToWorld(geometry, [0, 0, 20]))).toBeUndefined();
    expect(firstVoxelAlongRay(labels, geometry, new Set([1, 2]), indexToWorld(geometry, [40, 3, -5]), indexToWorld(geometry, [40, 3, 20]))).toBeUndefined();
  });
});
