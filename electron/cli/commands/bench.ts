/**
 * `iseg bench`: figures, not assertions, for the click engine on 384×384 slices: model load time,
 * forward pass alone, the classical segmenter's latency, peak memory, and for both engines the
 * click end to end in-process against through a real inference worker process, in the same run
 * (alternating click by click).
 * The clicks are the RITM protocol's on a synthetic slice, so the zoom-in crops vary as in use.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExecutionProviderPreference, type ExecutionProviderPreference } from '../../common/click/execution-provider';
import { simulateClicks } from '../../common/click/protocol';
import { threshold } from '../../common/click/prepare';
import { segmentPrompt } from '../../common/click/prompt-segmenter';
import { CLASSICAL_SEGMENTER_ID, type Click, type ClickSegmenter } from '../../common/click/types';
import { GrowCutSegmenter } from '../../common/segmenters/growcut';
import { ClickEngine } from '../../node/click-engine';
import { InferenceHost } from '../../node/inference-host';
import { builtAppWorker } from '../../node/models/click-worker-entry';
import { findModelsRoot } from '../../node/models/discovery';
import type { OnnxClickSegmenter } from '../../node/models/onnx-click-segmenter';
import { openClickSegmenter } from '../../node/models/open-segmenter';
import { nodeWorkerLauncher } from '../../node/worker-process';
import { integerOption, parseCommandLine, parseOrReport, UsageError } from '../command';
import { cpuTimedSegmenter } from '../cpu-timed-segmenter';

export const summary = 'Click engine figures: model load, forward, classical latency, memory, and click end to end in-process vs through the worker (p50/p95) for both engines.';

export const usage = `usage: iseg bench [--model ID|default] [--ep auto|cpu|cuda|dml|coreml] [--threads N]
         [--clicks N] [--size 384] [--models DIR] [--no-worker] [--json FILE]`;

interface BenchOptions {
  model: string;
  ep: ExecutionProviderPreference;
  threads?: number;
  clicks: number;
  size: number;
  modelsDir?: string;
  worker: boolean;
  json?: string;
}

function parseArgs(args: readonly string[]): BenchOptions {
  const { values, positionals } = parseCommandLine('bench', args, {
    model: { type: 'string' },
    ep: { type: 'string' },
    threads: { type: 'string' },
    clicks: { type: 'string' },
    size: { type: 'string' },
    models: { type: 'string' },
    'no-worker': { type: 'boolean' },
    json: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0] ?? ''}".`);
  const ep = parseExecutionProviderPreference(values.ep ?? process.env.ISEG_EP ?? 'auto');
  if (!ep) throw new UsageError('--ep is auto, cpu, cuda, dml or coreml.');
  const positive = (name: string, text: string | undefined, fallback: number): number => {
    const n = integerOption('bench', name, text, fallback);
    if (n < 1) throw new UsageError(`--${name} needs a positive integer.`);
    return n;
  };
  return {
    model: values.model ?? 'default',
    ep,
    ...(values.threads === undefined ? {} : { threads: positive('threads', values.threads, 1) }),
    clicks: positive('clicks', values.clicks, 60),
    size: positive('size', values.size, 384),
    ...(values.models === undefined ? {} : { modelsDir: values.models }),
    worker: values['no-worker'] !== true,
    ...(values.json === undefined ? {} : { json: values.json }),
  };
}

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  const r = (v: number): number => Math.round(v * 100) / 100;
  return {
    n: sorted.length,
    p50: r(at(50)),
    p95: r(at(95)),
    mean: r(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    min: r(sorted[0] ?? 0),
    max: r(sorted[sorted.length - 1] ?? 0),
  };
}

/** A synthetic knee-like slice: a bright curved band (cartilage-like) and a blob on a noisy background. */
export function phantomSlice(size: number): { slice: Float32Array; objects: Uint8Array[] } {
  const slice = new Float32Array(size * size);
  const band = new Uint8Array(size * size);
  const blob = new Uint8Array(size * size);
  let seed = 12345;
  const noise = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  const c = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - c, y - c * 1.3);
      const inBand = r > size * 0.3 && r < size * 0.36 && y < c * 1.1;
      const inBlob = (x - size * 0.3) ** 2 / (size * 0.08) ** 2 + (y - size * 0.3) ** 2 / (size * 0.12) ** 2 < 1;
      band[y * size + x] = inBand ? 1 : 0;
      blob[y * size + x] = inBlob ? 1 : 0;
      slice[y * size + x] = 300 + (inBand ? 500 : 0) + (inBlob ? 250 : 0) + 80 * Math.sin(x / 17) + 60 * noise();
    }
  }
  return { slice, objects: [band, blob] };
}

