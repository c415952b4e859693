/**
 * `iseg eval-propagation`: the paper's Table 2 protocol. For 1/3/5/10 evenly spaced given slices
 * within the object's extent, propagates the rest and reports DSC, sensitivity, PPV and IoU over
 * the slices that were NOT given and over the whole volume (the paper's own figure), plus ms per
 * slice. Seeds from ground truth, or from simulated clicks with the click engine up to IoU 85%.
 */
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExecutionProviderPreference } from '../../common/click/execution-provider';
import { MAX_CLICKS } from '../../common/click/protocol';
import type { ClickSegmenter } from '../../common/click/types';
import { ServiceError } from '../../common/errors';
import { CLICK_IOU_TARGET, clickAnnotator } from '../../common/propagation/click-annotator';
import { evaluatePropagation, type PropagationEvaluation, type SeedMaker, type SeedMode } from '../../common/propagation/evaluate';
import type { OverlapScores } from '../../common/propagation/metrics';
import { indexAxisForView, type Volume } from '../../common/volume';
import { loadLabelMapFor } from '../../node/io/load-label-map';
import { readVolume } from '../../node/io/read-volume';
import { findModelsRoot } from '../../node/models/discovery';
import { openClickSegmenter } from '../../node/models/open-segmenter';
import { openPropagator } from '../../node/propagation/open-propagator';
import { AutoPropagator, gateDecisionsAsJson, type GateDecision } from '../../common/propagation/auto-propagator';
import type { PropagationMethod } from '../../common/propagation/options';
import type { Propagator } from '../../common/propagation/propagator';
import { GrowPropagator } from '../../common/propagation/grow-propagator';
import type { StopRuleSettings } from '../../common/propagation/stop-rule';
import { parseCommandLine, UsageError, type CliOutput, type Command } from '../command';
import { parseReadoutWindow } from './readout-window-option';
import { writeJsonFile } from '../write-json';
import { parseMethod, parseView, runCommand } from './propagate';

export const summary = "evaluate propagation with the paper's given-slice protocol (DSC/SEN/PPV/IoU)";

const USAGE = `Usage: iseg eval-propagation --image <image> --labels <label map> --label K
         [--axis axial|coronal|sagittal] [--given 1,3,5,10] [--placement centres|ends] [--seed gt|clicks]
         [--method auto,memory,interpolation,grow] [--stop-rule F,G,D] [--readout-window T,R[,F[,S]]|full] [--consensus-margin M] [--solo-margin M] [--model ID] [--click-model ID|classical|default]
         [--ep auto|cpu|cuda] [--threads N] [--models DIR] [--json FILE] [--quiet]

For each count n in --given, n slices evenly spaced within label K's extent along the axis are
given (from ground truth, or made with simulated clicks until IoU ≥ 85%), the other slices are
propagated, and DSC, sensitivity, PPV and IoU are reported over the slices NOT given and over the
whole volume (the paper's scoring, which counts the given slices), with ms per computed slice.
--placement ends gives the object's first and last slices and the rest evenly between (3D
Slicer's "fill between slices" protocol: nothing of the object lies past them) instead of the
paper's bin centres.
--method takes one method or a comma-separated list (default auto,memory,interpolation: the app's
default beside two of the methods it combines; grow is what it runs from one slice where the
object stands out), and ends with one not-given DSC table of them all.
--stop-rule sets the memory stop rule (fraction, growth, confidence drop; stop-rule.ts), for
choosing it on training-source volumes; --readout-window the memory read-out's window (query tiles
of T × T feature cells that see R cells around them and, with F, every frame as F × F block means;
full: every position), for choosing it; --consensus-margin by how much interpolation must beat
auto's consensus on the held-out slices to run between them instead (auto-propagator.ts
CONSENSUS_MARGIN; --consensus-margin=-1: never, 1: always), and --solo-margin by how much memory or
growing must beat both to run alone (SOLO_MARGIN; 1: never), for choosing them.`;

