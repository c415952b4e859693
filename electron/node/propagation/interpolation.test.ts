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

  it('interpolates each gap from its two slices alone, along any axis: a range gives the same pixels as the whole run, and densely given slices fill their gaps', async () => {
    // A disk whose centre and radius drift along axis 0, given on slices 2, 3, 4, 9, 10 and 17
    // (adjacent slices and gaps of 5 and 7).
    const size: [number, number, number] = [20, 28, 28];
    const truth = new Uint8Array(20 * 28 * 28);
    const at = (i: number, j: number, k: number): number => i + 20 * (j + 28 * k);
    for (let i = 2; i <= 17; i++) {
      const r = 4 + i / 3;
      for (let k = 0; k < 28; k++) for (let j = 0; j < 28; j++) if ((j - 10 - i / 4) ** 2 + (k - 14) ** 2 <= r * r) truth[at(i, j, k)] = 1;
    }
    const given = [2, 3, 4, 9, 10, 17];
    const seeds = new Uint8Array(truth.length);
    for (const i of given) for (let k = 0; k < 28; k++) for (let j = 0; j < 28; j++) seeds[at(i, j, k)] = truth[at(i, j, k)] ?? 0;
    const image = vol(new Float32Array(seeds.length), size);
    const propagator = new InterpolationPropagator();
    const whole = await propagator.propagate(image, vol(seeds, size), { axis: 0, labels: [1], annotatedSlices: given });
    const areas = sliceAreas(whole.labels.voxels, sliceLayout(size, 0), 1);
    const trueAreas = sliceAreas(truth, sliceLayout(size, 0), 1);
    for (const i of [5, 6, 7, 8, 11, 12, 13, 14, 15, 16]) expect(Math.abs((areas[i] ?? 0) - (trueAreas[i] ?? 0)) / (trueAreas[i] ?? 1), `slice ${i}`).toBeLessThan(0.25);
    for (const [a, b] of [
      [6, 6],
      [12, 15],
      [7, 13],
    ] as const) {
      const part = await propagator.propagate(image, vol(seeds, size), { axis: 0, labels: [1], annotatedSlices: given, range: [a, b] });
      for (let i = a; i <= b; i++) {
        for (let k = 0; k < 28; k++) for (let j = 0; j < 28; j++) expect(part.labels.voxels[at(i, j, k)], `range ${a}–${b}, voxel ${i},${j},${k}`).toBe(whole.labels.voxels[at(i, j, k)]);
      }
    }
  });
});
