import { describe, expect, it, vi } from 'vitest';
import { gridVolume, type Volume } from '../volume';
import { FakePropagationNetworks } from './fake-networks';
import { MemoryPropagator } from './memory-engine';
import { ReadoutMemory, type ReadoutKernel, type ReadoutWindow } from './readout';
import type { SliceUpdate } from './propagator';
import { readSlice, sliceLayout } from '../slice';
import { sliceAreas } from './slices';

const W = 64;
const H = 64;
const D = 30;

function volume(voxels: Uint8Array | Float32Array): Volume {
  return gridVolume([W, H, D], voxels);
}

/** Bright where `inside(x, y, z)`; returns the image and the full truth label map. */
function scene(inside: (x: number, y: number, z: number) => number): { image: Volume; truth: Uint8Array } {
  const image = new Float32Array(W * H * D);
  const truth = new Uint8Array(W * H * D);
  for (let z = 0; z < D; z++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const label = inside(x, y, z);
        image[x + W * (y + H * z)] = label > 0 ? 1 : 0;
        truth[x + W * (y + H * z)] = label;
      }
  return { image: volume(image), truth };
}

function seedsFrom(truth: Uint8Array, slices: readonly number[]): Volume {
  const seeds = new Uint8Array(truth.length);
  for (const z of slices) seeds.set(truth.subarray(z * W * H, (z + 1) * W * H), z * W * H);
  return volume(seeds);
}

const box = (x0: number, x1: number, y0: number, y1: number) => (x: number, y: number) => x >= x0 && x < x1 && y >= y0 && y < y1;