function parseMethods(text: string | undefined): PropagationMethod[] {
  const methods = [...new Set((text ?? 'auto,memory,interpolation').split(',').map((t) => parseMethod('eval-propagation', t.trim())))];
  return methods;
}

function parseStopRule(text: string | undefined): StopRuleSettings | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map(Number);
  if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v) && v !== Infinity) || parts.some((v) => v < 0)) {
    throw new UsageError(`iseg eval-propagation: --stop-rule is fraction,growth,confidence-drop (e.g. 0.2,1.25,0.05), not "${text}"`);
  }
  const [fraction, growth, confidenceDrop] = parts as [number, number, number];
  return { fraction, growth, confidenceDrop };
}

/** One line per decision: "label 1: consensus between (held out 2: memory .71, interpolation .80, grow .66, consensus .83), consensus beyond". */
function describeGate(gate: readonly GateDecision[]): string {
  return gate
    .map((d) => {
      if (d.oneSlice) return `label ${d.label}: one given slice (out and back: memory ${d.oneSlice.memory.toFixed(2)}, grow ${d.oneSlice.grow.toFixed(2)}), ${d.before} both ways${leakText(d.leakFrom)}`;
      const s = d.scores;
      const scores = s ? ` (held out ${s.heldOut.length}: memory ${s.memory.toFixed(2)}, interpolation ${s.interpolation.toFixed(2)}, grow ${s.grow.toFixed(2)}, consensus ${s.consensus.toFixed(2)})` : '';
      return `label ${d.label}: ${d.between} between${scores}, ${d.before} beyond`;
    })
    .join('; ');
}

/** ", held to memory from slice 140 before and 221 after" where growing from one slice was judged to leak. */
function leakText(leak: GateDecision['leakFrom']): string {
  if (leak === undefined) return '';
  const sides = [leak.before === undefined ? '' : `${leak.before} before`, leak.after === undefined ? '' : `${leak.after} after`].filter((t) => t !== '');
  return `, held to memory from slice ${sides.join(' and ')}`;
}

function pct(s: OverlapScores): string {
  return `${(100 * s.dsc).toFixed(1)} / ${(100 * s.sen).toFixed(1)} / ${(100 * s.ppv).toFixed(1)} / ${(100 * s.iou).toFixed(1)}`;
}

function round(s: OverlapScores): OverlapScores {
  const r = (v: number): number => Math.round(v * 1e4) / 1e4;
  return { dsc: r(s.dsc), sen: r(s.sen), ppv: r(s.ppv), iou: r(s.iou) };
}

/** Seeds made the interactive way: RITM click simulation on each given slice until IoU ≥ 85%. */
function clickSeedMaker(segmenter: ClickSegmenter, image: Volume, clickCounts: number[]): SeedMaker {
  const annotate = clickAnnotator(segmenter, image);
  return async (slice, truth, layout) => {
    const { mask, clicks } = await annotate(slice, truth, layout);
    clickCounts.push(clicks);
    return mask;
  };
}

