/**
 * `iseg bench`: figures, not assertions, for the click engine on 384×384 slices: model load time,
 * forward pass alone, click latency in-process (pre/post-processing + forward) and end-to-end
 * through a real inference worker process, the classical segmenter's latency, and peak memory.
 * The clicks are the RITM protocol's on a synthetic slice, so the zoom-in crops vary as in use.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExecutionProviderPreference, type ExecutionProviderPreference } from '../../common/click/execution-provider';
import { simulateClicks } from '../../common/click/protocol';
import type { Click, ClickSegmenter } from '../../common/click/types';
import type { ClickWorkerOpName, ClickWorkerOps } from '../../common/click/worker-ops';
import { GrowCutSegmenter } from '../../common/segmenters/growcut';
import { InferenceHost } from '../../node/inference-host';
import { builtAppWorker } from '../../node/models/click-worker-entry';
import { discoverModels, findModelsRoot, isVerified, verifyModel } from '../../node/models/discovery';
import type { OnnxClickSegmenter } from '../../node/models/onnx-click-segmenter';
import { openClickSegmenter } from '../../node/models/open-segmenter';
import { nodeWorkerLauncher } from '../../node/worker-process';
import { parseOrReport, UsageError } from '../command';
import { cpuTimedSegmenter } from '../cpu-timed-segmenter';

export const summary = 'Click engine figures: model load, forward and end-to-end click latency (p50/p95) through the worker, classical latency, memory.';

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
  const o: BenchOptions = { model: 'default', ep: parseExecutionProviderPreference(process.env.ISEG_EP) ?? 'auto', clicks: 60, size: 384, worker: true };
  for (let n = 0; n < args.length; n++) {
    const flag = args[n] ?? '';
    const value = (): string => {
      const v = args[++n];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
      return v;
    };
    const int = (): number => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 1) throw new UsageError(`${flag} needs a positive integer.`);
      return v;
    };
    switch (flag) {
      case '--model': o.model = value(); break;
      case '--ep': {
        const ep = parseExecutionProviderPreference(value());
        if (!ep) throw new UsageError('--ep is auto, cpu, cuda, dml or coreml.');
        o.ep = ep;
        break;
      }
      case '--threads': o.threads = int(); break;
      case '--clicks': o.clicks = int(); break;
      case '--size': o.size = int(); break;
      case '--models': o.modelsDir = value(); break;
      case '--no-worker': o.worker = false; break;
      case '--json': o.json = value(); break;
      default: throw new UsageError(`Unknown option ${flag}.`);
    }
  }
  return o;
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

async function benchWorker(modelDir: string | undefined, options: BenchOptions, slice: Float32Array, lists: Click[][]): Promise<Record<string, unknown>> {
  const here = dirname(fileURLToPath(import.meta.url));
  const starts = [process.cwd(), here];
  const entry = builtAppWorker(starts);
  if (entry === undefined) throw new Error('dist/electron/inference-worker.js was not found: run `npm run build` first.');
  const entryKind = 'app worker (dist/electron/inference-worker.js)';
  const t0 = performance.now();
  const start = async (file: string): Promise<{ host: InferenceHost; ok: boolean }> => {
    const host = new InferenceHost(nodeWorkerLauncher(file), { log: () => undefined });
    host.start();
    await host.whenReady();
    const ok = await host
      .request('click.status', {})
      .then(() => true)
      .catch(() => false);
    return { host, ok };
  };
  const started = await start(entry);
  if (!started.ok) {
    started.host.stop();
    throw new Error(`${entry} does not answer the click operations.`);
  }
  const host = started.host;
  const startMs = performance.now() - t0;
  const request = <K extends ClickWorkerOpName>(op: K, payload: ClickWorkerOps[K]['payload']): Promise<ClickWorkerOps[K]['result']> =>
    host.request(op, payload);
  try {
    let modelId = 'classical-growcut';
    let load: ClickWorkerOps['click.load']['result'] | undefined;
    if (modelDir) {
      const t1 = performance.now();
      load = await request('click.load', { modelDir, ep: options.ep, ...(options.threads !== undefined ? { threads: options.threads } : {}) });
      modelId = load.modelId;
      load = { ...load, loadMs: Math.round((performance.now() - t1) * 10) / 10 };
    }
    const size = options.size;
    const roundTrip: number[] = [];
    const inWorker: number[] = [];
    const forward: number[] = [];
    // As the app does: the previous mask goes as uint8 and the mask comes back as uint8.
    let previous: Uint8Array | undefined;
    for (const clicks of lists) {
      const t = performance.now();
      const reply = await request('click.predict', {
        modelId,
        slice: slice.slice().buffer,
        width: size,
        height: size,
        clicks,
        ...(previous && clicks.length > 1 ? { previousMask: previous.slice().buffer, previousMaskType: 'uint8' as const } : {}),
        intensityRange: [250, 1200],
        pixelSpacing: [0.4, 0.4],
        output: 'mask',
      });
      roundTrip.push(performance.now() - t);
      inWorker.push(reply.predictMs);
      forward.push(reply.forwardMs);
      previous = new Uint8Array(reply.probabilities);
    }
    const status = await request('click.status', {});
    return {
      entry: entryKind,
      workerStartMs: Math.round(startMs),
      modelLoadInWorkerMs: load?.loadMs,
      ep: load?.ep,
      endToEndMs: percentiles(roundTrip),
      inWorkerPredictMs: percentiles(inWorker),
      forwardMs: modelDir ? percentiles(forward) : undefined,
      workerRssMb: Math.round(status.rssMb),
      workerPeakRssMb: Math.round(status.peakRssMb),
    };
  } finally {
    host.stop();
  }
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
    let modelDir: string | undefined;
    let lists = classicalRun.clicks;
    if (options.model !== 'classical' && root) {
      const t0 = performance.now();
      const model = (await openClickSegmenter(options.model, root, {
        ep: options.ep,
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
      })) as OnnxClickSegmenter;
      const openMs = performance.now() - t0;
      const found = (await discoverModels(root, { includeFixtures: true })).find((m) => m.id === model.id);
      const verified = found ? await verifyModel(found) : undefined;
      modelDir = verified && isVerified(verified) ? verified.dir : undefined;
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
      await model.dispose();
    } else if (options.model !== 'classical') {
      result.model = { error: 'No native-models folder was found.' };
    }

    if (options.worker) {
      const worker = await benchWorker(modelDir, options, slice, lists);
      result.worker = worker;
      const e2e = worker.endToEndMs as Percentiles;
      console.log(`through the worker (${String(worker.entry)}): click p50 ${e2e.p50} ms, p95 ${e2e.p95} ms; worker RSS ${String(worker.workerRssMb)} MB (peak ${String(worker.workerPeakRssMb)} MB)`);
    }
    result.cliPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(`CLI peak RSS ${String(result.cliPeakRssMb)} MB; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
    if (options.json) await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
