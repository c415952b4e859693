import { describe, expect, it } from 'vitest';
import { gridVolume, type Volume } from '../volume';
import { LabelAssembler, labelsToPropagate } from './assembler';
import { AutoPropagator, EXTEND_MIN, EXTENSION_GROWTH, GROW_OVER_MEMORY, MEMORY_MARGIN, commitGuarded, extensionChoice, gateChoice, oneSliceChoice } from './auto-propagator';
import { FakePropagationNetworks } from './fake-networks';
import { GrowPropagator } from './grow-propagator';
import { MemoryPropagator } from './memory-engine';
import type { PropagateOptions } from './options';
import type { PropagationOutcome, Propagator } from './propagator';
import { planSegments, totalWrites } from './segments';
import { readSlice, sliceLayout } from '../slice';
import { sliceAreas } from './slices';

const W = 64;
const H = 64;
const D = 30;

function volume(voxels: Uint8Array | Float32Array): Volume {
  return gridVolume([W, H, D], voxels);
}

/** Image brightness and truth label from two functions of (x, y, z). */
function scene(bright: (x: number, y: number, z: number) => boolean, label: (x: number, y: number, z: number) => number): { image: Volume; truth: Uint8Array } {
  const image = new Float32Array(W * H * D);
  const truth = new Uint8Array(W * H * D);
  for (let z = 0; z < D; z++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        image[x + W * (y + H * z)] = bright(x, y, z) ? 1 : 0;
        truth[x + W * (y + H * z)] = label(x, y, z);
      }
  return { image: volume(image), truth };
}

function seedsFrom(truth: Uint8Array, slices: readonly number[]): Volume {
  const seeds = new Uint8Array(truth.length);
  for (const z of slices) seeds.set(truth.subarray(z * W * H, (z + 1) * W * H), z * W * H);
  return volume(seeds);
}

/**
 * A stand-in for contour interpolation: each slice between two annotated slices copies the
 * nearer one's mask; nothing beyond the outermost ones (interpolation never extrapolates).
 */
class NearestSliceInterpolation implements Propagator {
  readonly method = 'interpolation' as const;
  calls = 0;

  propagate(image: Volume, seeds: Volume, options: PropagateOptions): Promise<PropagationOutcome> {
    this.calls++;
    const locked = new Set(options.locked ?? []);
    const labels = labelsToPropagate(seeds, options.labels, locked);
    const layout = sliceLayout(seeds.geometry.size, options.axis);
    const tasks = planSegments(seeds, layout, labels, options);
    const assembler = new LabelAssembler(seeds, options.axis, locked, false, totalWrites(tasks), undefined);
    for (const task of tasks) {
      const given = task.annotated.filter((a) => a.area > 0).map((a) => a.slice);
      for (const slice of task.plan.written) {
        const mask = new Uint8Array(assembler.pixels);
        const first = given[0];
        const last = given.at(-1);
        if (given.length >= 2 && first !== undefined && last !== undefined && slice > first && slice < last) {
          const nearest = given.reduce((best, s) => (Math.abs(s - slice) < Math.abs(best - slice) ? s : best));
          const plane = readSlice(seeds.voxels, layout, nearest, new Uint8Array(assembler.pixels));
          for (let i = 0; i < plane.length; i++) if (plane[i] === task.label) mask[i] = 255;
        }
        assembler.commit(task.label, slice, mask);
      }
    }
    return Promise.resolve({ labels: assembler.labelsVolume(), method: this.method, propagated: labels, written: assembler.written, computedSlices: 0, elapsedMs: 0, suspects: [] });
  }
}

const inBox = (x: number, y: number, x0: number, x1: number, y0: number, y1: number): boolean => x >= x0 && x < x1 && y >= y0 && y < y1;

/** A memory stand-in that decides every slice it is asked for as empty. */
function blankMemory(): Propagator {
  return {
    method: 'memory',
    propagate: async (img, seeds, options) => {
      const outcome = await new NearestSliceInterpolation().propagate(img, seeds, options);
      return { ...outcome, labels: volume(new Uint8Array(seeds.voxels.length)) };
    },
  };
}

function auto(): { propagator: AutoPropagator; interpolation: NearestSliceInterpolation } {
  const interpolation = new NearestSliceInterpolation();
  return { propagator: new AutoPropagator(new MemoryPropagator(new FakePropagationNetworks()), interpolation), interpolation };
}

