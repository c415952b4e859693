/**
 * Which ONNX Runtime execution provider to try, in order, for this machine and setting. Pure, so
 * the decision is unit-tested on every platform; electron/node/models/ort-session.ts does the
 * trying (falling back down the list when a session cannot be created or fails its first run).
 */

export const EXECUTION_PROVIDERS = ['cuda', 'dml', 'coreml', 'cpu'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];
export type ExecutionProviderPreference = ExecutionProvider | 'auto';

export const EP_LABELS: Record<ExecutionProvider, string> = {
  cuda: 'CUDA',
  dml: 'DirectML',
  coreml: 'CoreML',
  cpu: 'CPU',
};

export interface RuntimeFacts {
  /** process.platform */
  readonly platform: string;
  /** process.arch */
  readonly arch: string;
  /** onnxruntime-node's CUDA provider libraries sit beside its binding (installed on demand). */
  readonly cudaBinaries: boolean;
}

export interface ExecutionPlan {
  /** Providers to try in order; always ends with "cpu". */
  readonly order: readonly ExecutionProvider[];
  /** Why a requested provider was left out (e.g. DirectML asked for on Linux). */
  readonly notes: readonly string[];
}

/** Whether onnxruntime-node can offer `ep` at all on this platform. */
export function providerAvailable(ep: ExecutionProvider, facts: RuntimeFacts): boolean {
  switch (ep) {
    case 'cpu':
      return true;
    case 'cuda':
      return (facts.platform === 'linux' || facts.platform === 'win32') && facts.arch === 'x64' && facts.cudaBinaries;
    case 'dml':
      return facts.platform === 'win32';
    case 'coreml':
      return facts.platform === 'darwin';
  }
}

export function planExecutionProviders(preference: ExecutionProviderPreference, facts: RuntimeFacts): ExecutionPlan {
  const notes: string[] = [];
  let wanted: ExecutionProvider[];
  if (preference === 'auto') {
    wanted = ['cuda', 'dml', 'coreml'];
  } else {
    wanted = [preference];
  }
  const order: ExecutionProvider[] = [];
  for (const ep of wanted) {
    if (ep === 'cpu') continue;
    if (providerAvailable(ep, facts)) order.push(ep);
    else if (preference !== 'auto') {
      const why =
        ep === 'cuda' && (facts.platform === 'linux' || facts.platform === 'win32') && facts.arch === 'x64'
          ? "onnxruntime-node's CUDA libraries are not installed"
          : `it is not available on ${facts.platform}-${facts.arch}`;
      notes.push(`${EP_LABELS[ep]} was requested but ${why}; using CPU.`);
    }
  }
  order.push('cpu');
  return { order, notes };
}

export function parseExecutionProviderPreference(value: string | undefined): ExecutionProviderPreference | undefined {
  if (value === undefined || value === '') return undefined;
  const v = value.toLowerCase();
  if (v === 'auto') return 'auto';
  if (v === 'directml') return 'dml';
  return (EXECUTION_PROVIDERS as readonly string[]).includes(v) ? (v as ExecutionProvider) : undefined;
}

export interface ProviderAttempt {
  readonly ep: ExecutionProvider;
  readonly error?: string;
}

/**
 * Walks the plan: `create(ep)` resolves to a session or throws; the first success wins. The
 * attempts (with the errors of those that failed) come back for the log and the status bar.
 */
export async function createWithFallback<T>(
  plan: ExecutionPlan,
  create: (ep: ExecutionProvider) => Promise<T>,
): Promise<{ value: T; ep: ExecutionProvider; attempts: ProviderAttempt[] }> {
  const attempts: ProviderAttempt[] = [];
  for (const ep of plan.order) {
    try {
      const value = await create(ep);
      attempts.push({ ep });
      return { value, ep, attempts };
    } catch (error) {
      attempts.push({ ep, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const detail = attempts.map((a) => `${EP_LABELS[a.ep]}: ${a.error ?? '?'}`).join('; ');
  throw new Error(`No execution provider could run the model (${detail}).`);
}
