/**
 * `iseg eval-interactive`: the paper's whole loop on a volume, simulated: clicks on k evenly spaced
 * slices until IoU ≥ 85 % (or 20 clicks), propagate, correct the worst slice against ground truth
 * with clicks, re-propagate only the affected range, repeat. Reports whole-volume Dice after each
 * round against the clicks spent so far (common/propagation/interactive-eval.ts does the loop).
 */
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExecutionProviderPreference } from '../../common/click/execution-provider';
import type { ClickSegmenter } from '../../common/click/types';
import { ServiceError } from '../../common/errors';
import { clickAnnotator } from '../../common/propagation/click-annotator';
import { evaluateInteractive, type InteractiveEvaluation } from '../../common/propagation/interactive-eval';
import type { Propagator } from '../../common/propagation/propagator';
import { indexAxisForView, type ViewAxis, type Volume } from '../../common/volume';
import { loadLabelMapFor } from '../../node/io/load-label-map';
import { readVolume } from '../../node/io/read-volume';
import { findModelsRoot } from '../../node/models/discovery';
import { openClickSegmenter } from '../../node/models/open-segmenter';
import { integerOption, parseCommandLine, UsageError, type CliOutput, type Command } from '../command';
import { writeJsonFile } from '../write-json';
import { EVAL_VOLUME_OPTIONS, openEvalPropagator, volumeArguments } from './eval-options';
import { parseMethod, parseView, runCommand } from './propagate';

export const summary = "the paper's interactive loop (clicks, propagate, correct the worst slice, re-propagate): Dice per round against clicks";

const USAGE = `Usage: iseg eval-interactive --image <image> --labels <label map> --label K [--label K2 ...]
         [--axis axial|coronal|sagittal] [--k 3] [--rounds 5] [--method memory|interpolation]
         [--model ID|classical|default] [--prop-model ID] [--ep auto|cpu|cuda] [--threads N]
         [--models DIR] [--json FILE] [--quiet]

For each label: k slices evenly spaced within its extent along the axis are segmented with
simulated clicks (RITM protocol, until IoU ≥ 85% or 20 clicks) by the click model --model, the
volume is propagated (--method), then for --rounds rounds the slice with the most false voxels
(outside the user's slices) is segmented again with clicks and the volume re-propagated only from
it to the nearest user slice on each side. Prints whole-volume Dice after each round against the
clicks spent so far; with several labels, also their mean Dice against their summed clicks.
--json FILE writes {"rounds": [{"clicks", "dsc"}, ...], "perLabel": [...]} (per label: every round, the slice corrected, its Dice before and after, the range re-propagated).`;

export interface EvalInteractiveSettings {
  readonly labels: readonly number[];
  readonly view: ViewAxis;
  readonly initialSlices: number;
  readonly rounds: number;
}

export interface CurvePoint {
  readonly clicks: number;
  readonly dsc: number;
}