describe('auto propagation: the per-object gate', () => {
  it('keeps memory for an object whose shape changes where the image shows it (an hourglass)', async () => {
    // Wide (4 × 4 blocks) at slices 5–10 and 20–25, narrow (2 × 2 blocks) at 11–19; the image is
    // bright exactly on the object, so the fake memory network follows the waist and copying does not.
    const label = (x: number, y: number, z: number): number => (z < 5 || z > 25 ? 0 : z >= 11 && z <= 19 ? (inBox(x, y, 16, 48, 16, 48) ? 1 : 0) : inBox(x, y, 0, 64, 0, 64) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    const { propagator } = auto();
    const outcome = await propagator.propagate(image, seedsFrom(truth, [8, 15, 22]), { axis: 2 });
    const [decision] = outcome.gate ?? [];
    expect(outcome.method).toBe('auto');
    expect(decision?.between).toBe('memory');
    expect(decision?.scores?.heldOut).toEqual([15]);
    expect(decision?.scores?.memory).toBe(1);
    expect(decision?.scores?.interpolation).toBeCloseTo(0.4, 5); // 2·1024 / (1024 + 4096)
    expect(decision?.before).toBe('memory');
    expect(decision?.after).toBe('memory');
  });

  it('chooses interpolation for a constant object the image half hides, and adds nothing past the given slices', async () => {
    // The object is the same box on slices 5–25; the image shows only one of its four blocks, so
    // memory predicts a quarter of it (held-out Dice 0.4) and copying is exact.
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && inBox(x, y, 16, 48, 16, 48) ? 1 : 0);
    const { image, truth } = scene((x, y) => inBox(x, y, 16, 32, 16, 32), label);
    const { propagator, interpolation } = auto();
    const outcome = await propagator.propagate(image, seedsFrom(truth, [8, 15, 22]), { axis: 2 });
    const [decision] = outcome.gate ?? [];
    expect(decision?.between).toBe('interpolation');
    expect(decision?.scores).toEqual({ heldOut: [15], memory: expect.closeTo(0.4, 5) as number, interpolation: 1, grow: expect.any(Number) as number });
    expect(decision !== undefined && 'endScores' in decision).toBe(false);
    expect(decision?.before).toBe('none');
    expect(decision?.after).toBe('none');
    expect(interpolation.calls).toBe(2); // the held-out slice, then the run between 8 and 22
    const areas = sliceAreas(outcome.labels.voxels, sliceLayout(image.geometry.size, 2), 1);
    for (let z = 0; z < D; z++) expect(areas[z], `slice ${z}`).toBe(z >= 8 && z <= 22 ? 32 * 32 : 0);
  });

  it('adds nothing past the ends when interpolation wins and memory predicts the end slices poorly, even where it would reach them (auto is then interpolation exactly)', async () => {
    // Half of the box is visible: memory's held-out Dice is 2/3, copying is exact; memory alone
    // would extend the visible half to slices 5–7 and 23–25, which used to overshoot on real scans.
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && inBox(x, y, 16, 48, 16, 48) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => z >= 5 && z <= 25 && inBox(x, y, 16, 32, 16, 48), label);
    const { propagator, interpolation } = auto();
    const seeds = seedsFrom(truth, [8, 15, 22]);
    const outcome = await propagator.propagate(image, seeds, { axis: 2 });
    expect(outcome.gate?.[0]).toMatchObject({ between: 'interpolation', before: 'none', after: 'none' });
    // Each end predicted from its neighbour by memory: the visible half, Dice 2/3.
    expect(outcome.gate?.[0]?.beyond?.before?.memory).toBeCloseTo(2 / 3, 5);
    expect(outcome.gate?.[0]?.beyond?.after?.slice).toBe(22);
    const alone = await interpolation.propagate(image, seeds, { axis: 2 });
    expect(Array.from(outcome.labels.voxels)).toEqual(Array.from(alone.labels.voxels));
    const areas = sliceAreas(outcome.labels.voxels, sliceLayout(image.geometry.size, 2), 1);
    expect(areas[12]).toBe(32 * 32);
    expect(areas[6]).toBe(0);
    expect(areas[24]).toBe(0);
  });

  it('extends past an end with memory after interpolation won, where memory predicted that end slice well', async () => {
    // A box the image shows whole on slices 5–25: copying and memory both predict the held-out
    // slice exactly (a tie: interpolation), and memory predicts each end slice from its neighbour
    // exactly, so it carries the box from 8 down to 5 and from 22 up to 25, stopping where the image ends it.
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && inBox(x, y, 16, 48, 16, 48) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    const outcome = await auto().propagator.propagate(image, seedsFrom(truth, [8, 15, 22]), { axis: 2 });
    const decision = outcome.gate?.[0];
    expect(decision).toMatchObject({ between: 'interpolation', before: 'memory', after: 'memory' });
    expect(decision?.beyond?.before).toEqual({ slice: 8, memory: 1, grow: expect.any(Number) as number });
    const areas = sliceAreas(outcome.labels.voxels, sliceLayout(image.geometry.size, 2), 1);
    for (let z = 0; z < D; z++) expect(areas[z], `slice ${z}`).toBe(z >= 5 && z <= 25 ? 32 * 32 : 0);
  });

  it('ends an extension at the first slice that is empty or outgrows the end slice by EXTENSION_GROWTH, outward from the end, in either direction', () => {
    const mask = (area: number): Uint8Array => Uint8Array.from({ length: 100 }, (_, i) => (i < area ? 255 : 0));
    for (const direction of [-1, 1] as const) {
      const end = direction === -1 ? 20 : 10;
      const at = (k: number): number => end + direction * k;
      // Areas outward: 40, 50 (= 1.25 × 40), 51 (too large: the extension ends), 10 (after the end: background).
      const decided = new Map([
        [at(3), mask(51)],
        [at(1), mask(40)],
        [at(4), mask(10)],
        [at(2), mask(50)],
      ]);
      const committed = new Map<number, number>();
      commitGuarded(decided, { end, direction, maxArea: EXTENSION_GROWTH * 40 }, (slice, m) => committed.set(slice, m.filter((v) => v !== 0).length));
      expect(Object.fromEntries(committed)).toEqual({ [at(1)]: 40, [at(2)]: 50, [at(3)]: 0, [at(4)]: 0 });
      // An empty slice ends it too.
      const gap = new Map([
        [at(1), mask(0)],
        [at(2), mask(30)],
      ]);
      commitGuarded(gap, { end, direction, maxArea: 100 }, (slice, m) => committed.set(slice, m.filter((v) => v !== 0).length));
      expect(committed.get(at(2))).toBe(0);
    }
  });

  it('extends past an end by the better of memory and growing (growing by its margin) only from EXTEND_MIN', () => {
    expect(extensionChoice(undefined)).toBe('none');
    expect(extensionChoice({ slice: 3, memory: EXTEND_MIN, grow: 0 })).toBe('memory');
    expect(extensionChoice({ slice: 3, memory: EXTEND_MIN - 0.01, grow: EXTEND_MIN - 0.01 })).toBe('none');
    expect(extensionChoice({ slice: 3, memory: EXTEND_MIN, grow: EXTEND_MIN + GROW_OVER_MEMORY })).toBe('grow');
    expect(extensionChoice({ slice: 3, memory: EXTEND_MIN, grow: EXTEND_MIN + GROW_OVER_MEMORY / 2 })).toBe('memory');
    expect(extensionChoice({ slice: 3, memory: 0, grow: EXTEND_MIN })).toBe('grow');
  });

  it('gives interpolation the run when memory wins the held-out slice by less than the margin', async () => {
    // A full-frame object (16 blocks) that lacks one block on slice 15 only; the image shows it
    // exactly, so memory predicts the held-out slice exactly (Dice 1) and copying a neighbour
    // scores 30/31 ≈ 0.968: memory is better, but by less than MEMORY_MARGIN.
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && !(z === 15 && inBox(x, y, 0, 16, 0, 16)) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    const outcome = await auto().propagator.propagate(image, seedsFrom(truth, [8, 15, 22]), { axis: 2 });
    const decision = outcome.gate?.[0];
    expect(decision?.scores?.memory).toBe(1);
    expect(decision?.scores?.interpolation).toBeCloseTo(30 / 31, 5);
    expect(1 - 30 / 31).toBeLessThan(MEMORY_MARGIN);
    // Past the ends memory still runs: it predicted both end slices exactly.
    expect(decision).toMatchObject({ between: 'interpolation', before: 'memory', after: 'memory' });
  });

  it('lets memory run only when it beats interpolation by at least the margin', () => {
    expect(gateChoice({ memory: 0.8 + MEMORY_MARGIN, interpolation: 0.8 })).toEqual({ between: 'memory', before: 'memory', after: 'memory' });
    expect(gateChoice({ memory: 0.8 + MEMORY_MARGIN / 2, interpolation: 0.8 })).toEqual({ between: 'interpolation', before: 'none', after: 'none' });
    expect(gateChoice({ memory: 0.7, interpolation: 0.7 })).toEqual({ between: 'interpolation', before: 'none', after: 'none' });
  });

  it('lets growing run everywhere when it beats interpolation by the margin and memory by its own (near-ties go to memory)', () => {
    const everywhere = (m: string) => ({ between: m, before: m, after: m });
    expect(gateChoice({ memory: 0.5, interpolation: 0.7, grow: 0.7 + MEMORY_MARGIN })).toEqual(everywhere('grow'));
    expect(gateChoice({ memory: 0.85, interpolation: 0.7, grow: 0.85 + GROW_OVER_MEMORY })).toEqual(everywhere('grow'));
    expect(gateChoice({ memory: 0.9, interpolation: 0.7, grow: 0.9 + GROW_OVER_MEMORY / 2 })).toEqual(everywhere('memory'));
    expect(gateChoice({ memory: 0.95, interpolation: 0.7, grow: 0.9 })).toEqual(everywhere('memory'));
    expect(gateChoice({ memory: 0.5, interpolation: 0.7, grow: 0.7 + MEMORY_MARGIN / 2 })).toEqual({ between: 'interpolation', before: 'none', after: 'none' });
  });

  it('runs growing alone where its held-out prediction is the best', async () => {
    // A bright box sliding one pixel per slice on a dark image: growing follows it; copying the
    // nearer given slice misses the shift; memory here is a stand-in that predicts nothing.
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && inBox(x, y, 12 + z, 32 + z, 22, 42) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    const outcome = await new AutoPropagator(blankMemory(), new NearestSliceInterpolation()).propagate(image, seedsFrom(truth, [9, 15, 21]), { axis: 2 });
    const decision = outcome.gate?.[0];
    expect(decision).toMatchObject({ between: 'grow', before: 'grow', after: 'grow', scores: { memory: 0 } });
    expect(decision?.scores?.grow).toBeGreaterThanOrEqual((decision?.scores?.interpolation ?? 1) + MEMORY_MARGIN);
    const grown = await new GrowPropagator().propagate(image, seedsFrom(truth, [9, 15, 21]), { axis: 2 });
    expect(Array.from(outcome.labels.voxels)).toEqual(Array.from(grown.labels.voxels));
  });

  it('from one given slice, grows an object when growing comes back to that slice closer than memory', async () => {
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && inBox(x, y, 16, 48, 16, 48) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    const interpolation = new NearestSliceInterpolation();
    const updates: number[] = [];
    const outcome = await new AutoPropagator(blankMemory(), interpolation).propagate(image, seedsFrom(truth, [15]), { axis: 2 }, (u) => updates.push(u.done));
    // Every other slice streamed once, as the run decided it.
    expect(updates).toEqual(Array.from({ length: D - 1 }, (_, n) => n + 1));
    const [decision] = outcome.gate ?? [];
    expect(decision).toMatchObject({ label: 1, before: 'grow', after: 'grow', oneSlice: { memory: 0 } });
    expect(decision?.oneSlice?.grow).toBeGreaterThan(0.8);
    expect(decision?.scores).toBeUndefined();
    expect(interpolation.calls).toBe(0);
    const areas = sliceAreas(outcome.labels.voxels, sliceLayout(image.geometry.size, 2), 1);
    // The box on every slice it spans (less the rim the intensity window trims: slice-grow.ts), none past it.
    for (let z = 0; z < D; z++) {
      if (z >= 5 && z <= 25) expect(areas[z], `slice ${z}`).toBeGreaterThanOrEqual(30 * 30);
      else expect(areas[z], `slice ${z}`).toBe(0);
    }
  });

  it('from one given slice, runs memory when it comes back to that slice closer than growing', async () => {
    // The image shows the box exactly: the memory network follows it to the pixel, growing trims its rim.
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && inBox(x, y, 16, 48, 16, 48) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    const { propagator } = auto();
    const outcome = await propagator.propagate(image, seedsFrom(truth, [15]), { axis: 2 });
    const [decision] = outcome.gate ?? [];
    expect(decision).toMatchObject({ label: 1, between: 'memory', before: 'memory', after: 'memory', oneSlice: { memory: 1 } });
    expect(decision?.oneSlice?.grow).toBeLessThan(1);
    const areas = sliceAreas(outcome.labels.voxels, sliceLayout(image.geometry.size, 2), 1);
    for (let z = 0; z < D; z++) expect(areas[z], `slice ${z}`).toBe(z >= 5 && z <= 25 ? 32 * 32 : 0);
  });

  it('chooses growing from one slice on a tie', () => {
    expect(oneSliceChoice({ memory: 0.8, grow: 0.8 })).toBe('grow');
    expect(oneSliceChoice({ memory: 0.81, grow: 0.8 })).toBe('memory');
  });

  it('with two given slices, scores interpolation as the other slice copied and breaks ties its way', async () => {
    // A constant, fully visible box: memory and copying are both exact (Dice 1), so interpolation wins.
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && inBox(x, y, 16, 48, 16, 48) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    const outcome = await auto().propagator.propagate(image, seedsFrom(truth, [10, 20]), { axis: 2 });
    expect(outcome.gate?.[0]).toMatchObject({ between: 'interpolation', scores: { heldOut: [10, 20], memory: 1, interpolation: 1 } });
  });

  it('holds out no slice next to another given slice: with none left, the outermost two are predicted from the rest', async () => {
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && inBox(x, y, 16, 48, 16, 48) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    // 21 sits next to 22 (a correction beside an earlier slice): predicting it from 22 tells nothing.
    const corrected = await auto().propagator.propagate(image, seedsFrom(truth, [8, 21, 22]), { axis: 2 });
    // Nor is 22, next to 21: only 8, predicted from the rest, and by interpolation as 21 copied (exact here).
    expect(corrected.gate?.[0]?.scores?.heldOut).toEqual([8]);
    expect(corrected.gate?.[0]?.scores?.interpolation).toBe(1);
    const adjacent = await auto().propagator.propagate(image, seedsFrom(truth, [14, 15]), { axis: 2 });
    expect(adjacent.gate?.[0]?.scores?.heldOut).toEqual([14, 15]);
    // Densely given, nothing is informative: every interior slice is held out, as before.
    const dense = await auto().propagator.propagate(image, seedsFrom(truth, [10, 11, 12, 13]), { axis: 2 });
    expect(dense.gate?.[0]?.scores?.heldOut).toEqual([11, 12]);
    const spaced = await auto().propagator.propagate(image, seedsFrom(truth, [8, 15, 17, 22]), { axis: 2 });
    expect(spaced.gate?.[0]?.scores?.heldOut).toEqual([15, 17]);
  });

  it('decides per object, and never writes a locked label', async () => {
    // Label 1 as in the hourglass (memory wins), label 2 a constant box half hidden (interpolation wins), label 3 locked.
    const hourglass = (x: number, y: number, z: number): boolean => z >= 5 && z <= 25 && (z >= 11 && z <= 19 ? inBox(x, y, 0, 16, 0, 16) : inBox(x, y, 0, 32, 0, 32));
    const box = (x: number, y: number, z: number): boolean => z >= 5 && z <= 25 && inBox(x, y, 32, 64, 32, 64);
    const lockedBlock = (x: number, y: number, z: number): boolean => z === 12 && inBox(x, y, 32, 48, 32, 48);
    const { image, truth } = scene(
      (x, y, z) => hourglass(x, y, z) || (z >= 5 && z <= 25 && inBox(x, y, 32, 48, 32, 64)),
      (x, y, z) => (hourglass(x, y, z) ? 1 : lockedBlock(x, y, z) ? 3 : box(x, y, z) ? 2 : 0),
    );
    // The user's slices 8, 15 and 22, and a locked block on slice 12 where label 2 would be filled in.
    const seeds = seedsFrom(truth, [8, 15, 22]);
    for (let i = 12 * W * H; i < 13 * W * H; i++) if (truth[i] === 3) seeds.voxels[i] = 3;
    const outcome = await auto().propagator.propagate(image, seeds, { axis: 2, locked: [3] });
    expect(outcome.gate?.map((d) => [d.label, d.between])).toEqual([
      [1, 'memory'],
      [2, 'interpolation'],
    ]);
    expect(outcome.propagated).toEqual([1, 2]);
    const voxels = outcome.labels.voxels;
    let threes = 0;
    for (let i = 0; i < voxels.length; i++) if (voxels[i] === 3) threes++;
    expect(threes).toBe(16 * 16);
  });
});
