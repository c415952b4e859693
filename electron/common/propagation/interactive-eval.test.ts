import { describe, expect, it } from 'vitest';
import type { Volume } from '../volume';
import { correctionRange } from './correction-range';
import { evaluateInteractive, worstSlice, type SliceAnnotator } from './interactive-eval';
import type { PropagateOptions } from './options';
import type { PropagationOutcome, Propagator } from './propagator';
import { readSlice, sliceLayout, writeSlice } from '../slice';

const W = 12;
const H = 12;
const D = 30;
const size: [number, number, number] = [W, H, D];
const volume = (voxels: Uint8Array): Volume => ({ geometry: { size, spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, componentType: 'uint8', voxels });
const layout = sliceLayout(size, 2);

/** Label 3: a square on slices 2–27 whose side grows from 2 to 10 and back, so copies are wrong. */
const truth = new Uint8Array(W * H * D);
for (let z = 2; z <= 27; z++) {
  const side = 2 + Math.round(8 * Math.sin((Math.PI * (z - 2)) / 25));
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) truth[x + W * (y + H * z)] = 3;
}

/** Nearest-annotated-slice copy between the first and last annotated slices (like interpolation, never beyond), within the range: wrong away from its seeds. */
function copyPropagator(): Propagator & { calls: PropagateOptions[] } {
  const calls: PropagateOptions[] = [];
  return {
    method: 'interpolation',
    calls,
    propagate(_image, seeds, options): Promise<PropagationOutcome> {
      calls.push(options);
      const out = Uint8Array.from(seeds.voxels);
      const annotated = options.annotatedSlices ?? [];
      const [first, last] = options.range ?? [0, D - 1];
      const written: number[] = [];
      for (let s = first; s <= last; s++) {
        if (annotated.includes(s) || s < Math.min(...annotated) || s > Math.max(...annotated)) continue;
        const nearest = annotated.reduce((a, b) => (Math.abs(b - s) < Math.abs(a - s) ? b : a));
        writeSlice(out, layout, s, readSlice(seeds.voxels, layout, nearest, new Uint8Array(W * H)));
        written.push(s);
      }
      return Promise.resolve({ labels: volume(out), method: 'interpolation', propagated: [3], written, computedSlices: written.length, elapsedMs: 1, suspects: [] });
    },
  };
}

/** A perfect user who needs two clicks per slice. */
const perfectAnnotator: SliceAnnotator = (_slice, mask) => Promise.resolve({ mask: Uint8Array.from(mask), clicks: 2 });

describe('interactive loop evaluation', () => {
  it('corrects the worst slice each round and re-propagates only its range', async () => {
    const propagator = copyPropagator();
    const snapshots: Uint8Array[] = [];
    const recording: Propagator = {
      method: propagator.method,
      async propagate(image, seeds, options) {
        const outcome = await propagator.propagate(image, seeds, options);
        snapshots.push(Uint8Array.from(outcome.labels.voxels));
        return outcome;
      },
    };
    const result = await evaluateInteractive(recording, volume(new Uint8Array(truth.length)), volume(truth), { label: 3, axis: 2, initialSlices: 2, rounds: 3, annotate: perfectAnnotator });
    expect(result.extent).toEqual([2, 27]);
    expect(result.initialSlices).toEqual([8, 21]);
    expect(result.rounds.map((r) => r.clicks)).toEqual([4, 6, 8, 10]);
    // Each correction helps here (the copies are worse than the truth the user gives).
    for (let r = 1; r < result.rounds.length; r++) expect(result.rounds[r]?.dsc).toBeGreaterThan(result.rounds[r - 1]?.dsc ?? 1);
    const user = [8, 21];
    for (let r = 1; r <= 3; r++) {
      const round = result.rounds[r];
      const corrected = round?.corrected?.slice ?? -1;
      const range = correctionRange(user, corrected, D);
      expect(round?.corrected?.range).toEqual([range.first, range.last]);
      expect(round?.corrected?.dscAfter).toBe(1);
      expect(propagator.calls[r]?.range).toEqual([range.first, range.last]);
      user.push(corrected);
      expect([...(propagator.calls[r]?.annotatedSlices ?? [])].sort((a, b) => a - b)).toEqual([...user].sort((a, b) => a - b));
      // Outside the range nothing changed from the previous round's labels.
      const before = snapshots[r - 1] as Uint8Array;
      const after = snapshots[r] as Uint8Array;
      for (let s = 0; s < D; s++) {
        if (s >= range.first && s <= range.last) continue;
        expect(after.subarray(s * W * H, (s + 1) * W * H)).toEqual(before.subarray(s * W * H, (s + 1) * W * H));
      }
    }
  });

  it('stops when no error is left and refuses a label that is not there', async () => {
    const full = await evaluateInteractive(copyPropagator(), volume(new Uint8Array(truth.length)), volume(truth), { label: 3, axis: 2, initialSlices: 26, rounds: 4, annotate: perfectAnnotator });
    expect(full.rounds).toHaveLength(1);
    expect(full.rounds[0]?.dsc).toBe(1);
    await expect(evaluateInteractive(copyPropagator(), volume(truth), volume(truth), { label: 5, axis: 2, initialSlices: 2, rounds: 1, annotate: perfectAnnotator })).rejects.toThrow(/not in the label map/);
  });

  it('picks the slice with the most false voxels outside the user slices', () => {
    const perSlice = [
      { tp: 0, fp: 1, fn: 0 },
      { tp: 50, fp: 9, fn: 9 },
      { tp: 90, fp: 30, fn: 0 },
      { tp: 100, fp: 0, fn: 0 },
    ];
    expect(worstSlice(perSlice, new Set())).toBe(2);
    expect(worstSlice(perSlice, new Set([2]))).toBe(1);
    expect(worstSlice(perSlice.slice(3), new Set())).toBeUndefined();
  });
});

describe('interactive loop evaluation, clearing', () => {
  it('counts clearing a slice that should be empty as one interaction', async () => {
    // Fills every slice it writes with the label: the empty slices outside 2–27 are the worst (144 false voxels).
    const fillAll: Propagator = {
      method: 'interpolation',
      propagate(_image, seeds, options) {
        const out = Uint8Array.from(seeds.voxels);
        const [first, last] = options.range ?? [0, D - 1];
        for (let s = first; s <= last; s++) if (!(options.annotatedSlices ?? []).includes(s)) out.fill(3, s * W * H, (s + 1) * W * H);
        return Promise.resolve({ labels: volume(out), method: 'interpolation', propagated: [3], written: [], computedSlices: 0, elapsedMs: 0, suspects: [] });
      },
    };
    // Like the click simulation: no error to click on an empty truth, so no click.
    const clicksOnlyOnObjects: SliceAnnotator = (_slice, mask) => Promise.resolve({ mask: Uint8Array.from(mask), clicks: mask.some((v) => v !== 0) ? 2 : 0 });
    const result = await evaluateInteractive(fillAll, volume(new Uint8Array(truth.length)), volume(truth), { label: 3, axis: 2, initialSlices: 2, rounds: 1, annotate: clicksOnlyOnObjects });
    expect(result.rounds[1]?.corrected).toMatchObject({ slice: 0, clicks: 1, dscBefore: 0, dscAfter: 1 });
    expect(result.rounds[1]?.clicks).toBe(5);
  });
});
