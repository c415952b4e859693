/**
 * The paper's whole interactive loop, simulated (pure): a user segments k evenly spaced slices of
 * the object with clicks, propagates, finds the worst slice against ground truth, corrects it with
 * clicks, and re-propagates only the affected range (from the corrected slice to the nearest user
 * slice on each side, `correctionRange`), for a number of rounds. After each round the whole-volume
 * Dice is recorded against the clicks spent so far: the curve a user experiences.
 *
 * The worst slice is the one with the most false voxels (false positives + false negatives) among
 * the slices the user has not annotated: the correction that buys the most Dice, where 1 − Dice
 * would chase the object's few-voxel ends. A correction is made from scratch with simulated clicks,
 * as the user slices were, and replaces whatever the propagation wrote there.
 */
import type { Volume } from '../volume';
import { correctionRange } from './correction-range';
import { evenlySpacedSlices, objectExtent } from './given-slices';
import { confusionPerSlice, scoresOf, sumConfusion, type Confusion } from './metrics';
import type { Propagator } from './propagator';
import { readSlice, sliceLayout, writeSlice, type IndexAxis, type SliceLayout } from '../slice';
import { sliceAreas } from './slices';

/** A slice annotated by simulated clicks: the mask and the clicks it took. */
export interface ClickedSlice {
  readonly mask: Uint8Array;
  readonly clicks: number;
}

/** Annotates one slice with simulated clicks against its true mask (1 = object). */
export type SliceAnnotator = (slice: number, truth: Uint8Array, layout: SliceLayout) => Promise<ClickedSlice>;

export interface InteractiveOptions {
  readonly label: number;
  readonly axis: IndexAxis;
  /** User slices annotated before the first propagation, evenly spaced within the object. */
  readonly initialSlices: number;
  /** Correction rounds after the first propagation. */
  readonly rounds: number;
  readonly annotate: SliceAnnotator;
  readonly onProgress?: (text: string) => void;
}

export interface InteractiveRound {
  /** 0: the first propagation; then one per correction. */
  readonly round: number;
  /** Clicks spent so far, every user slice counted. */
  readonly clicks: number;
  /** Whole-volume Dice of the label against the truth. */
  readonly dsc: number;
  /** The slice corrected in this round, its Dice before and after, its clicks (clearing a slice without the object counts one), and the range re-propagated. */
  readonly corrected?: { readonly slice: number; readonly dscBefore: number; readonly dscAfter: number; readonly clicks: number; readonly range: readonly [number, number] };
  /** Slices the propagation recomputed and its time. */
  readonly computedSlices: number;
  readonly elapsedMs: number;
}

export interface InteractiveEvaluation {
  readonly label: number;
  readonly axis: IndexAxis;
  readonly extent: readonly [number, number];
  readonly initialSlices: readonly number[];
  readonly rounds: readonly InteractiveRound[];
}

function dice(c: Confusion): number {
  return scoresOf(c).dsc;
}

/** The slice with the most false voxels outside `exclude`, or undefined when no error is left. */
export function worstSlice(perSlice: readonly Confusion[], exclude: ReadonlySet<number>): number | undefined {
  let worst: number | undefined;
  let most = 0;
  perSlice.forEach((c, s) => {
    const errors = c.fp + c.fn;
    if (!exclude.has(s) && errors > most) {
      most = errors;
      worst = s;
    }
  });
  return worst;
}

function trueMask(truth: Volume, layout: SliceLayout, slice: number, label: number): Uint8Array {
  const t = readSlice(truth.voxels, layout, slice, new Uint8Array(layout.width * layout.height));
  for (let i = 0; i < t.length; i++) t[i] = t[i] === label ? 1 : 0;
  return t;
}

function writeMask(labels: Uint8Array | Uint16Array, layout: SliceLayout, slice: number, mask: Uint8Array, label: number): void {
  const values = labels instanceof Uint16Array ? new Uint16Array(mask.length) : new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) values[i] = mask[i] ? label : 0;
  writeSlice(labels, layout, slice, values);
}

