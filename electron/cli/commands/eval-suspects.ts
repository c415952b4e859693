/**
 * `iseg eval-suspects`: do the suspect-slice flags find the bad slices? Propagates each label from
 * ground-truth seeds on n evenly spaced slices (the paper's Table 2 protocol), takes the 10 % of the
 * propagated slices with the lowest Dice against the truth as the ones a user must find, and
 * reports the share of them the flags catch (recall) and the false flags per true one. --json
 * writes every propagated slice's evidence beside its Dice, for choosing thresholds
 * (scripts/fit-suspect-thresholds.mjs) on training-source volumes only.
 */
import { basename } from 'node:path';
import { evenlySpacedSlices, objectExtent } from '../../common/propagation/given-slices';
import { MemoryPropagator } from '../../common/propagation/memory-engine';
import { confusionPerSlice, scoresOf } from '../../common/propagation/metrics';
import type { Propagator } from '../../common/propagation/propagator';
import { readSlice, sliceLayout, writeSlice, type IndexAxis } from '../../common/slice';
import { sliceAreas } from '../../common/propagation/slices';
import { areaDrops, areaJumps, endProximity, rankSuspectSlices, shapeChanges, type SegmentEvidence, type SuspectThresholds } from '../../common/propagation/suspect';
import { indexAxisForView, type Volume } from '../../common/volume';
import { loadLabelMapFor } from '../../node/io/load-label-map';
import { readVolume } from '../../node/io/read-volume';
import { integerOption, parseCommandLine, UsageError, type CliOutput, type Command } from '../command';
import { writeJsonFile } from '../write-json';
import { EVAL_VOLUME_OPTIONS, openEvalPropagator, volumeArguments } from './eval-options';
import { parseMethod, parseView, runCommand } from './propagate';

export const summary = 'how many of the worst propagated slices the suspect flags find (recall, false flags per true one)';

const USAGE = `Usage: iseg eval-suspects --image <image> --labels <label map> --label K [--label K2 ...]
         [--axis axial|coronal|sagittal] [--given 3] [--method memory|interpolation]
         [--model ID] [--ep auto|cpu|cuda] [--threads N] [--models DIR] [--json FILE] [--quiet]

For each label, n (--given) slices evenly spaced within its extent are given from ground truth and
the rest propagated. Of the propagated slices that hold the object (in the truth or the result), the
10% with the lowest Dice are the bad ones; the suspect flags (engine defaults) are scored against
them: recall (share of bad slices flagged) and false flags per true one. --json writes each
propagated slice's Dice and evidence (disagreement, area jump, shape change, uncertainty, object end,
area drop).`;

/** Share of the propagated slices that count as bad (the worst by Dice). */
export const WORST_SHARE = 0.1;

export interface SliceRecord {
  readonly slice: number;
  /** The object is on this slice in the truth or the result (only such slices can be bad). */
  readonly present: boolean;
  readonly dice: number;
  readonly errors: number;
  readonly disagreement: number;
  readonly areaJump: number;
  readonly shapeChange: number;
  readonly uncertainty: number;
  readonly objectEnd: number;
  readonly areaDrop: number;
}

export interface SuspectScore {
  readonly label: number;
  readonly candidates: number;
  readonly worst: readonly number[];
  readonly flagged: readonly number[];
  readonly truePositives: number;
  readonly recall: number;
  readonly falsePerTrue: number;
  readonly slices: readonly SliceRecord[];
}

/** The worst `share` of the records that hold the object, by Dice (more false voxels first on ties), at least one. */
export function worstSlices(records: readonly SliceRecord[], share = WORST_SHARE): number[] {
  const present = records.filter((r) => r.present);
  const count = Math.min(present.length, Math.max(1, Math.ceil(share * present.length)));
  return present
    .sort((a, b) => a.dice - b.dice || b.errors - a.errors || a.slice - b.slice)
    .slice(0, count)
    .map((r) => r.slice);
}

/** Scores the flags of one label's propagation against the truth. */
export function scoreSuspects(evidence: SegmentEvidence, result: Volume, truth: Volume, axis: IndexAxis, given: ReadonlySet<number>, thresholds?: Partial<SuspectThresholds>): SuspectScore {
  const { label } = evidence;
  const layout = sliceLayout(truth.geometry.size, axis);
  const per = confusionPerSlice(result.voxels, truth.voxels, label, layout);
  const jumps = areaJumps(evidence.areas);
  const slices: SliceRecord[] = [];
  per.forEach((c, slice) => {
    if (given.has(slice) || (evidence.written !== undefined && !evidence.written.has(slice))) return;
    slices.push({
      slice,
      present: c.tp + c.fp + c.fn > 0,
      dice: scoresOf(c).dsc,
      errors: c.fp + c.fn,
      disagreement: evidence.disagreement.get(slice) ?? 0,
      areaJump: jumps[slice] ?? 0,
      shapeChange: evidence.shapeChange?.[slice] ?? 0,
      uncertainty: evidence.uncertainty?.get(slice) ?? 0,
      objectEnd: evidence.objectEnd?.[slice] ?? 0,
      areaDrop: evidence.areaDrop?.[slice] ?? 0,
    });
  });
  const worst = worstSlices(slices);
  const bad = new Set(worst);
  const flagged = rankSuspectSlices([evidence], thresholds ? { thresholds } : {}).map((s) => s.slice);
  const truePositives = flagged.filter((s) => bad.has(s)).length;
  return {
    label,
    candidates: slices.filter((r) => r.present).length,
    worst,
    flagged,
    truePositives,
    recall: worst.length === 0 ? 1 : truePositives / worst.length,
    falsePerTrue: (flagged.length - truePositives) / Math.max(1, truePositives),
    slices,
  };
}

