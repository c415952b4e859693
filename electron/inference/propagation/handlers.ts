/**
 * The worker side of propagation: jobs that run a `Propagator` (memory networks on ONNX Runtime,
 * or interpolation) and hand their slices out through `poll`. The dispatch (../handlers.ts) has
 * parsed each operation's options with its schema (common/propagation/worker-ops.ts) already.
 *
 * The last few images are kept by `imageKey`, and the memory engine's key cache is keyed by the
 * image object, so a re-propagation on the same image encodes no key again.
 */
import { GrowPropagator } from '../../common/propagation/grow-propagator';
import { ServiceError } from '../../common/errors';
import { AutoPropagator, type GateDecision } from '../../common/propagation/auto-propagator';
import { MemoryPropagator } from '../../common/propagation/memory-engine';
import type { Propagator, SliceUpdate } from '../../common/propagation/propagator';
import type { PropagationPollResult, PropagationStartPayload, PropagationWorkerOps, WireSliceUpdate } from '../../common/propagation/worker-ops';

type WireGateDecision = NonNullable<NonNullable<PropagationPollResult['outcome']>['gate']>[number];
import type { WorkerOptions } from '../../common/inference-protocol';
import { typedArrayFor, voxelCount, type Volume } from '../../common/volume';
import { unpackSeedRuns } from '../../common/propagation/seed-runs';
import { readSlice, sliceLayout } from '../../common/slice';
import { growForAuto } from '../../node/propagation/grow-thread';
import { InterpolationPropagator } from '../../node/propagation/interpolation';
import { OnnxPropagationNetworks } from '../../node/propagation/onnx-networks';

export type PropagationWorkerHandlers = {
  [K in keyof PropagationWorkerOps]: (options: WorkerOptions<K>) => Promise<PropagationWorkerOps[K]['result']>;
};

interface Job {
  state: PropagationPollResult['state'];
  updates: WireSliceUpdate[];
  done: number;
  total: number;
  error?: string;
  outcome?: PropagationPollResult['outcome'];
  readonly abort: { aborted: boolean };
  wake?: () => void;
}

const IMAGES_KEPT = 2;
const JOBS_KEPT = 16;

function toWire(u: SliceUpdate): WireSliceUpdate {
  const labels = u.labels.buffer.slice(u.labels.byteOffset, u.labels.byteOffset + u.labels.byteLength) as ArrayBuffer;
  return { slice: u.slice, label: u.label, componentType: u.labels instanceof Uint16Array ? 'uint16' : 'uint8', labels };
}

/** A gate decision as the poll result carries it (plain arrays, as its schema gives them). */
function wireDecision(d: GateDecision): WireGateDecision {
  const { scores, ...rest } = d;
  return {
    ...rest,
    ...(scores ? { scores: { ...scores, heldOut: [...scores.heldOut] } } : {}),
  };
}