/** The labels' curves combined round by round: summed clicks, mean Dice (a label that stopped early keeps its last point). */
export function combinedCurve(evaluations: readonly InteractiveEvaluation[]): CurvePoint[] {
  const length = Math.max(0, ...evaluations.map((e) => e.rounds.length));
  const out: CurvePoint[] = [];
  for (let r = 0; r < length; r++) {
    const points = evaluations.map((e) => e.rounds[Math.min(r, e.rounds.length - 1)]).filter((p) => p !== undefined);
    out.push({ clicks: points.reduce((n, p) => n + p.clicks, 0), dsc: round4(points.reduce((n, p) => n + p.dsc, 0) / Math.max(1, points.length)) });
  }
  return out;
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

/** Runs the loop for every label (in-process) and returns what --json writes. */
export async function evaluateInteractiveLoop(
  propagator: Propagator,
  segmenter: ClickSegmenter,
  image: Volume,
  truth: Volume,
  settings: EvalInteractiveSettings,
  log: (text: string) => void = () => undefined,
): Promise<{ rounds: CurvePoint[]; labels: InteractiveEvaluation[] }> {
  const axis = indexAxisForView(image.geometry.direction, settings.view);
  const annotate = clickAnnotator(segmenter, image);
  const labels: InteractiveEvaluation[] = [];
  for (const label of settings.labels) {
    try {
      labels.push(await evaluateInteractive(propagator, image, truth, { label, axis, initialSlices: settings.initialSlices, rounds: settings.rounds, annotate, onProgress: log }));
    } catch (error) {
      if (error instanceof Error && /not in the label map/.test(error.message)) throw new ServiceError('bad-request', `Label ${label} is not in the label map.`);
      throw error;
    }
  }
  return { rounds: combinedCurve(labels), labels };
}

export const evalInteractiveCommand: Command = {
  name: 'eval-interactive',
  summary,
  usage: USAGE,
  async run(args: readonly string[], output: CliOutput): Promise<void> {
    const { values, positionals } = parseCommandLine('eval-interactive', args, {
      ...EVAL_VOLUME_OPTIONS,
      k: { type: 'string' },
      rounds: { type: 'string' },
      model: { type: 'string' },
      'prop-model': { type: 'string' },
    });
    if (values.help) return output.out(USAGE);
    const { image: imagePath, labels: labelsPath, labelValues, threads } = volumeArguments('eval-interactive', values, positionals);
    const initialSlices = integerOption('eval-interactive', 'k', values.k, 3);
    const rounds = integerOption('eval-interactive', 'rounds', values.rounds, 5);
    if (initialSlices < 1 || initialSlices > 1000) throw new UsageError('iseg eval-interactive: --k is 1–1000 slices');
    if (rounds < 0 || rounds > 1000) throw new UsageError('iseg eval-interactive: --rounds is 0–1000');
    const method = parseMethod('eval-interactive', values.method);
    const view = parseView('eval-interactive', values.axis);
    const ep = parseExecutionProviderPreference(values.ep);
    if (values.ep !== undefined && ep === undefined) throw new UsageError('iseg eval-interactive: --ep is auto, cpu, cuda, dml or coreml');
    const log = (text: string): void => {
      if (!values.quiet) output.err(text);
    };

    const image = await readVolume(imagePath);
    const { labels: truth } = await loadLabelMapFor(labelsPath, image.geometry);
    const here = dirname(fileURLToPath(import.meta.url));
    const root = values.models ?? findModelsRoot([process.cwd(), here]);
    const segmenter = await openClickSegmenter(values.model ?? 'default', root, {
      ...(ep === undefined ? {} : { ep }),
      ...(threads === undefined ? {} : { threads }),
    });
    try {
      const opened = await openEvalPropagator(method, { model: values['prop-model'], models: values.models, ep: values.ep, threads });
      try {
        log(`${method} propagation, clicks from ${segmenter.id}, labels ${labelValues.join(', ')} along ${view} slices of ${basename(imagePath)}; k ${initialSlices}, ${rounds} rounds`);
        const result = await evaluateInteractiveLoop(opened.propagator, segmenter, image, truth, { labels: labelValues, view, initialSlices, rounds }, log);
        output.out(`${method}, clicks ${segmenter.id}, labels ${labelValues.join('+')}, ${view}, k ${initialSlices}`);
        output.out('round  clicks  Dice (%)');
        result.rounds.forEach((p, r) => output.out(`${String(r).padStart(5)}  ${String(p.clicks).padStart(6)}  ${(100 * p.dsc).toFixed(1)}`));
        if (values.json !== undefined) {
          await writeJsonFile(values.json, {
            method,
            clickModel: segmenter.id,
            ...(opened.model ? { propagationModel: opened.model.id, ep: opened.model.ep } : {}),
            image: basename(imagePath),
            labels: basename(labelsPath),
            labelValues,
            axis: view,
            k: initialSlices,
            rounds: result.rounds,
            perLabel: result.labels.map((e) => ({
              ...e,
              rounds: e.rounds.map((r) => ({ ...r, dsc: round4(r.dsc), elapsedMs: Math.round(r.elapsedMs), ...(r.corrected ? { corrected: { ...r.corrected, dscBefore: round4(r.corrected.dscBefore), dscAfter: round4(r.corrected.dscAfter) } } : {}) })),
            })),
          });
        }
      } finally {
        await opened.dispose();
      }
    } finally {
      await segmenter.dispose?.();
    }
  },
};

export async function run(args: string[]): Promise<number> {
  return runCommand(evalInteractiveCommand, args);
}
