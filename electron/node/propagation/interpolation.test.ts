import { describe, expect, it } from 'vitest';
import type { Volume } from '../../common/volume';
import { sliceLayout } from '../../common/slice';
import { sliceAreas } from '../../common/propagation/slices';
import { InterpolationPropagator } from './interpolation';

function vol(voxels: Uint8Array | Float32Array, size: [number, number, number]): Volume {
  return { geometry: { size, spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, componentType: voxels instanceof Uint8Array ? 'uint8' : 'float32', voxels };
}

describe('interpolation baseline (morphological contour interpolation)', () => {
  it('fills between annotated slices along the axis, not beyond them, and respects locks', async () => {
    const size: [number, number, number] = [32, 32, 20];
    const seeds = new Uint8Array(32 * 32 * 20);
    // A disk of radius 6 on slice 4 and radius 10 on slice 14 (axis 2); label 5 locked on slice 9.
    for (const [z, r] of [
      [4, 6],
      [14, 10],
    ] as const)
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) if ((x - 16) ** 2 + (y - 16) ** 2 <= r * r) seeds[x + 32 * (y + 32 * z)] = 1;
    seeds[16 + 32 * (16 + 32 * 9)] = 5;
    const image = vol(new Float32Array(seeds.length), size);
    const slices: number[] = [];
    const outcome = await new InterpolationPropagator().propagate(image, vol(seeds, size), { axis: 2, locked: [5] }, (u) => slices.push(u.slice));
    const areas = sliceAreas(outcome.labels.voxels, sliceLayout(size, 2), 1);
    for (let z = 5; z < 14; z++) expect(areas[z], `slice ${z}`).toBeGreaterThan(100);
    expect(areas[9]).toBeGreaterThan(areas[5] ?? 0);
    for (const z of [0, 3, 15, 19]) expect(areas[z]).toBe(0);
    expect(outcome.labels.voxels[16 + 32 * (16 + 32 * 9)]).toBe(5);
    expect(slices.length).toBe(18);
  });
});
