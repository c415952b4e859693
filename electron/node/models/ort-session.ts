/**
 * ONNX Runtime sessions with execution-provider fallback. onnxruntime-node is imported lazily, so
 * a process that never runs a model (the Electron main process) never loads the native library.
 * Each provider in the plan (see common/click/execution-provider.ts) must create the session and
 * survive a first run on zeros; otherwise the next one is tried, down to the CPU.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import {
  createWithFallback,
  planExecutionProviders,
  type ExecutionPlan,
  type ExecutionProvider,
  type ExecutionProviderPreference,
  type ProviderAttempt,
  type RuntimeFacts,
} from '../../common/click/execution-provider';
import { ServiceError } from '../../common/errors';

type Ort = typeof import('onnxruntime-node');
let ortModule: Promise<Ort> | undefined;

export function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node');
  return ortModule;
}

/** Output `name` of a run as the caller's own float32 array (ONNX Runtime may reuse its buffers); `source` names the graph in the error. */
export function float32Output(out: InferenceSession.OnnxValueMapType, name: string, source: string): Float32Array {
  const t = out[name];
  if (!t || !(t.data instanceof Float32Array)) throw new ServiceError('internal', `${source} gave no float32 output "${name}".`);
  return t.data.slice();
}

/** Whether onnxruntime-node's CUDA provider libraries were installed beside its binding. */
export function cudaBinariesPresent(platform: string = process.platform, arch: string = process.arch): boolean {
  try {
    const require = createRequire(import.meta.url);
    const pkg = dirname(require.resolve('onnxruntime-node/package.json'));
    const dir = join(pkg, 'bin', 'napi-v6', platform, arch);
    const name = platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return existsSync(join(dir, name));
  } catch {
    return false;
  }
}

export function runtimeFacts(): RuntimeFacts {
  return { platform: process.platform, arch: process.arch, cudaBinaries: cudaBinariesPresent() };
}

/** The preference from the environment (ISEG_EP), for the CLI and the worker. */
export function envPreference(env: Record<string, string | undefined> = process.env): string | undefined {
  return env.ISEG_EP;
}

export interface OrtSessionHandle {
  readonly session: InferenceSession;
  readonly ep: ExecutionProvider;
  readonly attempts: ProviderAttempt[];
  readonly plan: ExecutionPlan;
  readonly loadMs: number;
  readonly warmupMs: number;
}

export interface OrtSessionOptions {
  /** Intra-op threads (default: all cores). */
  readonly threads?: number;
  /** Inputs for the warm-up run (zeros of these shapes). */
  readonly warmup?: Readonly<Record<string, readonly number[]>>;
  readonly facts?: RuntimeFacts;
}

function zeros(ort: Ort, shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new ort.Tensor('float32', new Float32Array(n), [...shape]);
}

export async function createOrtSession(
  /** A file, or the model's bytes. */
  modelPath: string | Uint8Array,
  preference: ExecutionProviderPreference,
  options: OrtSessionOptions = {},
): Promise<OrtSessionHandle> {
  const ort = await loadOrt();
  const plan = planExecutionProviders(preference, options.facts ?? runtimeFacts());
  const threads = options.threads ?? Math.max(1, availableParallelism());
  let loadMs = 0;
  let warmupMs = 0;
  const { value, ep, attempts } = await createWithFallback(plan, async (provider) => {
    const t0 = performance.now();
    const sessionOptions: InferenceSession.SessionOptions = {
      executionProviders: [provider],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      // No spin-waiting between ops: on a busy or 2-core machine spinning threads burn the CPU the
      // other thread (and the app) needs; the manifests' latencies are measured the same way.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    const session = typeof modelPath === 'string' ? await ort.InferenceSession.create(modelPath, sessionOptions) : await ort.InferenceSession.create(modelPath, sessionOptions);
    loadMs = performance.now() - t0;
    if (options.warmup) {
      try {
        const t1 = performance.now();
        const feeds: Record<string, Tensor> = {};
        for (const [name, shape] of Object.entries(options.warmup)) feeds[name] = zeros(ort, shape);
        await session.run(feeds);
        warmupMs = performance.now() - t1;
      } catch (error) {
        await session.release().catch(() => undefined);
        throw error;
      }
    }
    return session;
  });
  return { session: value, ep, attempts, plan, loadMs, warmupMs };
}
