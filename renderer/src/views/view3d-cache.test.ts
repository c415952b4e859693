import { describe, expect, it } from 'vitest';
import type { VolumeGeometry } from '../../../electron/common/volume';
import { SurfaceCache } from './view3d-cache';

const geometry: VolumeGeometry = { size: [12, 12, 12], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

function cube(labels: Uint8Array, from: number, to: number, value: number): void {
  for (let k = from; k < to; k++) for (let j = from; j < to; j++) for (let i = from; i < to; i++) labels[i + 12 * (j + 12 * k)] = value;
}

describe('SurfaceCache', () => {
  it('rebuilds only the segments whose voxels changed since the last map', () => {
    const cache = new SurfaceCache({ iterations: 0, passBand: 0.1 });
    const first = new Uint8Array(12 * 12 * 12);
    cube(first, 1, 4, 1);
    cube(first, 6, 10, 2);
    expect(cache.update(geometry, first).meshes.map((m) => m.value)).toEqual([1, 2]);

    const second = first.slice();
    second[6 + 12 * (6 + 12 * 6)] = 0; // one voxel of segment 2 erased
    const update = cache.update(geometry, second);
    expect(update.meshes.map((m) => m.value)).toEqual([2]);
    expect(update.removed).toEqual([]);

    const third = second.slice();
    cube(third, 1, 4, 0); // segment 1 erased entirely
    expect(cache.update(geometry, third)).toMatchObject({ meshes: [], removed: [1] });
  });

  it('drops every old surface when the grid changes', () => {
    const cache = new SurfaceCache({ iterations: 0, passBand: 0.1 });
    const labels = new Uint8Array(12 * 12 * 12);
    cube(labels, 1, 4, 3);
    cache.update(geometry, labels);
    const moved = { ...geometry, origin: [5, 0, 0] as const };
    expect(cache.update(moved, new Uint8Array(12 * 12 * 12))).toMatchObject({ meshes: [], removed: [3] });
  });
});
