/**
 * `iseg eval-clicks`: the number of clicks (NoC) a click segmenter needs on labelled slices of a
 * volume, under the RITM automatic protocol (common/click/protocol.ts), with the same engine code
 * the app runs. Prints a summary and, with --json, writes the full result.
 */
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExecutionProviderPreference } from '../../common/click/execution-provider';
import { robustRange } from '../../common/click/normalize';
import { threshold } from '../../common/click/prepare';
import { segmentPrompt, promptSegmenter } from '../../common/click/prompt-segmenter';
import { iou, MAX_CLICKS, noc, simulateClicks, summarize, type SampleRun } from '../../common/click/protocol';
import { extractLabelMask, extractSlice, labelCountsPerSlice } from '../../common/click/slice';
import type { IndexAxis } from '../../common/slice';
import { objectBox } from '../../common/click/roi';
import type { ClickSegmenter } from '../../common/click/types';
import { indexAxisForView, type ViewAxis, type Volume } from '../../common/volume';
import { readVolume } from '../../node/io/read-volume';
import { findModelsRoot } from '../../node/models/discovery';
import { openClickSegmenter } from '../../node/models/open-segmenter';
import type { OnnxClickSegmenter } from '../../node/models/onnx-click-segmenter';
import { parseCommandLine, parseOrReport, UsageError } from '../command';
import { cpuTimedSegmenter } from '../cpu-timed-segmenter';

export const summary = 'Number of clicks to reach 80/85/90% IoU (RITM protocol) on labelled slices, for a model or the classical segmenter.';

export const usage = `usage: iseg eval-clicks --image FILE --labels FILE --label K [--label K2 ...]
         [--axis axial|coronal|sagittal] [--slices 40,80,120 | --every N | --samples N]
         [--max-clicks 20] [--min-area 20] [--model ID|classical|default] [--ep auto|cpu|cuda|dml|coreml]
         [--models DIR] [--threads N] [--json FILE] [--quiet] [--no-guarantee] [--keep-stray] [--box]

  Slices are cut normal to the index axis closest to the view's normal (the direction matrix
  decides). Default: --samples 20 slices evenly spread over those where the label covers at least
  --min-area pixels. Every (slice, label) pair is one sample; the label's whole region on the slice
  is the target. NoC@X is the first click with IoU >= X, or --max-clicks if never.
  Every answer goes through the click guarantee (a positive click's pixel inside the mask, a
  negative one's outside, no blob that no positive click holds) as in the app; --no-guarantee
  measures the engine alone, --keep-stray keeps the blobs. clickViolations
  counts the clicks the answers contradicted. --box also asks each sample's first mask from its
  label's bounding box alone (boxIou, beside IoU@1 of one click).`;

export interface EvalClicksOptions {
  image: string;
  labels: string;
  labelValues: number[];
  axis: ViewAxis;
  slices?: number[];
  every?: number;
  samples: number;
  maxClicks: number;
  minArea: number;
  model: string;
  ep: string;
  modelsDir?: string;
  threads?: number;
  json?: string;
  quiet: boolean;
  guarantee: boolean;
  keepStray: boolean;
  box: boolean;
}

/** A whole number ≥ 1 (≥ 0 with `allowZero`) from a flag's text, or one sentence saying so. */
function positiveInt(flag: string, value: string, allowZero = false): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new UsageError(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} integer.`);
  return n;
}

const VIEW_AXES: readonly ViewAxis[] = ['axial', 'coronal', 'sagittal'];

export function parseEvalClicksArgs(args: readonly string[]): EvalClicksOptions {
  const { values, positionals } = parseCommandLine('eval-clicks', args, {
    image: { type: 'string' },
    labels: { type: 'string' },
    label: { type: 'string', multiple: true },
    axis: { type: 'string' },
    slices: { type: 'string' },
    every: { type: 'string' },
    samples: { type: 'string' },
    'max-clicks': { type: 'string' },
    'min-area': { type: 'string' },
    model: { type: 'string' },
    ep: { type: 'string' },
    models: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'string' },
    quiet: { type: 'boolean' },
    'no-guarantee': { type: 'boolean' },
    'keep-stray': { type: 'boolean' },
    box: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0] ?? ''}".`);
  if (!values.image || !values.labels) throw new UsageError('--image and --labels are required.');
  const labelValues = (values.label ?? []).map((v) => positiveInt('--label', v));
  if (labelValues.length === 0) throw new UsageError('At least one --label is required.');
  const axis = values.axis ?? 'axial';
  if (!(VIEW_AXES as readonly string[]).includes(axis)) throw new UsageError('--axis is axial, coronal or sagittal.');
  const ep = values.ep ?? process.env.ISEG_EP ?? 'auto';
  if (!parseExecutionProviderPreference(ep)) throw new UsageError('--ep is auto, cpu, cuda, dml or coreml.');
  if (values.slices !== undefined && values.every !== undefined) throw new UsageError('Give --slices or --every, not both.');
  return {
    image: values.image,
    labels: values.labels,
    labelValues,
    axis: axis as ViewAxis,
    ...(values.slices === undefined ? {} : { slices: values.slices.split(',').map((s) => positiveInt('--slices', s.trim(), true)) }),
    ...(values.every === undefined ? {} : { every: positiveInt('--every', values.every) }),
    samples: values.samples === undefined ? 20 : positiveInt('--samples', values.samples),
    maxClicks: values['max-clicks'] === undefined ? MAX_CLICKS : positiveInt('--max-clicks', values['max-clicks']),
    minArea: values['min-area'] === undefined ? 20 : positiveInt('--min-area', values['min-area']),
    model: values.model ?? 'default',
    ep,
    ...(values.models === undefined ? {} : { modelsDir: values.models }),
    ...(values.threads === undefined ? {} : { threads: positiveInt('--threads', values.threads) }),
    ...(values.json === undefined ? {} : { json: values.json }),
    quiet: values.quiet === true,
    guarantee: values['no-guarantee'] !== true,
    keepStray: values['keep-stray'] === true,
    box: values.box === true,
  };
}