/** Click lists as the RITM protocol produces them on the phantom, for replay through the worker. */
async function protocolClicks(
  segmenter: ClickSegmenter,
  slice: Float32Array,
  size: number,
  objects: Uint8Array[],
  count: number,
): Promise<{ clicks: Click[][]; latencies: number[]; cpuMs: number[] }> {
  const lists: Click[][] = [];
  const latencies: number[] = [];
  const cpuMs: number[] = [];
  const measured = cpuTimedSegmenter(segmenter, (ms) => cpuMs.push(ms));
  const intensityRange: [number, number] = [250, 1200];
  let object = 0;
  while (lists.length < count) {
    const gt = objects[object++ % objects.length] ?? new Uint8Array(size * size);
    const run = await simulateClicks(measured, slice, size, size, gt, {
      maxClicks: Math.min(20, count - lists.length),
      predictOptions: { intensityRange, pixelSpacing: [0.4, 0.4] },
      now: () => performance.now(),
    });
    latencies.push(...run.predictMs);
    for (let n = 1; n <= run.clicks.length; n++) lists.push(run.clicks.slice(0, n));
    if (run.clicks.length === 0) break;
  }
  return { clicks: lists, latencies, cpuMs };
}

/** Starts the app's inference worker (dist/electron/inference-worker.js) behind an InferenceHost. */
async function startWorker(): Promise<{ host: InferenceHost; startMs: number }> {
  const here = dirname(fileURLToPath(import.meta.url));
  const entry = builtAppWorker([process.cwd(), here]);
  if (entry === undefined) throw new Error('dist/electron/inference-worker.js was not found: run `npm run build` first.');
  const t0 = performance.now();
  const host = new InferenceHost(nodeWorkerLauncher(entry), { log: () => undefined });
  host.start();
  await host.whenReady();
  const ok = await host
    .request('click.status', {})
    .then(() => true)
    .catch(() => false);
  if (!ok) {
    host.stop();
    throw new Error(`${entry} does not answer the click operations.`);
  }
  return { host, startMs: performance.now() - t0 };
}

export interface EndToEnd {
  /** The same prompts through segmentPrompt in this process… */
  inProcessMs: Percentiles;
  /** …through the click engine and the worker as the app sends them (slice cache, mask runs)… */
  workerMs: Percentiles;
  /** …and as one click.predict with every buffer in full each time (the protocol before the cache). */
  workerFullBuffersMs: Percentiles;
  /** workerMs.p50 / inProcessMs.p50. */
  ratio: number;
  /** The first clicks of prompts alone (no previous mask; a model may answer them twice), both ways. */
  firstClickInProcessMs: Percentiles;
  firstClickWorkerMs: Percentiles;
}

/** Segments `clicks` with `previous` (the last answer) as the previous mask; returns the mask. */
type ClickRunner = (clicks: Click[], previous: Uint8Array | undefined) => Promise<Uint8Array>;

/**
 * Replays `lists` (each click list with the previous answer as its previous mask, as the app
 * sends them) in this process and through the worker, alternating click by click so all paths see
 * the same load on the machine.
 */