export const evalPropagationCommand: Command = {
  name: 'eval-propagation',
  summary,
  usage: USAGE,
  async run(args: readonly string[], output: CliOutput): Promise<void> {
    const { values, positionals } = parseCommandLine('eval-propagation', args, {
      image: { type: 'string' },
      labels: { type: 'string' },
      label: { type: 'string' },
      axis: { type: 'string' },
      given: { type: 'string' },
      seed: { type: 'string' },
      method: { type: 'string' },
      'stop-rule': { type: 'string' },
      'readout-window': { type: 'string' },
      'consensus-margin': { type: 'string' },
      'solo-margin': { type: 'string' },
      model: { type: 'string' },
      'click-model': { type: 'string' },
      ep: { type: 'string' },
      threads: { type: 'string' },
      models: { type: 'string' },
      json: { type: 'string' },
      placement: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) return output.out(USAGE);
    if (positionals.length > 0) throw new UsageError(`iseg eval-propagation: unexpected argument "${positionals[0] ?? ''}"`);
    if (values.image === undefined || values.labels === undefined || values.label === undefined) {
      throw new UsageError('iseg eval-propagation: --image, --labels and --label are required');
    }
    const label = Number(values.label);
    if (!/^\d+$/.test(values.label) || label < 1 || label > 65535) throw new UsageError(`iseg eval-propagation: --label is a label value 1–65535, not "${values.label}"`);
    const given = (values.given ?? '1,3,5,10').split(',').map((t) => t.trim());
    if (given.some((t) => !/^\d+$/.test(t) || Number(t) < 1)) throw new UsageError(`iseg eval-propagation: --given is a list of positive integers, not "${values.given ?? ''}"`);
    const placement = values.placement ?? 'centres';
    if (placement !== 'centres' && placement !== 'ends') throw new UsageError(`iseg eval-propagation: --placement is centres or ends, not "${placement}"`);
    const seedText = values.seed ?? 'gt';
    if (seedText !== 'gt' && seedText !== 'clicks') throw new UsageError(`iseg eval-propagation: --seed is gt or clicks, not "${seedText}"`);
    const seed: SeedMode = seedText;
    const methods = parseMethods(values.method);
    const stopRule = parseStopRule(values['stop-rule']);
    const readoutWindow = parseReadoutWindow('eval-propagation', values['readout-window']);
    const margin = (option: 'consensus-margin' | 'solo-margin'): number | undefined => {
      const text = values[option];
      if (text === undefined) return undefined;
      const value = Number(text);
      if (text === '' || !Number.isFinite(value) || Math.abs(value) > 1) throw new UsageError(`iseg eval-propagation: --${option} is a number from -1 to 1, not "${text}"`);
      return value;
    };
    const consensusMargin = margin('consensus-margin');
    const soloMargin = margin('solo-margin');
    const gateMargins = { ...(consensusMargin === undefined ? {} : { consensus: consensusMargin }), ...(soloMargin === undefined ? {} : { solo: soloMargin }) };
    const view = parseView('eval-propagation', values.axis);
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new UsageError('iseg eval-propagation: --threads is a positive integer');
    const log = (text: string): void => {
      if (!values.quiet) output.err(text);
    };

    const image = await readVolume(values.image);
    const { labels: truth } = await loadLabelMapFor(values.labels, image.geometry);
    const axis = indexAxisForView(image.geometry.direction, view);
    // One opening serves every method: 'auto' holds the memory engine (and its key cache) and interpolation.
    const needsModel = methods.some((m) => m === 'auto' || m === 'memory');
    const opened = await openPropagator(needsModel ? 'auto' : 'interpolation', {
      ...(values.model === undefined ? {} : { model: values.model }),
      ...(values.models === undefined ? {} : { modelsDir: values.models }),
      ...(values.ep === undefined ? {} : { ep: values.ep }),
      ...(threads === undefined ? {} : { threads }),
      ...(stopRule === undefined ? {} : { stopRule }),
      ...(readoutWindow === undefined ? {} : { readoutWindow }),
      gateMargins,
    });
    const propagatorFor = (method: PropagationMethod): Propagator => {
      const p = opened.propagator;
      if (method === 'grow') return p instanceof AutoPropagator ? p.grow : new GrowPropagator();
      if (!(p instanceof AutoPropagator)) return p;
      return method === 'auto' ? p : method === 'memory' ? p.memory : p.interpolation;
    };
    let segmenter: ClickSegmenter | undefined;
    const clickCounts: number[] = [];
    try {
      if (seed === 'clicks') {
        const here = dirname(fileURLToPath(import.meta.url));
        const root = values.models ?? findModelsRoot([process.cwd(), here]);
        try {
          const ep = parseExecutionProviderPreference(values.ep);
          segmenter = await openClickSegmenter(values['click-model'] ?? 'default', root, ep === undefined ? {} : { ep });
        } catch (error) {
          throw new ServiceError('not-found', `Click seeds need a click model: ${error instanceof Error ? error.message : String(error)} (pass --click-model classical for the classical segmenter).`);
        }
        log(`click seeds from ${segmenter.id} (simulated clicks until IoU ≥ ${100 * CLICK_IOU_TARGET}%, at most ${MAX_CLICKS})`);
      }
      const evaluations: PropagationEvaluation[] = [];
      for (const method of methods) {
        log(`${method} propagation of label ${label} along ${view} slices of ${basename(values.image)}`);
        let evaluation: PropagationEvaluation;
        try {
          evaluation = await evaluatePropagation(propagatorFor(method), image, truth, {
            label,
            axis,
            given: given.map(Number),
            placement,
            seed,
            ...(segmenter ? { makeSeed: clickSeedMaker(segmenter, image, clickCounts) } : {}),
            onProgress: log,
          });
        } catch (error) {
          if (error instanceof Error && /not in the label map/.test(error.message)) throw new ServiceError('bad-request', `Label ${label} is not in ${basename(values.labels)}.`);
          throw error;
        }
        evaluations.push(evaluation);
        output.out(`${method}, seeds ${seed}, label ${label}, ${view} (extent slices ${evaluation.extent[0]}–${evaluation.extent[1]})`);
        output.out('given  not-given DSC / SEN / PPV / IoU (%)   whole volume DSC / SEN / PPV / IoU (%)   ms/slice');
        for (const [n, r] of Object.entries(evaluation.given)) {
          output.out(`${n.padStart(5)}  ${pct(r.notGiven).padEnd(38)}  ${pct(r.whole).padEnd(38)}  ${r.msPerSlice.toFixed(1)}`);
          if (r.gate) output.out(`       gate: ${describeGate(r.gate)}`);
        }
      }
      if (evaluations.length > 1) {
        output.out(`not-given DSC (%) by method, label ${label}`);
        output.out(`given  ${methods.map((m) => ` ${m}`.padStart(15)).join('')}`);
        for (const n of given) output.out(`${n.padStart(5)}  ${evaluations.map((e) => (100 * (e.given[n]?.notGiven.dsc ?? NaN)).toFixed(1).padStart(15)).join('')}`);
      }
      if (values.json !== undefined) {
        const report = (evaluation: PropagationEvaluation): Record<string, unknown> =>
          Object.fromEntries(
            Object.entries(evaluation.given).map(([n, r]) => [
              n,
              {
                slices: r.slices,
                notGiven: round(r.notGiven),
                whole: round(r.whole),
                seeds: round(r.seeds),
                msPerSlice: Math.round(r.msPerSlice * 100) / 100,
                elapsedMs: Math.round(r.elapsedMs),
                computedSlices: r.computedSlices,
                ...(r.timings ? { timings: { ...r.timings, readoutMs: Math.round(r.timings.readoutMs), networkMs: Math.round(r.timings.networkMs) } } : {}),
                ...(r.gate ? { gate: gateDecisionsAsJson(r.gate) } : {}),
                notGivenByRegion: r.notGivenByRegion,
              },
            ]),
          );
        const first = evaluations[0];
        await writeJsonFile(values.json, {
          // The first method's figures at the top (as with one method), every method's under "methods".
          method: methods[0],
          seed,
          placement,
          label,
          axis: view,
          indexAxis: axis,
          image: basename(values.image),
          labels: basename(values.labels),
          extent: first?.extent,
          ...(opened.model ? { model: opened.model.id, ep: opened.model.ep } : {}),
          ...(stopRule ? { stopRule } : {}),
          ...(Object.keys(gateMargins).length > 0 ? { gateMargins } : {}),
          ...(opened.readoutWindow === undefined ? {} : { readoutWindow: opened.readoutWindow ?? 'full' }),
          ...(segmenter ? { clickModel: segmenter.id, meanClicksPerSeed: clickCounts.reduce((a, b) => a + b, 0) / Math.max(1, clickCounts.length) } : {}),
          given: first ? report(first) : {},
          methods: Object.fromEntries(evaluations.map((e): [string, Record<string, unknown>] => [e.method, report(e)])),
        });
      }
    } finally {
      await segmenter?.dispose?.();
      await opened.dispose();
    }
  },
};

export async function run(args: string[]): Promise<number> {
  return runCommand(evalPropagationCommand, args);
}
