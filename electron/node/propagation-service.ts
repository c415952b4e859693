/**
 * Handlers for the propagation methods of contract-propagation.ts. Propagation runs in the
 * inference worker (ONNX Runtime blocks its thread); this side finds the volume and the model,
 * starts the job, and relays polls and cancels. Wire with
 *   createPropagationHandlers({ worker: inferenceHost, volumes: registry, modelsRoot })
 * once `WorkerOps` extends `PropagationWorkerOps`.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { PropagationMethods } from '../common/contract-propagation';
import { ServiceError } from '../common/errors';
import { affectedRange } from '../common/propagation/plan';
import type { PropagationWorkerOps } from '../common/propagation/worker-ops';
import type { Volume } from '../common/volume';
import { discoverModels, verifyModel } from './models/discovery';
import { propagationModelDir } from './propagation/onnx-networks';

/** What the handlers need of the inference host (InferenceHost fits once the ops are merged). */
export interface PropagationWorkerClient {
  request<K extends keyof PropagationWorkerOps>(op: K, payload: PropagationWorkerOps[K]['payload']): Promise<PropagationWorkerOps[K]['result']>;
}

export interface PropagationServiceDeps {
  readonly worker: PropagationWorkerClient;
  /** Finds an open volume by id (VolumeRegistry.get fits). */
  readonly volumes: { get(id: string): { readonly volume: Volume } | undefined };
  /** native-models folder, if any. */
  readonly modelsRoot: string | undefined;
  readonly ep?: string;
}

type In<M extends keyof PropagationMethods> = z.output<PropagationMethods[M]['input']>;
type Out<M extends keyof PropagationMethods> = z.input<PropagationMethods[M]['output']>;
export type PropagationHandlers = { [M in keyof PropagationMethods]: (input: In<M>) => Promise<Out<M>> };

export function createPropagationHandlers(deps: PropagationServiceDeps): PropagationHandlers {
  /** Which volumes the worker has already received, so they are sent once. */
  const sent = new WeakSet<Volume>();
  const keys = new WeakMap<Volume, string>();
  return {
    'propagation.start': async (input) => {
      const entry = deps.volumes.get(input.volumeId);
      if (!entry) throw new ServiceError('not-found', 'That volume is not open.');
      const volume = entry.volume;
      const expected = volume.voxels.length * (input.seedsType === 'uint16' ? 2 : 1);
      if (input.seeds.byteLength !== expected) throw new ServiceError('bad-request', 'The seeds do not match the volume size.');
      let modelDir: string | undefined;
      if (input.method === 'memory') {
        if (!deps.modelsRoot) throw new ServiceError('not-found', 'No propagation model is installed; use interpolation.');
        modelDir = await propagationModelDir(deps.modelsRoot, input.model);
      }
      let imageKey = keys.get(volume);
      if (imageKey === undefined) keys.set(volume, (imageKey = `${input.volumeId}:${randomUUID()}`));
      const jobId = randomUUID().replace(/-/g, '');
      const start = (withVoxels: boolean) => {
        const v = volume.voxels;
        return deps.worker.request('propagation.start', {
          jobId,
          method: input.method,
          ...(modelDir === undefined ? {} : { modelDir }),
          ...(deps.ep === undefined ? {} : { ep: deps.ep }),
          imageKey,
          image: {
            geometry: volume.geometry,
            componentType: volume.componentType,
            ...(withVoxels ? { voxels: v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer } : {}),
          },
          seeds: { componentType: input.seedsType, voxels: input.seeds },
          options: input.options,
        });
      };
      // A restarted worker has lost its images: it says so, and the voxels follow.
      let reply = await start(!sent.has(volume));
      if (reply.needsImage) reply = await start(true);
      sent.add(volume);
      return { jobId: reply.jobId };
    },
    // The worker's poll result is the contract's output (one schema, checked by the host).
    'propagation.poll': ({ jobId, waitMs }) => deps.worker.request('propagation.poll', { jobId, ...(waitMs === undefined ? {} : { waitMs }) }),
    'propagation.cancel': ({ jobId }) => deps.worker.request('propagation.cancel', { jobId }),
    'propagation.affectedRange': ({ annotated, corrected, count }) => {
      const [a, b] = affectedRange(annotated, corrected, count);
      return Promise.resolve({ range: [a, b] as [number, number] });
    },
    'propagation.models': async () => {
      if (!deps.modelsRoot) return { models: [] };
      const found = (await discoverModels(deps.modelsRoot, { includeFixtures: false })).filter((m) => m.manifest?.task === 'propagation');
      const models = await Promise.all(
        found.map(async (m) => {
          const v = await verifyModel(m);
          return { id: v.id, status: v.status, fixture: v.fixture, ...(v.problem === undefined ? {} : { problem: v.problem }) };
        }),
      );
      return { models };
    },
  };
}
