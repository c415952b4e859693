import { describe, expect, it } from 'vitest';
import { gridVolume, type Volume } from '../volume';
import { LabelAssembler, labelsToPropagate } from './assembler';
import { AutoPropagator, CONSENSUS_MARGIN, LEAK_FACTOR, LeakGuard, SOLO_MARGIN, gateChoice, majorityMask, oneSliceChoice } from './auto-propagator';
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

/** A stand-in that decides every slice it is asked for as empty (memory unless told). */
function blankMemory(method: Propagator['method'] = 'memory'): Propagator {
  return {
    method,
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

/** Voxel by voxel, where at least two of the runs hold label 1 (the consensus computed outside the propagator). */
function majorityOf(...runs: ArrayLike<number>[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < (runs[0]?.length ?? 0); i++) out.push(runs.filter((r) => r[i] === 1).length >= 2 ? 1 : 0);
  return out;
}

describe('auto propagation: the per-object gate', () => {
  it('runs the consensus for an object whose shape changes where the image shows it (an hourglass), pixel for pixel the majority of the three runs', async () => {
    // Wide (the whole frame) at slices 5–10 and 20–25, narrow (a 32 × 32 box) at 11–19; the image
    // is bright exactly on the object, so memory and growing follow the waist and copying does not.
    const label = (x: number, y: number, z: number): number => (z < 5 || z > 25 ? 0 : z >= 11 && z <= 19 ? (inBox(x, y, 16, 48, 16, 48) ? 1 : 0) : 1);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    const { propagator, interpolation } = auto();
    const seeds = seedsFrom(truth, [8, 15, 22]);
    const streamed: number[] = [];
    const outcome = await propagator.propagate(image, seeds, { axis: 2 }, (u) => streamed.push(u.slice));
    const [decision] = outcome.gate ?? [];
    expect(outcome.method).toBe('auto');
    // Every slice but the given ones streamed once, once all its votes were in.
    expect([...streamed].sort((a, b) => a - b)).toEqual(Array.from({ length: D }, (_, z) => z).filter((z) => ![8, 15, 22].includes(z)));
    expect(decision).toMatchObject({ between: 'consensus', before: 'consensus', after: 'consensus' });
    expect(decision?.scores?.heldOut).toEqual([15]);
    expect(decision?.scores?.memory).toBe(1);
    expect(decision?.scores?.interpolation).toBeCloseTo(0.4, 5); // 2·1024 / (1024 + 4096)
    expect(decision?.scores?.consensus).toBeGreaterThanOrEqual((decision?.scores?.interpolation ?? 1) + CONSENSUS_MARGIN);
    // The three methods run alone, and their majority: the same voxels (past the ends, where
    // interpolation adds nothing, memory and growing must agree).
    const [memoryRun, growRun, interpolationRun] = await Promise.all([propagator.memory, propagator.grow, interpolation].map(async (p) => (await p.propagate(image, seeds, { axis: 2 })).labels.voxels));
    expect(Array.from(outcome.labels.voxels)).toEqual(majorityOf(memoryRun as ArrayLike<number>, growRun as ArrayLike<number>, interpolationRun as ArrayLike<number>));
    const areas = sliceAreas(outcome.labels.voxels, sliceLayout(image.geometry.size, 2), 1);
    for (let z = 11; z <= 19; z++) expect(areas[z], `slice ${z}`).toBe(32 * 32);
    for (const z of [0, 4, 26, 29]) expect(areas[z], `slice ${z}`).toBe(0);
  });

  it('runs interpolation between where it beats the consensus, and past the ends only what memory and growing agree on', async () => {
    // Memory and growing are stand-ins that predict nothing: the consensus of the held-out slice is
    // empty, copying is exact, and past the ends the two agree on nothing.
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && inBox(x, y, 16, 48, 16, 48) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    const interpolation = new NearestSliceInterpolation();
    const blankGrow = blankMemory('grow');
    const seeds = seedsFrom(truth, [8, 15, 22]);
    const outcome = await new AutoPropagator(blankMemory(), interpolation, blankGrow).propagate(image, seeds, { axis: 2 });
    expect(outcome.gate?.[0]).toMatchObject({ between: 'interpolation', before: 'consensus', after: 'consensus', scores: { heldOut: [15], memory: 0, interpolation: 1, grow: 0, consensus: 0 } });
    expect(interpolation.calls).toBe(2); // the held-out slice, then the run between 8 and 22
    const alone = await new NearestSliceInterpolation().propagate(image, seeds, { axis: 2 });
    expect(Array.from(outcome.labels.voxels)).toEqual(Array.from(alone.labels.voxels));
  });

  it('runs the consensus between unless interpolation beats it by more than the margin (ties: the consensus), and one method alone only by a wide margin', () => {
    const scores = (interpolation: number, consensus: number, memory = 0.5, grow = 0.5) => ({ memory, interpolation, grow, consensus });
    expect(gateChoice(scores(0.8, 0.8 - CONSENSUS_MARGIN))).toBe('consensus');
    expect(gateChoice(scores(0.8, 0.79 - CONSENSUS_MARGIN))).toBe('interpolation');
    expect(gateChoice(scores(0, 0, 0, 0))).toBe('consensus');
    expect(gateChoice(scores(0.7, 0.7), { consensus: -0.01, solo: SOLO_MARGIN })).toBe('interpolation');
    // Alone: the better of memory and growing, where it beats both the consensus and interpolation by SOLO_MARGIN.
    expect(gateChoice(scores(0.05, 0.1, 0, 0.1 + SOLO_MARGIN))).toBe('grow');
    expect(gateChoice(scores(0.05, 0.1, 0.1 + SOLO_MARGIN, 0))).toBe('memory');
    expect(gateChoice(scores(0.3, 0.1, 0, 0.29 + SOLO_MARGIN))).toBe('interpolation');
    expect(gateChoice(scores(0.05, 0.1, 0, 0.1 + SOLO_MARGIN), { consensus: CONSENSUS_MARGIN, solo: 1 })).toBe('consensus');
  });

  it('runs growing alone where memory and interpolation both fail the held-out slices: its own run, voxel for voxel', async () => {
    // A bright box sliding one pixel per slice; memory and interpolation are stand-ins that predict nothing.
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && inBox(x, y, 12 + z, 32 + z, 22, 42) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    const seeds = seedsFrom(truth, [9, 15, 21]);
    const blankInterpolation = blankMemory('interpolation');
    const outcome = await new AutoPropagator(blankMemory(), blankInterpolation).propagate(image, seeds, { axis: 2 });
    expect(outcome.gate?.[0]).toMatchObject({ between: 'grow', before: 'grow', after: 'grow', scores: { memory: 0, interpolation: 0, consensus: 0 } });
    const grown = await new GrowPropagator().propagate(image, seeds, { axis: 2 });
    expect(Array.from(outcome.labels.voxels)).toEqual(Array.from(grown.labels.voxels));
  });

  it('counts a pixel as the consensus where at least two of three masks hold it', () => {
    const a = Uint8Array.from([0, 255, 255, 0, 255, 0, 0, 255]);
    const b = Uint8Array.from([0, 255, 0, 255, 0, 255, 0, 255]);
    const c = Uint8Array.from([0, 0, 255, 255, 0, 0, 255, 255]);
    expect(Array.from(majorityMask(a, b, c))).toEqual([0, 255, 255, 255, 0, 0, 0, 255]);
  });

  it('outvotes a method that fails: with memory predicting nothing, interpolation and growing must agree', async () => {
    // A bright box sliding one pixel per slice on a dark image: growing follows it, copying the
    // nearer given slice misses part of the shift, and memory is a stand-in that predicts nothing.
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && inBox(x, y, 12 + z, 32 + z, 22, 42) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    const seeds = seedsFrom(truth, [9, 15, 21]);
    const interpolation = new NearestSliceInterpolation();
    const outcome = await new AutoPropagator(blankMemory(), interpolation, new GrowPropagator(), { consensus: 1, solo: 1 }).propagate(image, seeds, { axis: 2 });
    expect(outcome.gate?.[0]).toMatchObject({ between: 'consensus', scores: { memory: 0 } });
    const grown = (await new GrowPropagator().propagate(image, seeds, { axis: 2 })).labels.voxels;
    const copied = (await new NearestSliceInterpolation().propagate(image, seeds, { axis: 2 })).labels.voxels;
    expect(Array.from(outcome.labels.voxels)).toEqual(Array.from(grown, (g, i) => (g === 1 && copied[i] === 1 ? 1 : 0)));
    // Past the ends growing alone holds the box: nothing there.
    const areas = sliceAreas(outcome.labels.voxels, sliceLayout(image.geometry.size, 2), 1);
    expect(areas[6]).toBe(0);
    expect(areas[12]).toBeGreaterThan(0);
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
    expect(decision).toMatchObject({ label: 1, between: 'grow', before: 'grow', after: 'grow', oneSlice: { memory: 0 } });
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

  it('from one given slice, runs where memory and growing agree when memory comes back to that slice closer', async () => {
    // The image shows the box exactly: the memory network follows it to the pixel, growing trims its rim.
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && inBox(x, y, 16, 48, 16, 48) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    const { propagator, interpolation } = auto();
    const seeds = seedsFrom(truth, [15]);
    const outcome = await propagator.propagate(image, seeds, { axis: 2 });
    const [decision] = outcome.gate ?? [];
    expect(decision).toMatchObject({ label: 1, between: 'consensus', before: 'consensus', after: 'consensus', oneSlice: { memory: 1 } });
    expect(decision?.oneSlice?.grow).toBeLessThan(1);
    expect(interpolation.calls).toBe(0);
    const memoryRun = (await propagator.memory.propagate(image, seeds, { axis: 2 })).labels.voxels;
    const growRun = (await propagator.grow.propagate(image, seeds, { axis: 2 })).labels.voxels;
    expect(Array.from(outcome.labels.voxels)).toEqual(Array.from(memoryRun, (m, i) => (m === 1 && growRun[i] === 1 ? 1 : 0)));
    const areas = sliceAreas(outcome.labels.voxels, sliceLayout(image.geometry.size, 2), 1);
    for (let z = 0; z < D; z++) {
      if (z >= 5 && z <= 25) expect(areas[z], `slice ${z}`).toBeGreaterThanOrEqual(30 * 30);
      else expect(areas[z], `slice ${z}`).toBe(0);
    }
  });

  it('from one given slice, keeps growing only where memory agrees from the slice where growing floods a neighbour', async () => {
    // A box on slices 2–29; from slice 12 on, bright bands above and below it touch it (a neighbour
    // of like intensity), and growing spreads into them, slice by slice.
    const label = (x: number, y: number, z: number): number => (z >= 2 && inBox(x, y, 16, 48, 16, 48) ? 1 : 0);
    const bright = (x: number, y: number, z: number): boolean => label(x, y, z) === 1 || (z >= 12 && (y < 16 || y >= 48));
    const { image, truth } = scene(bright, label);
    const given = 8;
    const seeds = seedsFrom(truth, [given]);
    // Memory stand-in: the given slice's mask, shifted one pixel right per slice it is carried (so
    // out and back it comes home 12 pixels off, and growing wins the one-slice check).
    const shiftingMemory: Propagator = {
      method: 'memory',
      propagate: async (img, s, options) => {
        const outcome = await new NearestSliceInterpolation().propagate(img, s, options);
        const from = (options.annotatedSlices ?? [])[0] ?? given;
        const voxels = new Uint8Array(s.voxels.length);
        for (const z of outcome.written)
          for (let y = 0; y < H; y++)
            for (let x = 0; x < W; x++) {
              const source = x - Math.abs(z - from);
              if (source >= 0 && s.voxels[source + W * (y + H * from)] === 1) voxels[x + W * (y + H * z)] = 1;
            }
        return { ...outcome, labels: volume(voxels) };
      },
    };
    const propagator = new AutoPropagator(shiftingMemory, new NearestSliceInterpolation());
    const outcome = await propagator.propagate(image, seeds, { axis: 2 });
    const layout = sliceLayout(image.geometry.size, 2);
    const grown = (await propagator.grow.propagate(image, seeds, { axis: 2 })).labels.voxels;
    const memoryRun = (await shiftingMemory.propagate(image, seeds, { axis: 2, annotatedSlices: [given] })).labels.voxels;
    const grownAreas = sliceAreas(grown, layout, 1);
    const memoryAreas = sliceAreas(memoryRun, layout, 1);
    // The first slice past the given one where growing exceeds LEAK_FACTOR × max(the given area, memory's).
    const leak = grownAreas.findIndex((area, z) => z > given && area > LEAK_FACTOR * Math.max(32 * 32, memoryAreas[z] ?? 0));
    expect(leak).toBeGreaterThan(12);
    expect(grownAreas[29]).toBeGreaterThan(2 * 32 * 32);
    const [decision] = outcome.gate ?? [];
    expect(decision).toMatchObject({ between: 'grow', leakFrom: { after: leak } });
    expect(decision?.leakFrom?.before).toBeUndefined();
    // Before that slice, growing's own run; from there on, where growing and memory agree.
    const plane = W * H;
    expect(Array.from(outcome.labels.voxels.subarray(0, leak * plane))).toEqual(Array.from(grown.subarray(0, leak * plane)));
    const agreed = Array.from(grown.subarray(leak * plane), (g, i) => (g === 1 && memoryRun[leak * plane + i] === 1 ? 1 : 0));
    expect(Array.from(outcome.labels.voxels.subarray(leak * plane))).toEqual(agreed);
    const areas = sliceAreas(outcome.labels.voxels, layout, 1);
    for (let z = leak; z < D; z++) expect(areas[z], `slice ${z}`).toBeLessThanOrEqual(32 * 32);
  });

  it('judges a leak per side, in order outward from the given slice, whatever order the two runs hand their slices in', () => {
    const mask = (area: number): Uint8Array => Uint8Array.from({ length: 100 }, (_, i) => (i < area ? 255 : 0));
    const emitted: [number, number][] = [];
    const guard = new LeakGuard(10, 20, (slice, m) => emitted.push([slice, m.filter((v) => v !== 0).length]));
    // Growing's slice 12 first: it waits for 11, and for memory's 12.
    guard.grow(12, mask(50));
    guard.memory(12, mask(30)); // memory's 30 pixels raise the bound to 60 on slice 12
    expect(emitted).toEqual([]);
    guard.grow(11, mask(41));
    expect(emitted).toEqual([]); // memory's 11 not in yet
    guard.memory(11, mask(10)); // 41 > 2 × max(20, 10): a leak from 11 on, held to memory's 10
    expect(emitted).toEqual([
      [11, 10],
      [12, 30],
    ]);
    guard.grow(9, mask(40)); // exactly 2 × 20: not a leak once decided
    guard.grow(8, mask(60));
    guard.grow(7, mask(10));
    guard.grow(13, mask(5));
    guard.memory(13, mask(5));
    expect(emitted).toHaveLength(3);
    guard.memoryFinished(); // memory left 9, 8, 7 empty: 8 is a leak, and 7 is held to memory too
    guard.flush();
    expect(emitted).toEqual([
      [11, 10],
      [12, 30],
      [13, 5],
      [9, 40],
      [8, 0],
      [7, 0],
    ]);
    expect(guard.leakFrom()).toEqual({ before: 8, after: 11 });
    expect(new LeakGuard(10, 20, () => undefined).leakFrom()).toBeUndefined();
  });

  it('leaves to the flush a slice growing decided beyond a gap (a range that skips the nearer slices)', () => {
    const emitted: number[] = [];
    const guard = new LeakGuard(10, 20, (slice) => emitted.push(slice));
    guard.grow(15, new Uint8Array(100));
    guard.grow(14, new Uint8Array(100));
    guard.memoryFinished();
    expect(emitted).toEqual([]);
    guard.flush();
    expect(emitted).toEqual([14, 15]);
  });

  it('chooses growing from one slice on a tie', () => {
    expect(oneSliceChoice({ memory: 0.8, grow: 0.8 })).toBe('grow');
    expect(oneSliceChoice({ memory: 0.81, grow: 0.8 })).toBe('consensus');
  });

  it('with two given slices, scores interpolation as the other slice copied; a tie goes to the consensus', async () => {
    // A constant, fully visible box: memory and copying are both exact (Dice 1), and so is their consensus with growing.
    const label = (x: number, y: number, z: number): number => (z >= 5 && z <= 25 && inBox(x, y, 16, 48, 16, 48) ? 1 : 0);
    const { image, truth } = scene((x, y, z) => label(x, y, z) === 1, label);
    const outcome = await auto().propagator.propagate(image, seedsFrom(truth, [10, 20]), { axis: 2 });
    expect(outcome.gate?.[0]).toMatchObject({ between: 'consensus', scores: { heldOut: [10, 20], memory: 1, interpolation: 1, consensus: 1 } });
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
    // Label 1 as in the hourglass (the consensus wins), label 2 a constant box half hidden (interpolation wins), label 3 locked.
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
      [1, 'consensus'],
      [2, 'interpolation'],
    ]);
    expect(outcome.propagated).toEqual([1, 2]);
    const voxels = outcome.labels.voxels;
    let threes = 0;
    for (let i = 0; i < voxels.length; i++) if (voxels[i] === 3) threes++;
    expect(threes).toBe(16 * 16);
  });
});