/** Propagates `label` from ground truth on `given` evenly spaced slices; its evidence and result. */
export async function propagateFromTruth(propagator: Propagator, image: Volume, truth: Volume, label: number, axis: IndexAxis, given: number): Promise<{ evidence: SegmentEvidence; result: Volume; given: Set<number> }> {
  const layout = sliceLayout(truth.geometry.size, axis);
  const extent = objectExtent(sliceAreas(truth.voxels, layout, label));
  if (!extent) throw new UsageError(`iseg eval-suspects: label ${label} is not in the label map`);
  const slices = evenlySpacedSlices(extent, given);
  const seeds = label > 255 ? new Uint16Array(truth.voxels.length) : new Uint8Array(truth.voxels.length);
  const pixels = layout.width * layout.height;
  for (const s of slices) {
    const values = readSlice(truth.voxels, layout, s, seeds instanceof Uint16Array ? new Uint16Array(pixels) : new Uint8Array(pixels));
    for (let i = 0; i < pixels; i++) if (values[i] !== label) values[i] = 0;
    writeSlice(seeds, layout, s, values);
  }
  const outcome = await propagator.propagate(image, { geometry: truth.geometry, componentType: label > 255 ? 'uint16' : 'uint8', voxels: seeds }, { axis, labels: [label], annotatedSlices: slices });
  const fromEngine = propagator instanceof MemoryPropagator ? propagator.lastEvidence.find((e) => e.label === label) : undefined;
  // Interpolation keeps no evidence of its own: what the label map shows is all there is.
  const areas = sliceAreas(outcome.labels.voxels, layout, label);
  const evidence = fromEngine ?? {
    label,
    areas,
    objectEnd: endProximity(areas, slices),
    areaDrop: areaDrops(areas, slices),
    disagreement: new Map<number, number>(),
    shapeChange: shapeChanges(outcome.labels.voxels, layout, label),
    written: new Set(outcome.written),
  };
  return { evidence, result: outcome.labels, given: new Set(slices) };
}

function pct(v: number): string {
  return `${(100 * v).toFixed(0)}%`;
}

export const evalSuspectsCommand: Command = {
  name: 'eval-suspects',
  summary,
  usage: USAGE,
  async run(args: readonly string[], output: CliOutput): Promise<void> {
    const { values, positionals } = parseCommandLine('eval-suspects', args, { ...EVAL_VOLUME_OPTIONS, given: { type: 'string' }, model: { type: 'string' } });
    if (values.help) return output.out(USAGE);
    const { image: imagePath, labels: labelsPath, labelValues, threads } = volumeArguments('eval-suspects', values, positionals);
    const given = integerOption('eval-suspects', 'given', values.given, 3);
    if (given < 1) throw new UsageError('iseg eval-suspects: --given is a positive integer');
    const method = parseMethod('eval-suspects', values.method);
    const view = parseView('eval-suspects', values.axis);
    const image = await readVolume(imagePath);
    const { labels: truth } = await loadLabelMapFor(labelsPath, image.geometry);
    const axis = indexAxisForView(image.geometry.direction, view);
    const opened = await openEvalPropagator(method, { model: values.model, models: values.models, ep: values.ep, threads });
    try {
      const scores: SuspectScore[] = [];
      for (const label of labelValues) {
        const run = await propagateFromTruth(opened.propagator, image, truth, label, axis, given);
        const score = scoreSuspects(run.evidence, run.result, truth, axis, run.given);
        scores.push(score);
        if (!values.quiet) output.err(`label ${label}: ${score.candidates} propagated slices, ${score.worst.length} worst (${score.worst.join(', ')}), ${score.flagged.length} flagged, recall ${pct(score.recall)}, ${score.falsePerTrue.toFixed(2)} false flags per true one`);
      }
      const worst = scores.reduce((n, s) => n + s.worst.length, 0);
      const found = scores.reduce((n, s) => n + s.truePositives, 0);
      const flagged = scores.reduce((n, s) => n + s.flagged.length, 0);
      const recall = found / Math.max(1, worst);
      const falsePerTrue = (flagged - found) / Math.max(1, found);
      output.out(`${basename(imagePath)} ${method} ${view}, ${given} given, labels ${labelValues.join('+')}: recall ${pct(recall)} (${found} of ${worst} worst slices flagged), ${falsePerTrue.toFixed(2)} false flags per true one (${flagged} flags)`);
      if (values.json !== undefined) {
        await writeJsonFile(values.json, { image: basename(imagePath), labels: basename(labelsPath), method, axis: view, given, worstShare: WORST_SHARE, recall, falsePerTrue, perLabel: scores });
      }
    } finally {
      await opened.dispose();
    }
  },
};

export async function run(args: string[]): Promise<number> {
  return runCommand(evalSuspectsCommand, args);
}