describe('memory propagation engine (fake networks)', () => {
  it('follows the object both ways from one slice and stops at its ends', async () => {
    const inBox = box(16, 48, 16, 48);
    // The object spans slices 8–22; a second bright blob at 26–28 sits right under it.
    const { image, truth } = scene((x, y, z) => (z >= 8 && z <= 22 && inBox(x, y) ? 1 : z >= 26 && z <= 28 && inBox(x, y) ? 2 : 0));
    const seeds = seedsFrom(truth, [15]);
    const updates: SliceUpdate[] = [];
    const engine = new MemoryPropagator(new FakePropagationNetworks());
    const outcome = await engine.propagate(image, seeds, { axis: 2 }, (u) => updates.push(u));
    const areas = sliceAreas(outcome.labels.voxels, sliceLayout(image.geometry.size, 2), 1);
    for (let z = 0; z < D; z++) expect(areas[z], `slice ${z}`).toBe(z >= 8 && z <= 22 ? 32 * 32 : 0);
    // Stopped at the ends instead of running to the volume's edge: slices 0–6 and 24–29 never decoded.
    expect(outcome.computedSlices).toBe(22 - 8 + 2);
    expect(updates.length).toBe(D - 1);
    expect(updates.at(-1)?.done).toBe(updates.at(-1)?.total);
    expect(outcome.written.length).toBe(D - 1);
  });

  /** Same bright square on every slice; slice 5 annotates its left half, slice 15 all of it. */
  function gapScene(): { image: Volume; seedVoxels: Uint8Array } {
    const inBox = box(0, 64, 0, 60); // a dark strip so the intensity window is not degenerate
    const { image } = scene((x, y) => (inBox(x, y) ? 1 : 0));
    const seedVoxels = new Uint8Array(W * H * D);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        if (x < 32) seedVoxels[x + W * (y + H * 5)] = 1;
        seedVoxels[x + W * (y + H * 15)] = 1;
      }
    return { image, seedVoxels };
  }

  it('keeps the suspect evidence of its last request: disagreement in gaps, uncertainty where it decided, object ends', async () => {
    const { image, seedVoxels } = gapScene();
    const engine = new MemoryPropagator(new FakePropagationNetworks(), { rememberGapEnds: false });
    const outcome = await engine.propagate(image, volume(seedVoxels), { axis: 2 });
    const evidence = engine.lastEvidence[0];
    expect(evidence?.label).toBe(1);
    // The two runs disagree on the right half between the annotations (slices 6–14) only.
    expect([...(evidence?.disagreement.keys() ?? [])].sort((a, b) => a - b)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(evidence?.disagreement.get(6)).toBeGreaterThan(0.2);
    // Every slice the engine decided has an uncertainty; the annotations have none and are never flagged.
    expect(evidence?.uncertainty?.has(5)).toBe(false);
    expect(evidence?.uncertainty?.has(6)).toBe(true);
    expect(evidence?.written?.has(15)).toBe(false);
    expect(evidence?.objectEnd?.[16]).toBeGreaterThan(0);
    expect(evidence?.objectEnd?.[10]).toBe(0);
    expect(outcome.suspects.some((s) => s.slice === 5 || s.slice === 15)).toBe(false);
  });

  it('adds a prediction to the memory every memoryEvery slices', async () => {
    // The object fills every slice, so both runs go to the volume's ends: 14…0 and 16…29.
    const { image, truth } = scene((x, y) => (box(16, 48, 16, 48)(x, y) ? 1 : 0));
    const valueEncodes = async (memoryEvery: number): Promise<number> => {
      const networks = new FakePropagationNetworks();
      await new MemoryPropagator(networks, { memoryEvery }).propagate(image, seedsFrom(truth, [15]), { axis: 2 });
      return networks.calls.value;
    };
    // The seed once (both runs share its value), then a prediction every k-th step but never a
    // run's last slice: 15 steps down (the 15th is slice 0), 14 up (the 14th is slice 29).
    expect(await valueEncodes(1)).toBe(1 + 14 + 13);
    expect(await valueEncodes(5)).toBe(1 + 2 + 2);
  });

  it('fuses the two nearest annotated slices, weighted by distance', async () => {
    const { image, seedVoxels } = gapScene();
    // The far annotations stay out of each run's memory here, so the fusion alone decides.
    const engine = new MemoryPropagator(new FakePropagationNetworks(), { rememberGapEnds: false });
    const outcome = await engine.propagate(image, volume(seedVoxels), { axis: 2, range: [6, 14] });
    const layout = sliceLayout(image.geometry.size, 2);
    for (let z = 6; z <= 14; z++) {
      const slice = readSlice(outcome.labels.voxels, layout, z, new Uint8Array(W * H));
      // Right half: forward says 0, backward says 1 → fused = (z − 5)/10: in the object past 10.
      if (z !== 10) expect(slice[40], `slice ${z} right`).toBe(z > 10 ? 1 : 0);
      expect(slice[8], `slice ${z} left`).toBe(1);
    }
    expect(outcome.written).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14]);
    // The two directions disagree on the right half (1 − Dice of a half and a whole: 1/3), under
    // the default disagreement threshold (0.5), so the evidence is kept but nothing is flagged for it.
    expect(engine.lastEvidence[0]?.disagreement.get(10)).toBeGreaterThan(0.25);
    expect(outcome.suspects.some((s) => s.reason === 'disagreement')).toBe(false);
  });

  it('keeps both annotations of a gap in each run\'s memory, whatever the memory size, encoding each once', async () => {
    const { image, seedVoxels } = gapScene();
    const encoded = async (rememberGapEnds: boolean): Promise<{ added: number[]; encodes: number }> => {
      // The fake's value is the mask's mean per 16 × 16 block: its sum × 256 is the mask's area.
      const added: number[] = [];
      const add = Object.getOwnPropertyDescriptor(ReadoutMemory.prototype, 'add')?.value as (this: ReadoutMemory, key: Float32Array, value: Float32Array) => void;
      vi.spyOn(ReadoutMemory.prototype, 'add').mockImplementation(function (this: ReadoutMemory, key: Float32Array, value: Float32Array) {
        added.push(Math.round(value.reduce((a, b) => a + b, 0) * 256));
        add.call(this, key, value);
      });
      const networks = new FakePropagationNetworks();
      try {
        await new MemoryPropagator(networks, { rememberGapEnds, maxMemoryFrames: 1 }).propagate(image, volume(seedVoxels), { axis: 2, range: [6, 14] });
      } finally {
        vi.restoreAllMocks();
      }
      return { added, encodes: networks.calls.value };
    };
    const half = 32 * H;
    const full = W * H;
    // Origin only: the forward run starts from slice 5's half square, the backward one from 15's square.
    expect(await encoded(false)).toEqual({ added: [half, full], encodes: 2 });
    // Both ends: each run holds its origin, then the far annotation; each annotation is encoded once.
    expect(await encoded(true)).toEqual({ added: [half, full, full, half], encodes: 2 });
  });

  it('keeps keys cached per volume, so a re-propagation encodes no key again', async () => {
    const { image, truth } = scene((x, y, z) => (z >= 4 && z <= 25 && box(16, 48, 16, 48)(x, y) ? 1 : 0));
    const networks = new FakePropagationNetworks();
    const engine = new MemoryPropagator(networks);
    await engine.propagate(image, seedsFrom(truth, [10, 20]), { axis: 2 });
    const keys = networks.calls.key;
    await engine.propagate(image, seedsFrom(truth, [10, 14, 20]), { axis: 2, range: [11, 19] });
    expect(networks.calls.key).toBe(keys);
    engine.forget(image);
    await engine.propagate(image, seedsFrom(truth, [10, 14, 20]), { axis: 2, range: [11, 13] });
    expect(networks.calls.key).toBeGreaterThan(keys);
  });

  it('propagates each label and respects locked segments', async () => {
    const { image, truth } = scene((x, y, z) => (z >= 2 && z <= 27 ? (x < 32 ? 1 : 2) : 0));
    const seeds = seedsFrom(truth, [14]);
    // Label 3 is locked and painted over part of slice 16 (where labels 1 would go).
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) seeds.voxels[x + W * (y + H * 16)] = 3;
    const engine = new MemoryPropagator(new FakePropagationNetworks());
    const outcome = await engine.propagate(image, seeds, { axis: 2, locked: [3], annotatedSlices: [14] });
    expect(outcome.propagated).toEqual([1, 2]);
    const layout = sliceLayout(image.geometry.size, 2);
    const s16 = readSlice(outcome.labels.voxels, layout, 16, new Uint8Array(W * H));
    expect(s16[0]).toBe(3);
    expect(s16[8 + W * 8]).toBe(1);
    expect(s16[40]).toBe(2);
  });

  it('stops promptly when cancelled and leaves the seeds untouched', async () => {
    const { image, truth } = scene((x, y, z) => (box(16, 48, 16, 48)(x, y) && z > 0 ? 1 : 0));
    const seeds = seedsFrom(truth, [2]);
    const before = Uint8Array.from(seeds.voxels);
    const controller = new AbortController();
    const networks = new FakePropagationNetworks();
    let after = 0;
    const engine = new MemoryPropagator(networks);
    const run = engine.propagate(
      image,
      seeds,
      { axis: 2 },
      (u) => {
        if (controller.signal.aborted) after++;
        if (u.done === 3) controller.abort();
      },
      controller.signal,
    );
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(after).toBe(0);
    expect(networks.calls.decode).toBeLessThanOrEqual(4);
    expect([...seeds.voxels]).toEqual([...before]);
  });

  it('rejects seeds of another size', async () => {
    const engine = new MemoryPropagator(new FakePropagationNetworks());
    const { image } = scene(() => 0);
    const seeds: Volume = gridVolume([2, 2, 2], new Uint8Array(8));
    await expect(engine.propagate(image, seeds, { axis: 2 })).rejects.toMatchObject({ code: 'geometry-mismatch' });
  });
});