export async function compareEndToEnd(runners: { inProcess: ClickRunner; worker: ClickRunner; workerFullBuffers: ClickRunner }, lists: readonly Click[][]): Promise<EndToEnd> {
  const names = ['inProcess', 'worker', 'workerFullBuffers'] as const;
  const times = { inProcess: [] as number[], worker: [] as number[], workerFullBuffers: [] as number[] };
  const first = { inProcess: [] as number[], worker: [] as number[] };
  const previous: Record<(typeof names)[number], Uint8Array | undefined> = { inProcess: undefined, worker: undefined, workerFullBuffers: undefined };
  for (const clicks of lists) {
    for (const name of names) {
      const t = performance.now();
      const mask = await runners[name](clicks, clicks.length === 1 ? undefined : previous[name]);
      const ms = performance.now() - t;
      times[name].push(ms);
      if (clicks.length === 1 && name !== 'workerFullBuffers') first[name].push(ms);
      previous[name] = mask;
    }
  }
  const inProcessMs = percentiles(times.inProcess);
  const workerMs = percentiles(times.worker);
  return {
    inProcessMs,
    workerMs,
    workerFullBuffersMs: percentiles(times.workerFullBuffers),
    ratio: Math.round((workerMs.p50 / Math.max(1e-9, inProcessMs.p50)) * 100) / 100,
    firstClickInProcessMs: percentiles(first.inProcess),
    firstClickWorkerMs: percentiles(first.worker),
  };
}

/** The three ways to answer a click on `slice` with `segmenter` (in process) or `modelId` (in the worker). */
function clickRunners(segmenter: ClickSegmenter, engine: ClickEngine, host: InferenceHost, modelId: string, slice: Float32Array, size: number) {
  const intensityRange: [number, number] = [250, 1200];
  const pixelSpacing: [number, number] = [0.4, 0.4];
  const inProcess: ClickRunner = async (clicks, previous) =>
    threshold(await segmentPrompt(segmenter, slice, size, size, { clicks }, previous, { intensityRange, pixelSpacing }), segmenter.threshold);
  const worker: ClickRunner = async (clicks, previous) => {
    const answer = await engine.segment({
      slice,
      width: size,
      height: size,
      prompt: { clicks },
      ...(previous ? { previousMask: previous.buffer as ArrayBuffer } : {}),
      intensityRange,
      pixelSpacing,
      sliceKey: 'bench-slice',
      model: modelId,
    });
    if (answer.ranIn !== 'worker' || answer.modelId !== modelId) throw new Error(`The click engine answered with ${answer.modelId} in ${answer.ranIn}, not ${modelId} in the worker.`);
    return answer.mask;
  };
  const workerFullBuffers: ClickRunner = async (clicks, previous) => {
    const reply = await host.request('click.predict', {
      modelId,
      slice: slice.buffer as ArrayBuffer,
      width: size,
      height: size,
      clicks,
      ...(previous ? { previousMask: previous.buffer as ArrayBuffer, previousMaskType: 'uint8' as const } : {}),
      intensityRange,
      pixelSpacing,
      output: 'mask',
    });
    return new Uint8Array(reply.probabilities);
  };
  return { inProcess, worker, workerFullBuffers };
}