export async function evaluateInteractive(propagator: Propagator, image: Volume, truth: Volume, options: InteractiveOptions): Promise<InteractiveEvaluation> {
  const { label, axis, annotate } = options;
  const layout = sliceLayout(truth.geometry.size, axis);
  const extent = objectExtent(sliceAreas(truth.voxels, layout, label));
  if (!extent) throw new Error(`label ${label} is not in the label map`);
  const componentType = label > 255 ? 'uint16' : 'uint8';
  let labels: Uint8Array | Uint16Array = label > 255 ? new Uint16Array(truth.voxels.length) : new Uint8Array(truth.voxels.length);
  const userSlices = evenlySpacedSlices(extent, options.initialSlices);
  let clicks = 0;
  for (const s of userSlices) {
    const annotated = await annotate(s, trueMask(truth, layout, s, label), layout);
    clicks += annotated.clicks;
    writeMask(labels, layout, s, annotated.mask, label);
  }
  const propagate = async (range?: readonly [number, number]): Promise<{ computedSlices: number; elapsedMs: number }> => {
    const seeds: Volume = { geometry: truth.geometry, componentType, voxels: labels };
    const outcome = await propagator.propagate(image, seeds, { axis, labels: [label], annotatedSlices: [...userSlices], ...(range ? { range: [range[0], range[1]] as [number, number] } : {}) });
    const out = outcome.labels.voxels;
    if (!(out instanceof Uint8Array || out instanceof Uint16Array)) throw new Error('the propagation returned a label map of an unexpected type');
    labels = out;
    return { computedSlices: outcome.computedSlices, elapsedMs: outcome.elapsedMs };
  };
  const score = (): Confusion[] => confusionPerSlice(labels, truth.voxels, label, layout);

  const first = await propagate();
  let perSlice = score();
  const rounds: InteractiveRound[] = [{ round: 0, clicks, dsc: dice(sumConfusion(perSlice)), ...first }];
  options.onProgress?.(`label ${label}: ${userSlices.length} user slices (${userSlices.join(', ')}), ${clicks} clicks → Dice ${(100 * (rounds[0]?.dsc ?? 0)).toFixed(1)}%`);
  for (let round = 1; round <= options.rounds; round++) {
    const slice = worstSlice(perSlice, new Set(userSlices));
    if (slice === undefined) {
      options.onProgress?.(`label ${label}: no error left outside the user slices after round ${round - 1}`);
      break;
    }
    const dscBefore = dice(perSlice[slice] as Confusion);
    const annotated = await annotate(slice, trueMask(truth, layout, slice, label), layout);
    // A slice without the object needs no click, only clearing: count that as one interaction.
    const cost = Math.max(1, annotated.clicks);
    clicks += cost;
    const range = correctionRange(userSlices, slice, layout.count);
    writeMask(labels, layout, slice, annotated.mask, label);
    userSlices.push(slice);
    userSlices.sort((a, b) => a - b);
    const timing = await propagate([range.first, range.last]);
    perSlice = score();
    const result: InteractiveRound = {
      round,
      clicks,
      dsc: dice(sumConfusion(perSlice)),
      corrected: { slice, dscBefore, dscAfter: dice(perSlice[slice] as Confusion), clicks: cost, range: [range.first, range.last] },
      ...timing,
    };
    rounds.push(result);
    options.onProgress?.(
      `label ${label} round ${round}: slice ${slice} (Dice ${(100 * dscBefore).toFixed(1)} → ${(100 * (result.corrected?.dscAfter ?? 0)).toFixed(1)}%, ${cost} clicks), re-propagated ${range.first}–${range.last} → Dice ${(100 * result.dsc).toFixed(1)}% at ${clicks} clicks`,
    );
  }
  return { label, axis, extent, initialSlices: evenlySpacedSlices(extent, options.initialSlices), rounds };
}
