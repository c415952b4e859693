import { describe, expect, it } from 'vitest';
import { propagationMethods } from '../common/contract-propagation';
import type { PropagationPollResult, PropagationWorkerOps } from '../common/propagation/worker-ops';
import type { Volume } from '../common/volume';
import { createPropagationHandlers, type PropagationWorkerClient } from './propagation-service';

const volume: Volume = {
  geometry: { size: [4, 4, 3], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
  componentType: 'int16',
  voxels: new Int16Array(48),
};

function fakeWorker(outcome?: PropagationPollResult['outcome']): PropagationWorkerClient & { calls: { op: string; payload: unknown }[] } {
  const calls: { op: string; payload: unknown }[] = [];
  let hasImage = false;
  return {
    calls,
    request<K extends keyof PropagationWorkerOps>(op: K, payload: PropagationWorkerOps[K]['payload']): Promise<PropagationWorkerOps[K]['result']> {
      calls.push({ op, payload });
      if (op === 'propagation.start') {
        const p = payload as PropagationWorkerOps['propagation.start']['payload'];
        if (p.image.voxels) hasImage = true;
        return Promise.resolve({ jobId: p.jobId, needsImage: !hasImage } as PropagationWorkerOps[K]['result']);
      }
      if (op === 'propagation.poll') {
        return Promise.resolve({ state: 'done', updates: [], done: 0, total: 0, ...(outcome ? { outcome } : {}) } as PropagationWorkerOps[K]['result']);
      }
      return Promise.resolve({ cancelled: true } as PropagationWorkerOps[K]['result']);
    },
  };
}

describe('propagation service', () => {
  it('sends a volume to the worker once and relays polls', async () => {
    const worker = fakeWorker();
    const handlers = createPropagationHandlers({ worker, volumes: { get: (id) => (id === 'v1' ? { volume } : undefined) }, modelsRoot: undefined });
    const input = propagationMethods['propagation.start'].input.parse({
      volumeId: 'v1',
      seeds: new ArrayBuffer(48),
      seedsType: 'uint8',
      method: 'interpolation',
      options: { axis: 2 },
    });
    const { jobId } = await handlers['propagation.start'](input);
    await handlers['propagation.start'](input);
    const starts = worker.calls.filter((c) => c.op === 'propagation.start').map((c) => (c.payload as { image: { voxels?: ArrayBuffer } }).image.voxels !== undefined);
    expect(starts).toEqual([true, false]);
    expect((await handlers['propagation.poll']({ jobId })).state).toBe('done');
    expect(propagationMethods['propagation.poll'].output.safeParse(await handlers['propagation.poll']({ jobId })).success).toBe(true);
  });

  it('rejects unknown volumes, wrong seed sizes and a memory request without models', async () => {
    const handlers = createPropagationHandlers({ worker: fakeWorker(), volumes: { get: (id) => (id === 'v1' ? { volume } : undefined) }, modelsRoot: undefined });
    const base = { seeds: new ArrayBuffer(48), seedsType: 'uint8' as const, options: { axis: 2 as const } };
    await expect(handlers['propagation.start']({ ...base, volumeId: 'nope', method: 'interpolation' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(handlers['propagation.start']({ ...base, seeds: new ArrayBuffer(3), volumeId: 'v1', method: 'interpolation' })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(handlers['propagation.start']({ ...base, volumeId: 'v1', method: 'memory' })).rejects.toMatchObject({ code: 'not-found' });
    expect(await handlers['propagation.affectedRange']({ annotated: [2, 9], corrected: 5, count: 12 })).toEqual({ range: [3, 8] });
  });

  it('relays the model and settings of the outcome, which the contract checks', async () => {
    const outcome = {
      componentType: 'uint8' as const,
      labels: new ArrayBuffer(48),
      propagated: [1],
      written: [1],
      computedSlices: 1,
      elapsedMs: 2,
      suspects: [],
      method: 'memory' as const,
      options: { axis: 2 as const, locked: [4] },
      model: { id: 'stcn-lite-cpu', sha256: '0123456789abcdef'.repeat(4) },
    };
    const handlers = createPropagationHandlers({ worker: fakeWorker(outcome), volumes: { get: () => undefined }, modelsRoot: undefined });
    const poll = await handlers['propagation.poll']({ jobId: 'j1' });
    expect(poll.outcome).toMatchObject({ method: 'memory', options: { axis: 2, locked: [4] }, model: outcome.model });
    const output = propagationMethods['propagation.poll'].output;
    expect(output.safeParse(poll).success).toBe(true);
    // A hostile or garbled digest, or an unknown option, does not reach the page.
    const withOutcome = (change: object): unknown => ({ ...poll, outcome: { ...outcome, ...change } });
    expect(output.safeParse(withOutcome({ model: { id: 'x', sha256: 'ABC' } })).success).toBe(false);
    expect(output.safeParse(withOutcome({ model: { id: '', sha256: outcome.model.sha256 } })).success).toBe(false);
    expect(output.safeParse(withOutcome({ options: { axis: 2, evil: true } })).success).toBe(false);
    expect(output.safeParse(withOutcome({ method: 'magic' })).success).toBe(false);
  });

  it('validates inputs with the contract schemas', () => {
    const start = propagationMethods['propagation.start'].input;
    expect(start.safeParse({ volumeId: 'v', seeds: new ArrayBuffer(1), seedsType: 'uint8', method: 'magic', options: { axis: 2 } }).success).toBe(false);
    expect(start.safeParse({ volumeId: 'v', seeds: new ArrayBuffer(1), seedsType: 'uint8', method: 'memory', options: { axis: 3 } }).success).toBe(false);
    expect(propagationMethods['propagation.poll'].input.safeParse({ jobId: '../x' }).success).toBe(false);
  });
});