/** The slices evaluated for one label: explicit, every Nth, or N evenly spread (all with the label). */
export function chooseSlices(counts: Int32Array, options: Pick<EvalClicksOptions, 'slices' | 'every' | 'samples' | 'minArea'>): number[] {
  const eligible: number[] = [];
  counts.forEach((c, s) => {
    if (c >= options.minArea) eligible.push(s);
  });
  if (options.slices) return options.slices.filter((s) => (counts[s] ?? 0) >= options.minArea);
  if (options.every) return eligible.filter((s) => s % (options.every ?? 1) === 0);
  if (eligible.length <= options.samples) return eligible;
  const picked: number[] = [];
  for (let n = 0; n < options.samples; n++) {
    const s = eligible[Math.floor(((n + 0.5) * eligible.length) / options.samples)];
    if (s !== undefined && picked[picked.length - 1] !== s) picked.push(s);
  }
  return picked;
}

export interface PerSample {
  label: number;
  slice: number;
  area: number;
  noc: { '80': number; '85': number; '90': number };
  ious: number[];
  clicks: { x: number; y: number; positive: boolean }[];
  msPerClick: number;
  clickViolations: number;
  /** IoU of the mask from the label's bounding box alone (with --box). */
  boxIou?: number;
}

function round(v: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export async function evaluateClicks(
  segmenter: ClickSegmenter,
  image: Volume,
  labels: Volume,
  options: EvalClicksOptions,
  log: (line: string) => void = () => undefined,
): Promise<Record<string, unknown>> {
  const indexAxis: IndexAxis = indexAxisForView(image.geometry.direction, options.axis);
  const intensityRange = robustRange(image.voxels, 0.5, 99.5);
  const runs: SampleRun[] = [];
  const perSample: PerSample[] = [];
  let predictMs = 0;
  let forwardMs = 0;
  // CPU time of this process during predict calls (all threads): it does not grow with load.
  let cpuMs = 0;
  const onnxModel = segmenter.kind === 'onnx' ? (segmenter as OnnxClickSegmenter) : undefined;
  // Adds up the model's forward passes alongside the protocol's end-to-end timings.
  const timed = cpuTimedSegmenter(promptSegmenter(segmenter, options.guarantee, options.keepStray), (ms) => {
    cpuMs += ms;
    if (onnxModel) forwardMs += onnxModel.lastForwardMs;
  });
  let clicks = 0;
  let clickViolations = 0;
  const boxIous: number[] = [];
  for (const label of options.labelValues) {
    const counts = labelCountsPerSlice(labels, indexAxis, label);
    const slices = chooseSlices(counts, options);
    if (slices.length === 0) log(`label ${label}: no slice along ${options.axis} has ${options.minArea}+ pixels of it; skipped.`);
    for (const s of slices) {
      const { data, geometry } = extractSlice(image, indexAxis, s);
      const gt = extractLabelMask(labels, indexAxis, s, label);
      const run = await simulateClicks(timed, data, geometry.width, geometry.height, gt, {
        maxClicks: options.maxClicks,
        predictOptions: { intensityRange, pixelSpacing: geometry.pixelSpacing },
        now: () => performance.now(),
      });
      runs.push(run);
      clickViolations += run.clickViolations;
      let boxIou: number | undefined;
      if (options.box) {
        const width = geometry.width;
        // Samples have an area, so the label's box exists.
        const box = objectBox(gt, width, geometry.height, [], 0) ?? { x0: 0, y0: 0, x1: width - 1, y1: geometry.height - 1 };
        const first = await segmentPrompt(segmenter, data, width, geometry.height, { clicks: [], box }, undefined, {
          intensityRange,
          pixelSpacing: geometry.pixelSpacing,
          guarantee: options.guarantee,
        });
        boxIou = iou(threshold(first, segmenter.threshold), gt);
        boxIous.push(boxIou);
      }
      const ms = run.predictMs.reduce((a, b) => a + b, 0);
      predictMs += ms;
      clicks += run.predictMs.length;
      const sample: PerSample = {
        label,
        slice: s,
        area: counts[s] ?? 0,
        noc: { '80': noc(run.ious, 0.8, options.maxClicks), '85': noc(run.ious, 0.85, options.maxClicks), '90': noc(run.ious, 0.9, options.maxClicks) },
        ious: run.ious.map((v) => round(v)),
        clicks: run.clicks.map((c) => ({ x: c.x, y: c.y, positive: c.positive })),
        msPerClick: round(ms / Math.max(1, run.predictMs.length), 2),
        clickViolations: run.clickViolations,
        ...(boxIou === undefined ? {} : { boxIou: round(boxIou) }),
      };
      perSample.push(sample);
      log(
        `label ${label} slice ${s} (${sample.area} px): NoC@80/85/90 = ${sample.noc['80']}/${sample.noc['85']}/${sample.noc['90']}, IoU@1 ${sample.ious[0]?.toFixed(3) ?? '-'}, IoU@5 ${sample.ious[4]?.toFixed(3) ?? '-'}, best ${Math.max(...run.ious).toFixed(3)}, ${sample.msPerClick} ms/click, ${sample.clickViolations} violations${boxIou === undefined ? '' : `, box IoU ${boxIou.toFixed(3)}`}`,
      );
    }
  }
  const s = summarize(runs, options.maxClicks);
  const onnx = onnxModel;
  return {
    model: segmenter.id,
    kind: segmenter.kind,
    ...(onnx ? { ep: onnx.ep, modelLoadMs: round(onnx.loadMs, 1) } : {}),
    image: basename(options.image),
    labels: basename(options.labels),
    labelValues: options.labelValues,
    axis: options.axis,
    indexAxis: 'ijk'[indexAxis],
    intensityRange,
    maxClicks: options.maxClicks,
    threshold: segmenter.threshold,
    samples: s.samples,
    noc: {
      '80': { mean: round(s.noc['80'].mean, 3), std: round(s.noc['80'].std, 3) },
      '85': { mean: round(s.noc['85'].mean, 3), std: round(s.noc['85'].std, 3) },
      '90': { mean: round(s.noc['90'].mean, 3), std: round(s.noc['90'].std, 3) },
    },
    over20: s.over20,
    meanIouPerClick: s.meanIouPerClick.map((v) => round(v)),
    guarantee: options.guarantee,
    keepStray: options.keepStray,
    clickViolations,
    ...(options.box ? { boxIou: round(boxIous.reduce((a, b) => a + b, 0) / Math.max(1, boxIous.length)) } : {}),
    spcMs: round(predictMs / Math.max(1, clicks), 2),
    spc: round(predictMs / Math.max(1, clicks) / 1000, 5),
    cpuMsPerClick: round(cpuMs / Math.max(1, clicks), 2),
    loadAverage: loadavg().map((v) => round(v, 2)),
    ...(onnx ? { forwardMsPerClick: round(forwardMs / Math.max(1, clicks), 2) } : {}),
    clicks,
    peakRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
    perSample,
  };
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseOrReport(args, usage, parseEvalClicksArgs);
  if ('exit' in parsed) return parsed.exit;
  const options: EvalClicksOptions = parsed.options;
  const log = options.quiet ? () => undefined : (line: string) => console.log(line);
  try {
    const [image, labels] = await Promise.all([readVolume(options.image), readVolume(options.labels)]);
    const a = image.geometry.size;
    const b = labels.geometry.size;
    if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) {
      console.error(`The label map (${b.join('×')}) does not have the image's size (${a.join('×')}).`);
      return 1;
    }
    const here = dirname(fileURLToPath(import.meta.url));
    const root = options.modelsDir ?? findModelsRoot([process.cwd(), here]);
    const segmenter = await openClickSegmenter(options.model, root, {
      ep: parseExecutionProviderPreference(options.ep) ?? 'auto',
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
    });
    log(`model ${segmenter.id} (${segmenter.kind}${segmenter.kind === 'onnx' ? `, ${(segmenter as OnnxClickSegmenter).ep}` : ''}); ${options.axis} slices of ${basename(options.image)}`);
    const result = await evaluateClicks(segmenter, image, labels, options, log);
    await segmenter.dispose?.();
    const noc = result.noc as Record<string, { mean: number; std: number }>;
    const over = result.over20 as Record<string, number>;
    console.log(
      `${String(result.model)}: ${String(result.samples)} samples, NoC@80 ${noc['80']?.mean ?? 0}±${noc['80']?.std ?? 0}, NoC@85 ${noc['85']?.mean ?? 0}±${noc['85']?.std ?? 0}, NoC@90 ${noc['90']?.mean ?? 0}±${noc['90']?.std ?? 0}, ≥20@85 ${over['85'] ?? 0}, ≥20@90 ${over['90'] ?? 0}, ${String(result.clickViolations)} click violations${typeof result.boxIou === 'number' ? `, box IoU ${result.boxIou}` : ''}, ${String(result.spcMs)} ms/click, peak RSS ${String(result.peakRssMb)} MB`,
    );
    if (options.json) await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