describe('the read-out window the networks were trained with', () => {
  /** Fake networks that declare a window and whose read-out kernel records how many tiles each read had. */
  class WindowedNetworks extends FakePropagationNetworks {
    readonly tilesPerRead: number[] = [];
    readonly readoutKernel: ReadoutKernel = (_query, memory, dims) => {
      this.tilesPerRead.push(memory.tiles);
      return Promise.resolve(new Float32Array(memory.tiles * memory.queriesPerTile * dims.valueDim));
    };
    constructor(readonly readoutWindow: ReadoutWindow | null) {
      super();
    }
  }

  async function tilesRead(networks: WindowedNetworks, options: { readoutWindow?: ReadoutWindow | null } = {}): Promise<number[]> {
    const inBox = box(16, 48, 16, 48);
    const { image, truth } = scene((x, y, z) => (z >= 8 && z <= 22 && inBox(x, y) ? 1 : 0));
    await new MemoryPropagator(networks, options).propagate(image, seedsFrom(truth, [15]), { axis: 2 });
    return [...new Set(networks.tilesPerRead)];
  }

  it('is used unless the caller names another (64² slices at stride 16: a 4 × 4 grid, tiles of 2 → 4 tiles)', async () => {
    expect(await tilesRead(new WindowedNetworks({ tile: 2, radius: 0 }))).toEqual([4]);
    expect(await tilesRead(new WindowedNetworks(null))).toEqual([1]);
    expect(await tilesRead(new WindowedNetworks({ tile: 2, radius: 0 }), { readoutWindow: null })).toEqual([1]);
    expect(await tilesRead(new WindowedNetworks(null), { readoutWindow: { tile: 2, radius: 1 } })).toEqual([4]);
  });
});
