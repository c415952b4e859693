/**
 * Handlers for the propagation methods of contract-propagation.ts. Propagation runs in the
 * inference worker (ONNX Runtime blocks its thread); this side finds the volume and the model,
 * starts the job, relays cancels, and pushes the job's progress to the client that started it as
 * `propagation.progress` events. Between this process and the worker, a relay waits on the
 * worker's `propagation.poll`, which answers as soon as a slice is decided (it is a wake-up, not a
 * timer), so nothing polls on a clock.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { PropagationMethods, PropagationProgress } from '../common/contract-propagation';
import { ServiceError } from '../common/errors';
import type { PropagationPollResult, PropagationWorkerOps } from '../common/propagation/worker-ops';
import type { Volume } from '../common/volume';
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
  /** The client whose call is running (ClientScope.current fits). */
  readonly currentClient: () => string;
  /** Pushes a job's progress to the client that started it (ClientEvents.emit fits). */
  readonly emit: (clientId: string, name: 'propagation.progress', payload: PropagationProgress) => void;
  /** How long one relay wait on the worker may last before it asks again (ms; tests shorten it). */
  readonly relayWaitMs?: number;
}

const RELAY_WAIT_MS = 10_000;

/** The worker's name for a client's job: each client has its own job ids and can cancel only its own. */
function workerJobId(clientId: string, jobId: string): string {
  return createHash('sha256').update(`${clientId}\0${jobId}`).digest('hex').slice(0, 32);
}

/** The worker's poll result (checked against the contract's schema by the host) as the page's event. */
export function toProgressEvent(jobId: string, poll: PropagationPollResult): PropagationProgress {
  return { jobId, ...poll };
}

type In<M extends keyof PropagationMethods> = z.output<PropagationMethods[M]['input']>;
type Out<M extends keyof PropagationMethods> = z.input<PropagationMethods[M]['output']>;
export type PropagationHandlers = { [M in keyof PropagationMethods]: (input: In<M>) => Promise<Out<M>> };

export function createPropagationHandlers(deps: PropagationServiceDeps): PropagationHandlers {
  /** Which volumes the worker has already received, so they are sent once. */
  const sent = new WeakSet<Volume>();
  const keys = new WeakMap<Volume, string>();
  const running = new Set<string>();

  /** Relays the job's progress until it ends; a lost worker ends it as failed. */
  const relay = async (jobId: string, clientId: string): Promise<void> => {
    const waitMs = deps.relayWaitMs ?? RELAY_WAIT_MS;
    const key = workerJobId(clientId, jobId);
    let lastDone = -1;
    try {
      for (;;) {
        const poll = await deps.worker.request('propagation.poll', { jobId: key, waitMs });
        const ended = poll.state !== 'running';
        // A wait that timed out with nothing new is not worth an event.
        if (ended || poll.updates.length > 0 || poll.done !== lastDone) deps.emit(clientId, 'propagation.progress', toProgressEvent(jobId, poll));
        lastDone = poll.done;
        if (ended) return;
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      deps.emit(clientId, 'propagation.progress', { jobId, state: 'failed', updates: [], done: 0, total: 0, error: `Propagation stopped: ${reason}` });
    } finally {
      running.delete(key);
    }
  };

  return {
    'propagation.start': async (input) => {
      const entry = deps.volumes.get(input.volumeId);
      if (!entry) throw new ServiceError('not-found', 'That volume is not open.');
      const volume = entry.volume;
      let modelDir: string | undefined;
      if (input.method === 'auto' || input.method === 'memory') {
        if (!deps.modelsRoot) throw new ServiceError('not-found', 'No propagation model is installed; use Fill between slices (interpolation).');
        modelDir = await propagationModelDir(deps.modelsRoot, input.model);
      }
      let imageKey = keys.get(volume);
      if (imageKey === undefined) keys.set(volume, (imageKey = `${input.volumeId}:${randomUUID()}`));
      const clientId = deps.currentClient();
      const key = workerJobId(clientId, input.jobId);
      if (running.has(key)) throw new ServiceError('bad-request', `Propagation job ${input.jobId} is already running.`);
      const start = (withVoxels: boolean) => {
        const v = volume.voxels;
        return deps.worker.request('propagation.start', {
          jobId: key,
          method: input.method,
          ...(modelDir === undefined ? {} : { modelDir }),
          ...(deps.ep === undefined ? {} : { ep: deps.ep }),
          imageKey,
          image: {
            geometry: volume.geometry,
            componentType: volume.componentType,
            ...(withVoxels ? { voxels: v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer } : {}),
          },
          // The seeds' runs as they came (the worker unpacks them, and says if they overrun the volume).
          seeds: { componentType: input.seedsType, runs: input.seedRuns },
          options: input.options,
        });
      };
      // A restarted worker has lost its images: it says so, and the voxels follow.
      let reply = await start(!sent.has(volume));
      if (reply.needsImage) reply = await start(true);
      sent.add(volume);
      running.add(key);
      void relay(input.jobId, clientId);
      return { jobId: input.jobId };
    },
    'propagation.cancel': ({ jobId }) => deps.worker.request('propagation.cancel', { jobId: workerJobId(deps.currentClient(), jobId) }),
  };
}
