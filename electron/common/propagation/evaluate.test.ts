import { describe, expect, it } from 'vitest';
import type { Volume } from '../volume';
import { evaluatePropagation } from './evaluate';
import type { PropagationOutcome, Propagator } from './propagator';

const size: [number, number, number] = [4, 4, 20];
const truth = new Uint8Array(4 * 4 * 20);
// Label 2: a 2×2 square on slices 5–14.
for (let z = 5; z <= 14; z++) for (const [x, y] of [[1, 1], [2, 1], [1, 2], [2, 2]] as const) truth[x + 4 * (y + 4 * z)] = 2;
const volume = (voxels: Uint8Array): Volume => ({ geometry: { size, spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, componentType: 'uint8', voxels });

function fake(result: (seeds: Volume) => Uint8Array): Propagator & { annotated: number[][] } {
  const annotated: number[][] = [];
  return {
    method: 'interpolation',
    annotated,
    propagate(_image, seeds, options): Promise<PropagationOutcome> {
      annotated.push([...(options.annotatedSlices ?? [])]);
      return Promise.resolve({ labels: volume(result(seeds)), method: 'interpolation', propagated: [2], written: [], computedSlices: 8, elapsedMs: 80, suspects: [] });
    },
  };
}

describe('given-slice evaluation', () => {
  it('gives evenly spaced slices within the extent and scores not-given and whole volume apart', async () => {
    const keepSeeds = fake((seeds) => Uint8Array.from(seeds.voxels));
    const r = await evaluatePropagation(keepSeeds, volume(new Uint8Array(truth.length)), volume(truth), { label: 2, axis: 2, given: [1, 5], seed: 'gt' });
    expect(r.extent).toEqual([5, 14]);
    expect(keepSeeds.annotated).toEqual([[10], [6, 8, 10, 12, 14]]);
    const five = r.given['5'];
    // Propagating nothing: 0 over the slices not given, but the paper's whole-volume score
    // credits the given ground truth (5 of 10 slices → sensitivity 50%, DSC 2/3).
    expect(five?.notGiven.dsc).toBe(0);
    expect(five?.whole.sen).toBeCloseTo(0.5);
    expect(five?.whole.dsc).toBeCloseTo(2 / 3);
    expect(five?.seeds.dsc).toBe(1);
    expect(five?.msPerSlice).toBe(10);
    // Given 6…14: slice 5 lies before them (4 voxels missed), 7, 9, 11, 13 between, none after.
    expect(five?.notGivenByRegion).toEqual({ before: { tp: 0, fp: 0, fn: 4 }, between: { tp: 0, fp: 0, fn: 16 }, after: { tp: 0, fp: 0, fn: 0 } });
  });

  it('scores a perfect propagation 1 everywhere, and asks for a seed maker with click seeds', async () => {
    const perfect = fake(() => Uint8Array.from(truth));
    const r = await evaluatePropagation(perfect, volume(new Uint8Array(truth.length)), volume(truth), { label: 2, axis: 2, given: [3], seed: 'gt' });
    expect(r.given['3']?.notGiven).toEqual({ dsc: 1, sen: 1, ppv: 1, iou: 1 });
    await expect(evaluatePropagation(perfect, volume(truth), volume(truth), { label: 2, axis: 2, given: [3], seed: 'clicks' })).rejects.toThrow(/seed maker/);
    await expect(evaluatePropagation(perfect, volume(truth), volume(truth), { label: 7, axis: 2, given: [3], seed: 'gt' })).rejects.toThrow(/not in the label map/);
  });
});
