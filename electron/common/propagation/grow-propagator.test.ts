import { describe, expect, it } from 'vitest';
import { gridVolume, type Volume, type VoxelArray } from '../volume';
import { sliceLayout } from '../slice';
import { GrowPropagator } from './grow-propagator';
import { confusion, scoresOf } from './metrics';
import { sliceAreas } from './slices';

const W = 40;
const H = 40;
const D = 24;

/** A bright ball (radius 8, centre slice 12) on a dark background, labelled 1, and a cube labelled 2 off to the side. */
function ballScene(): { image: Volume; truth: Uint8Array } {
  const image = new Float32Array(W * H * D);
  const truth = new Uint8Array(W * H * D);
  for (let z = 0; z < D; z++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = x + W * (y + H * z);
        const inBall = (x - 16) ** 2 + (y - 20) ** 2 + (z - 12) ** 2 <= 64;
        image[i] = inBall ? 900 + ((x * 7 + y * 3 + z) % 11) : 100 + ((x + 2 * y + 3 * z) % 13);
        if (inBall) truth[i] = 1;
        else if (x >= 32 && x < 38 && y >= 4 && y < 10) truth[i] = 2;
      }
  return { image: gridVolume([W, H, D], image), truth };
}

function seedsFrom(truth: Uint8Array, slices: readonly number[]): Volume {
  const seeds = new Uint8Array(truth.length);
  for (const z of slices) seeds.set(truth.subarray(z * W * H, (z + 1) * W * H), z * W * H);
  return gridVolume([W, H, D], seeds);
}

function dice(a: VoxelArray, b: Uint8Array, label: number): number {
  return scoresOf(confusion(a, b, label)).dsc;
}

describe('grow propagation', () => {
  it('grows an object that stands out from one given slice to its ends, and no further', async () => {
    const { image, truth } = ballScene();
    const updates: number[] = [];
    const outcome = await new GrowPropagator().propagate(image, seedsFrom(truth, [12]), { axis: 2, labels: [1] }, (u) => updates.push(u.slice));
    expect(outcome.method).toBe('grow');
    expect(dice(outcome.labels.voxels, truth, 1)).toBeGreaterThan(0.9);
    const areas = sliceAreas(outcome.labels.voxels, sliceLayout([W, H, D], 2), 1);
    // The ball spans slices 4–20 (a single voxel at each end); nothing is grown past ±1 of them.
    for (let z = 0; z < D; z++) if (z < 3 || z > 21) expect(areas[z], `slice ${z}`).toBe(0);
    // Every other slice streamed once.
    expect([...updates].sort((a, b) => a - b)).toEqual(Array.from({ length: D }, (_, z) => z).filter((z) => z !== 12));
  });

  it('fills between two given slices from both sides, and never writes a locked label', async () => {
    const { image, truth } = ballScene();
    const seeds = seedsFrom(truth, [8, 16]);
    const outcome = await new GrowPropagator().propagate(image, seeds, { axis: 2, labels: [1], locked: [2] });
    const labels = outcome.labels.voxels;
    const layout = sliceLayout([W, H, D], 2);
    const inner = sliceAreas(labels, layout, 1);
    const expected = sliceAreas(truth, layout, 1);
    for (let z = 9; z <= 15; z++) expect(Math.abs((inner[z] ?? 0) - (expected[z] ?? 0)), `slice ${z}`).toBeLessThanOrEqual(0.15 * (expected[z] ?? 0));
    expect(outcome.propagated).toEqual([1]);
    // Label 2 is only where the seeds had it (slices 8 and 16).
    const locked = sliceAreas(labels, layout, 2);
    for (let z = 0; z < D; z++) expect(locked[z], `slice ${z}`).toBe(z === 8 || z === 16 ? 36 : 0);
  });

  it('stops when cancelled and leaves the seeds untouched', async () => {
    const { image, truth } = ballScene();
    const seeds = seedsFrom(truth, [12]);
    const before = Uint8Array.from(seeds.voxels);
    const signal = { aborted: false };
    let seen = 0;
    const run = new GrowPropagator().propagate(image, seeds, { axis: 2 }, () => {
      seen++;
      signal.aborted = true;
    }, signal);
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(seen).toBeLessThan(D - 1);
    expect(Array.from(seeds.voxels)).toEqual(Array.from(before));
  });
});