function printEndToEnd(name: string, e: EndToEnd): void {
  console.log(
    `click end to end, ${name}: in-process p50 ${e.inProcessMs.p50} ms (p95 ${e.inProcessMs.p95}), through the worker p50 ${e.workerMs.p50} ms (p95 ${e.workerMs.p95}) ×${e.ratio}; full buffers each click p50 ${e.workerFullBuffersMs.p50} ms; first clicks (${e.firstClickWorkerMs.n}) in-process p50 ${e.firstClickInProcessMs.p50} ms, through the worker p50 ${e.firstClickWorkerMs.p50} ms`,
  );
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseOrReport(args, usage, parseArgs);
  if ('exit' in parsed) return parsed.exit;
  const options: BenchOptions = parsed.options;
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    const root = options.modelsDir ?? findModelsRoot([process.cwd(), here]);
    const { slice, objects } = phantomSlice(options.size);
    const result: Record<string, unknown> = {
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '?', loadAverage: loadavg().map((v) => Math.round(v * 100) / 100), node: process.version },
      sliceSize: [options.size, options.size],
    };

    // Classical segmenter.
    const classical = new GrowCutSegmenter();
    const classicalRun = await protocolClicks(classical, slice, options.size, objects, Math.min(options.clicks, 40));
    result.classical = { id: classical.id, latencyMs: percentiles(classicalRun.latencies), cpuMs: percentiles(classicalRun.cpuMs) };
    console.log(
      `classical-growcut: p50 ${percentiles(classicalRun.latencies).p50} ms, p95 ${percentiles(classicalRun.latencies).p95} ms per click (CPU p50 ${percentiles(classicalRun.cpuMs).p50} ms)`,
    );

    // ONNX model, in-process (the CLI's code path).
    let lists = classicalRun.clicks;
    let inProcessModel: OnnxClickSegmenter | undefined;
    if (options.model !== 'classical' && root) {
      const t0 = performance.now();
      const model = (await openClickSegmenter(options.model, root, {
        ep: options.ep,
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
      })) as OnnxClickSegmenter;
      const openMs = performance.now() - t0;
      const forward: number[] = [];
      const forwardCpu: number[] = [];
      const timed: ClickSegmenter = {
        id: model.id,
        kind: model.kind,
        threshold: model.threshold,
        predict: async (...a) => {
          const p = await model.predict(...a);
          forward.push(model.lastForwardMs);
          forwardCpu.push(model.lastForwardCpuMs);
          return p;
        },
      };
      const modelRun = await protocolClicks(timed, slice, options.size, objects, options.clicks);
      lists = modelRun.clicks;
      result.model = {
        id: model.id,
        ep: model.ep,
        attempts: model.attempts,
        inputSize: model.spec.inputSize,
        openMs: Math.round(openMs),
        sessionCreateMs: Math.round(model.loadMs),
        warmupMs: Math.round(model.warmupMs),
        forwardMs: percentiles(forward),
        forwardCpuMs: percentiles(forwardCpu),
        inProcessClickMs: percentiles(modelRun.latencies),
        inProcessClickCpuMs: percentiles(modelRun.cpuMs),
      };
      console.log(
        `${model.id} on ${model.ep}: open ${Math.round(openMs)} ms (session ${Math.round(model.loadMs)} ms); forward p50 ${percentiles(forward).p50} ms, p95 ${percentiles(forward).p95} ms; click in-process p50 ${percentiles(modelRun.latencies).p50} ms, p95 ${percentiles(modelRun.latencies).p95} ms`,
      );
      inProcessModel = model;
    } else if (options.model !== 'classical') {
      result.model = { error: 'No native-models folder was found.' };
    }

    if (options.worker) {
      const { host, startMs } = await startWorker();
      try {
        const worker: Record<string, unknown> = { entry: 'app worker (dist/electron/inference-worker.js)', workerStartMs: Math.round(startMs) };
        const endToEnd: Record<string, EndToEnd> = {};
        // The app's click engine on this worker: it loads the model the way the app does.
        const engine = new ClickEngine({ worker: host, modelsRoot: root, clickModel: inProcessModel?.id ?? 'classical', ep: options.ep, log: () => undefined });
        endToEnd.classical = await compareEndToEnd(clickRunners(classical, engine, host, CLASSICAL_SEGMENTER_ID, slice, options.size), classicalRun.clicks);
        printEndToEnd(CLASSICAL_SEGMENTER_ID, endToEnd.classical);
        if (inProcessModel) {
          const t1 = performance.now();
          const loaded = await engine.select({});
          if (loaded.kind !== 'onnx') throw new Error(`The worker could not load ${inProcessModel.id}: ${loaded.messages.join(' ')}`);
          Object.assign(worker, { modelLoadInWorkerMs: Math.round(performance.now() - t1), ep: loaded.ep });
          endToEnd.model = await compareEndToEnd(clickRunners(inProcessModel, engine, host, inProcessModel.id, slice, options.size), lists);
          printEndToEnd(inProcessModel.id, endToEnd.model);
        }
        const status = await host.request('click.status', {});
        Object.assign(worker, { endToEnd, workerRssMb: Math.round(status.rssMb), workerPeakRssMb: Math.round(status.peakRssMb) });
        result.worker = worker;
        console.log(`worker RSS ${String(worker.workerRssMb)} MB (peak ${String(worker.workerPeakRssMb)} MB)`);
      } finally {
        host.stop();
      }
    }
    await inProcessModel?.dispose();
    result.cliPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(`CLI peak RSS ${String(result.cliPeakRssMb)} MB; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
    if (options.json) await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
