/**
 * The 'grow' method: each object carried slice to slice by seeded region growing (slice-grow.ts),
 * following the same plan as the memory network (plan.ts): runs outwards from every annotated
 * slice, stopping where the object ends; between two annotated slices a run from each side, the
 * nearer run deciding each slice. No model: it runs wherever the seeds are (the worker, the CLI).
 * The default ('auto') runs it where its held-out (or, from one slice, out-and-back) prediction of
 * the user's slices beats the other methods (auto-propagator.ts).
 */
import { readSlice } from '../slice';
import type { Volume } from '../volume';
import { LabelAssembler, throwIfCancelled } from './assembler';
import type { PropagateOptions } from './options';
import { fusionWeights, runFillsGap } from './plan';
import type { CancelSignal, PropagationOutcome, Propagator, SliceListener } from './propagator';
import { planRequest, totalWrites } from './segments';
import { DEFAULT_GROW, growSlice, objectIntensity, unitReader, volumeRange, type GrowSettings, type UnitReader } from './slice-grow';

export class GrowPropagator implements Propagator {
  readonly method = 'grow' as const;

  constructor(private readonly settings: GrowSettings = DEFAULT_GROW) {}

  async propagate(image: Volume, seeds: Volume, options: PropagateOptions, onSlice?: SliceListener, signal?: CancelSignal): Promise<PropagationOutcome> {
    const started = Date.now();
    const { locked, labels, layout, tasks } = planRequest(image, seeds, options, signal);
    const assembler = new LabelAssembler(seeds, options.axis, locked, options.overwriteOthers ?? false, totalWrites(tasks), onSlice);
    const { width, height } = layout;
    const pixels = width * height;
    const range = volumeRange(image.voxels);
    const unitAt = (slice: number): UnitReader => unitReader(image.voxels, layout, slice, range);
    const seedSlice = new Float64Array(pixels);
    let computed = 0;
    for (const task of tasks) {
      const written = new Set(task.plan.written);
      const committed = new Set<number>();
      const commit = (slice: number, mask: Uint8Array): void => {
        if (!written.has(slice) || committed.has(slice)) return;
        committed.add(slice);
        assembler.commit(task.label, slice, mask);
      };
      // A gap's forward run waits here for the backward run to reach the same slice.
      const forward = new Map<number, Uint8Array>();
      for (const run of task.plan.runs) {
        const gap = task.plan.fused.find((g) => runFillsGap(g, run));
        const origin = readSlice(seeds.voxels, layout, run.origin, seedSlice);
        let previous: Uint8Array = new Uint8Array(pixels);
        for (let i = 0; i < pixels; i++) previous[i] = origin[i] === task.label ? 1 : 0;
        const intensity = objectIntensity(unitAt(run.origin), previous, width, height);
        if (intensity === undefined) continue;
        for (let slice = run.origin + run.direction; run.direction === 1 ? slice <= run.end : slice >= run.end; slice += run.direction) {
          throwIfCancelled(signal);
          // A slice takes a few milliseconds: let a cancel (a message) in between slices.
          await nextTask();
          const mask = growSlice(unitAt(slice), width, height, previous, intensity, this.settings);
          computed++;
          const decided = toProbability(mask);
          if (gap && run.direction === 1) forward.set(slice, decided);
          else {
            const other = gap ? forward.get(slice) : undefined;
            if (gap && other) forward.delete(slice);
            commit(slice, gap && other ? fuse(other, decided, fusionWeights(slice, gap.a, gap.b)) : decided);
          }
          if (!mask.includes(1)) break;
          previous = mask;
        }
      }
      // What only the forward run of a gap decided, then whatever no run reached (background).
      for (const [slice, mask] of forward) commit(slice, mask);
      const empty = new Uint8Array(pixels);
      for (const slice of task.plan.written) commit(slice, empty);
    }
    return assembler.outcome({ method: this.method, propagated: labels, computedSlices: computed, elapsedMs: Date.now() - started });
  }
}

/** Resolves on a later turn of the event loop (a timer, which Node and browsers both have), after pending messages. */
function nextTask(): Promise<void> {
  const timers = globalThis as unknown as { setTimeout(callback: () => void, ms: number): unknown };
  return new Promise((resolve) => {
    timers.setTimeout(resolve, 0);
  });
}

function toProbability(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] === 0 ? 0 : 255;
  return out;
}

/** The two runs' masks (0/255) weighted by distance: the nearer run decides; at the midpoint either keeps a pixel. */
function fuse(forward: Uint8Array, backward: Uint8Array, [wa, wb]: readonly [number, number]): Uint8Array {
  const out = new Uint8Array(forward.length);
  for (let i = 0; i < out.length; i++) out[i] = wa * (forward[i] ?? 0) + wb * (backward[i] ?? 0) >= 127.5 ? 255 : 0;
  return out;
}
