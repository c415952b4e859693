/** Opens a propagation method by name for in-process use (CLI, evaluation, tests). */
import { GrowPropagator } from '../../common/propagation/grow-propagator';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceError } from '../../common/errors';
import { AutoPropagator, type GateMargins } from '../../common/propagation/auto-propagator';
import { MemoryPropagator } from '../../common/propagation/memory-engine';
import type { PropagationMethod } from '../../common/propagation/options';
import type { Propagator } from '../../common/propagation/propagator';
import type { ReadoutWindow } from '../../common/propagation/readout';
import type { StopRuleSettings } from '../../common/propagation/stop-rule';
import { findModelsRoot } from '../models/discovery';
import { growForAuto } from './grow-thread';
import { InterpolationPropagator } from './interpolation';
import { OnnxPropagationNetworks, propagationModelDir } from './onnx-networks';

export interface OpenPropagatorOptions {
  /** Propagation model id (memory method); default: the first trained propagation model. */
  readonly model?: string;
  /** native-models folder; default $ISEG_MODELS_DIR or the nearest one above cwd / this file. */
  readonly modelsDir?: string;
  readonly ep?: string;
  readonly threads?: number;
  /** Where memory runs stop beyond the annotated range (default DEFAULT_STOP_RULE). */
  readonly stopRule?: StopRuleSettings;
  /** The memory read-out's window (default: the model's own, else DEFAULT_READOUT_WINDOW; null: every position). */
  readonly readoutWindow?: ReadoutWindow | null;
  /** The auto gate's margins (default CONSENSUS_MARGIN, SOLO_MARGIN), for choosing them. */
  readonly gateMargins?: Partial<GateMargins>;
}

export interface OpenedPropagator {
  readonly propagator: Propagator;
  /** What the sidecar's provenance should record. */
  readonly model?: { readonly id: string; readonly ep: string; readonly digests: readonly { role: string; sha256: string }[] };
  /** The memory read-out's window in use (null: every position); absent for interpolation. */
  readonly readoutWindow?: ReadoutWindow | null;
  dispose(): Promise<void>;
}

export async function openPropagator(method: PropagationMethod, options: OpenPropagatorOptions = {}): Promise<OpenedPropagator> {
  if (method === 'interpolation') return { propagator: new InterpolationPropagator(), dispose: () => Promise.resolve() };
  if (method === 'grow') return { propagator: new GrowPropagator(), dispose: () => Promise.resolve() };
  const here = dirname(fileURLToPath(import.meta.url));
  const root = options.modelsDir ?? findModelsRoot([process.cwd(), here]);
  if (!root) throw new ServiceError('not-found', 'No native-models folder was found (set ISEG_MODELS_DIR or pass --models).');
  const dir = await propagationModelDir(root, options.model);
  const networks = await OnnxPropagationNetworks.load(dir, { ...(options.ep === undefined ? {} : { ep: options.ep }), ...(options.threads === undefined ? {} : { threads: options.threads }) });
  const memory = new MemoryPropagator(networks, { now: () => performance.now(), ...(options.stopRule ? { stopRule: options.stopRule } : {}), ...(options.readoutWindow === undefined ? {} : { readoutWindow: options.readoutWindow }) });
  if (method !== 'auto') return { propagator: memory, model: { id: networks.id, ep: networks.ep, digests: networks.digests }, readoutWindow: memory.readoutWindow ?? null, dispose: () => networks.dispose() };
  const { grow, close } = growForAuto();
  return {
    propagator: new AutoPropagator(memory, new InterpolationPropagator(), grow, options.gateMargins),
    model: { id: networks.id, ep: networks.ep, digests: networks.digests },
    readoutWindow: memory.readoutWindow ?? null,
    dispose: async () => {
      await close();
      await networks.dispose();
    },
  };
}
