import { describe, expect, it } from 'vitest';
import { propagationEvents, propagationMethods, type PropagationProgress } from '../common/contract-propagation';
import type { PropagationPollResult, PropagationWorkerOps } from '../common/propagation/worker-ops';
import type { Volume } from '../common/volume';
import { createPropagationHandlers, type PropagationServiceDeps, type PropagationWorkerClient } from './propagation-service';

const volume: Volume = {
  geometry: { size: [4, 4, 3], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
  componentType: 'int16',
  voxels: new Int16Array(48),
};

type Polls = (jobId: string) => PropagationPollResult | Promise<PropagationPollResult>;

/** A worker whose polls answer from `polls` (default: done at once, with `outcome`). */
function fakeWorker(polls?: Polls, outcome?: PropagationPollResult['outcome']): PropagationWorkerClient & { calls: { op: string; payload: unknown }[] } {
  const calls: { op: string; payload: unknown }[] = [];
  let hasImage = false;
  const answer: Polls = polls ?? (() => ({ state: 'done', updates: [], done: 0, total: 0, ...(outcome ? { outcome } : {}) }));
  return {
    calls,
    async request<K extends keyof PropagationWorkerOps>(op: K, payload: PropagationWorkerOps[K]['payload']): Promise<PropagationWorkerOps[K]['result']> {
      calls.push({ op, payload });
      if (op === 'propagation.start') {
        const p = payload as PropagationWorkerOps['propagation.start']['payload'];
        if (p.image.voxels) hasImage = true;
        return { jobId: p.jobId, needsImage: !hasImage } as PropagationWorkerOps[K]['result'];
      }
      if (op === 'propagation.poll') return (await answer((payload as { jobId: string }).jobId)) as unknown as PropagationWorkerOps[K]['result'];
      return { cancelled: true } as PropagationWorkerOps[K]['result'];
    },
  };
}

interface Sent {
  clientId: string;
  event: PropagationProgress;
}

function service(worker: PropagationWorkerClient, client = { id: 'c1' }): { handlers: ReturnType<typeof createPropagationHandlers>; sent: Sent[]; ended: (n: number) => Promise<void> } {
  const sent: Sent[] = [];
  const waiters: (() => void)[] = [];
  const deps: PropagationServiceDeps = {
    worker,
    volumes: { get: (id) => (id === 'v1' ? { volume } : undefined) },
    modelsRoot: undefined,
    currentClient: () => client.id,
    emit: (clientId, _name, event) => {
      sent.push({ clientId, event });
      for (const wake of waiters.splice(0)) wake();
    },
  };
  const ended = async (n: number): Promise<void> => {
    while (sent.filter((s) => s.event.state !== 'running').length < n) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { handlers: createPropagationHandlers(deps), sent, ended };
}

const start = (jobId: string): ReturnType<typeof propagationMethods['propagation.start']['input']['parse']> =>
  propagationMethods['propagation.start'].input.parse({ jobId, volumeId: 'v1', seedRuns: new ArrayBuffer(48), seedsType: 'uint8', method: 'interpolation', options: { axis: 2 } });

describe('propagation service', () => {
  it('sends a volume to the worker once and pushes each job to the client that started it', async () => {
    const worker = fakeWorker();
    const client = { id: 'c1' };
    const { handlers, sent, ended } = service(worker, client);
    expect(await handlers['propagation.start'](start('jobA'))).toEqual({ jobId: 'jobA' });
    client.id = 'c2';
    await handlers['propagation.start'](start('jobA')); // the same id from another client is another job
    await ended(2);
    const starts = worker.calls.filter((c) => c.op === 'propagation.start').map((c) => (c.payload as { image: { voxels?: ArrayBuffer } }).image.voxels !== undefined);
    expect(starts).toEqual([true, false]);
    expect(sent.map((s) => [s.clientId, s.event.jobId, s.event.state])).toEqual([
      ['c1', 'jobA', 'done'],
      ['c2', 'jobA', 'done'],
    ]);
    const workerJobs = new Set(worker.calls.filter((c) => c.op === 'propagation.start').map((c) => (c.payload as { jobId: string }).jobId));
    expect(workerJobs.size).toBe(2);
    for (const s of sent) expect(propagationEvents['propagation.progress'].safeParse(s.event).success).toBe(true);
  });

  it('pushes decided slices as the worker reports them, skips empty waits, and ends once', async () => {
    const slice = { slice: 1, label: 2, componentType: 'uint8' as const, labels: new ArrayBuffer(16) };
    const answers: PropagationPollResult[] = [
      { state: 'running', updates: [slice], done: 1, total: 3 },
      { state: 'running', updates: [], done: 1, total: 3 }, // a wait that timed out
      { state: 'running', updates: [slice, slice], done: 3, total: 3 },
      { state: 'done', updates: [], done: 3, total: 3 },
    ];
    const { handlers, sent, ended } = service(fakeWorker(() => answers.shift() ?? { state: 'done', updates: [], done: 3, total: 3 }));
    await handlers['propagation.start'](start('j1'));
    await ended(1);
    expect(sent.map((s) => [s.event.state, s.event.updates.length, s.event.done])).toEqual([
      ['running', 1, 1],
      ['running', 2, 3],
      ['done', 0, 3],
    ]);
  });

  it('ends the job as failed when the worker is lost, and refuses a job id that is running', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { handlers, sent, ended } = service(
      fakeWorker(async () => {
        await gate;
        throw new Error('the inference worker stopped');
      }),
    );
    await handlers['propagation.start'](start('j1'));
    await expect(handlers['propagation.start'](start('j1'))).rejects.toMatchObject({ code: 'bad-request' });
    release();
    await ended(1);
    expect(sent[0]?.event).toMatchObject({ jobId: 'j1', state: 'failed', error: 'Propagation stopped: the inference worker stopped' });
  });

  it('cancels only the calling client’s job', async () => {
    const worker = fakeWorker();
    const client = { id: 'c1' };
    const { handlers } = service(worker, client);
    await handlers['propagation.cancel']({ jobId: 'j1' });
    client.id = 'c2';
    await handlers['propagation.cancel']({ jobId: 'j1' });
    const cancelled = worker.calls.filter((c) => c.op === 'propagation.cancel').map((c) => (c.payload as { jobId: string }).jobId);
    expect(cancelled).toHaveLength(2);
    expect(cancelled[0]).not.toBe(cancelled[1]);
  });

  it('rejects unknown volumes and a memory request without models', async () => {
    const { handlers } = service(fakeWorker());
    const base = { jobId: 'j1', seedRuns: new ArrayBuffer(48), seedsType: 'uint8' as const, options: { axis: 2 as const } };
    await expect(handlers['propagation.start']({ ...base, volumeId: 'nope', method: 'interpolation' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(handlers['propagation.start']({ ...base, volumeId: 'v1', method: 'memory' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(handlers['propagation.start']({ ...base, volumeId: 'v1', method: 'auto' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('starts growing without models, naming no model directory to the worker', async () => {
    const worker = fakeWorker();
    const { handlers, ended } = service(worker);
    await handlers['propagation.start']({ ...start('g1'), method: 'grow' });
    await ended(1);
    const payload = worker.calls.find((c) => c.op === 'propagation.start')?.payload as { method: string; modelDir?: string };
    expect(payload.method).toBe('grow');
    expect(payload.modelDir).toBeUndefined();
  });

  it('relays the model and settings of the outcome, which the contract checks', async () => {
    const outcome = {
      propagated: [1],
      written: [1],
      computedSlices: 1,
      elapsedMs: 2,
      suspects: [],
      method: 'memory' as const,
      options: { axis: 2 as const, locked: [4] },
      model: { id: 'stcn-lite-cpu', sha256: '0123456789abcdef'.repeat(4) },
    };
    const { handlers, sent, ended } = service(fakeWorker(undefined, outcome));
    await handlers['propagation.start'](start('j1'));
    await ended(1);
    const event = sent[0]?.event;
    expect(event?.outcome).toMatchObject({ method: 'memory', options: { axis: 2, locked: [4] }, model: outcome.model });
    const schema = propagationEvents['propagation.progress'];
    expect(schema.safeParse(event).success).toBe(true);
    // A hostile or garbled digest, or an unknown option, does not reach the page.
    const withOutcome = (change: object): unknown => ({ ...event, outcome: { ...outcome, ...change } });
    expect(schema.safeParse(withOutcome({ model: { id: 'x', sha256: 'ABC' } })).success).toBe(false);
    expect(schema.safeParse(withOutcome({ model: { id: '', sha256: outcome.model.sha256 } })).success).toBe(false);
    expect(schema.safeParse(withOutcome({ options: { axis: 2, evil: true } })).success).toBe(false);
    expect(schema.safeParse(withOutcome({ method: 'magic' })).success).toBe(false);
  });

  it('validates inputs with the contract schemas', () => {
    const input = propagationMethods['propagation.start'].input;
    const good = { jobId: 'j1', volumeId: 'v', seedRuns: new ArrayBuffer(1), seedsType: 'uint8', method: 'memory', options: { axis: 2 } };
    expect(input.safeParse(good).success).toBe(true);
    expect(input.safeParse({ ...good, method: 'magic' }).success).toBe(false);
    expect(input.safeParse({ ...good, options: { axis: 3 } }).success).toBe(false);
    expect(input.safeParse({ ...good, jobId: '../x' }).success).toBe(false);
    expect(propagationMethods['propagation.cancel'].input.safeParse({ jobId: '../x' }).success).toBe(false);
  });
});