/** @param interpolation the interpolation method (tests pass one of their own) */
export function createPropagationWorkerHandlers(interpolation: Propagator = new InterpolationPropagator()): PropagationWorkerHandlers {
  const images = new Map<string, Volume>();
  const jobs = new Map<string, Job>();
  const engines = new Map<string, Promise<MemoryPropagator>>();
  /** Growing's thread for auto, started with the first auto run and kept for the next. */
  let autoGrow: ReturnType<typeof growForAuto> | undefined;

  const engineFor = (payload: PropagationStartPayload): Promise<MemoryPropagator> => {
    if (payload.modelDir === undefined) throw new ServiceError('bad-request', `The ${payload.method} method needs a propagation model.`);
    const key = `${payload.modelDir}|${payload.ep ?? ''}`;
    let engine = engines.get(key);
    if (!engine) {
      const options = { ...(payload.ep === undefined ? {} : { ep: payload.ep }), ...(payload.threads === undefined ? {} : { threads: payload.threads }) };
      engine = OnnxPropagationNetworks.load(payload.modelDir, options).then((n) => new MemoryPropagator(n, { now: () => performance.now() }));
      engine.catch(() => engines.delete(key));
      engines.set(key, engine);
    }
    return engine;
  };

  const imageFor = (payload: PropagationStartPayload): Volume | undefined => {
    const { geometry, componentType, voxels } = payload.image;
    const cached = images.get(payload.imageKey);
    if (cached && !voxels) return cached;
    if (!voxels) return undefined;
    if (typedArrayFor(componentType, voxels).length !== voxelCount(geometry.size)) throw new ServiceError('bad-request', 'The image voxels do not match its size.');
    // Kept in a SharedArrayBuffer, so that auto's growing thread reads them in place (grow-thread.ts)
    // instead of holding a second copy.
    const shared = new SharedArrayBuffer(voxels.byteLength);
    new Uint8Array(shared).set(new Uint8Array(voxels));
    const array = typedArrayFor(componentType, shared);
    const volume: Volume = { geometry, componentType, voxels: array };
    images.delete(payload.imageKey);
    images.set(payload.imageKey, volume);
    while (images.size > IMAGES_KEPT) {
      const oldest = images.keys().next().value;
      if (oldest === undefined) break;
      images.delete(oldest);
    }
    return volume;
  };

  const run = async (job: Job, propagator: Propagator, image: Volume, payload: PropagationStartPayload): Promise<void> => {
    // The worker's one copy of the seeds: the page sent their runs, not the label map.
    const seedsArray = payload.seeds.componentType === 'uint16' ? new Uint16Array(image.voxels.length) : new Uint8Array(image.voxels.length);
    unpackSeedRuns(payload.seeds.runs, seedsArray);
    const seeds: Volume = { geometry: image.geometry, componentType: payload.seeds.componentType, voxels: seedsArray };
    // Parsed once, by the dispatch's schema.
    const options = payload.options;
    const streamed = new Set<number>();
    const outcome = await propagator.propagate(
      image,
      seeds,
      options,
      (u) => {
        job.updates.push(toWire(u));
        streamed.add(u.slice);
        job.done = u.done;
        job.total = u.total;
        job.wake?.();
      },
      job.abort,
    );
    // A decided slice that was not streamed (no method here skips one) goes with the last poll; only
    // then is the outcome's label map built.
    const layout = sliceLayout(image.geometry.size, options.axis);
    for (const slice of outcome.written) {
      if (streamed.has(slice)) continue;
      const v = outcome.labels.voxels;
      const labels = readSlice(v, layout, slice, v instanceof Uint16Array ? new Uint16Array(layout.width * layout.height) : new Uint8Array(layout.width * layout.height));
      job.updates.push(toWire({ slice, label: outcome.propagated[0] ?? 1, labels, done: job.done, total: job.total }));
    }
    // The memory network that ran (alone, or inside the gate), for the sidecar's model record.
    const engine = propagator instanceof MemoryPropagator ? propagator : propagator instanceof AutoPropagator && propagator.memory instanceof MemoryPropagator ? propagator.memory : undefined;
    job.outcome = {
      propagated: [...outcome.propagated],
      written: [...outcome.written],
      computedSlices: outcome.computedSlices,
      elapsedMs: outcome.elapsedMs,
      suspects: [...outcome.suspects],
      // Provenance for the label sidecar: what actually ran, as the worker understood it.
      method: outcome.method,
      options,
      ...(outcome.gate ? { gate: outcome.gate.map(wireDecision) } : {}),
      ...(engine ? { model: { id: engine.networks.id, sha256: engine.networks.sha256 } } : {}),
    };
  };

  return {
    'propagation.start': async (payload) => {
      if (jobs.has(payload.jobId)) throw new ServiceError('bad-request', `Propagation job ${payload.jobId} already exists.`);
      const image = imageFor(payload);
      if (!image) return { jobId: payload.jobId, needsImage: true };
      // Growing's thread starts while the memory network's model loads (the first auto run).
      const autoGrowing = payload.method === 'auto' ? (autoGrow ??= growForAuto()) : undefined;
      autoGrowing?.warm();
      const propagator =
        payload.method === 'interpolation'
          ? interpolation
          : payload.method === 'grow'
            ? new GrowPropagator()
            : payload.method === 'memory'
              ? await engineFor(payload)
              : new AutoPropagator(await engineFor(payload), interpolation, autoGrowing?.grow);
      const job: Job = { state: 'running', updates: [], done: 0, total: 0, abort: { aborted: false } };
      jobs.set(payload.jobId, job);
      while (jobs.size > JOBS_KEPT) {
        const oldest = [...jobs.entries()].find(([, j]) => j.state !== 'running');
        if (!oldest) break;
        jobs.delete(oldest[0]);
      }
      run(job, propagator, image, payload).then(
        () => {
          job.state = 'done';
          job.wake?.();
        },
        (error: unknown) => {
          job.state = error instanceof ServiceError && error.code === 'cancelled' ? 'cancelled' : 'failed';
          if (job.state === 'failed') job.error = error instanceof Error ? error.message : String(error);
          // Nothing half-written reaches the caller: a stopped job drops its pending slices.
          job.updates = [];
          job.wake?.();
        },
      );
      return { jobId: payload.jobId, needsImage: false };
    },
    'propagation.poll': async ({ jobId, waitMs }) => {
      const job = jobs.get(jobId);
      if (!job) throw new ServiceError('not-found', `There is no propagation job ${jobId}.`);
      if (job.state === 'running' && job.updates.length === 0 && (waitMs ?? 0) > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(waitMs ?? 0, 10_000));
          job.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        job.wake = undefined;
      }
      // Every slice decided since the last poll, in one answer: handing a batch out over several
      // polls (a quarter of the volume each) made the page's writes of a knee's fill 5–7 s slower.
      const updates = job.updates;
      job.updates = [];
      const state = job.state;
      const result: PropagationPollResult = {
        state,
        updates,
        done: job.done,
        total: job.total,
        ...(job.error === undefined ? {} : { error: job.error }),
        ...(state === 'done' && job.outcome ? { outcome: job.outcome } : {}),
      };
      if (state !== 'running') jobs.delete(jobId);
      return result;
    },
    'propagation.cancel': ({ jobId }) => {
      const job = jobs.get(jobId);
      if (!job || job.state !== 'running') return Promise.resolve({ cancelled: false });
      job.abort.aborted = true;
      return Promise.resolve({ cancelled: true });
    },
  };
}
