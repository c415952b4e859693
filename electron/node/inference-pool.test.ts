import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClickEngine } from './click-engine';
import { encodeMaskRuns } from '../common/click/mask-runs';
import { NOT_CACHED_IN_WORKER } from '../common/click/worker-ops';
import { InferencePool, inferenceWorkerCount, threadsPerWorker } from './inference-pool';
import { nodeWorkerLauncher, type WorkerLauncher, type WorkerProcess } from './worker-process';
import { buildWorkerForTests } from './testing/build-worker';
import type { WorkerStatus } from '../common/contract';

interface Received {
  id: number;
  op: string;
  payload: Record<string, unknown>;
}

/** A worker process the test drives: it records requests and answers them when told (or at once). */
class FakeWorker {
  readonly received: Received[] = [];
  autoAnswer = true;
  /** Operations left unanswered even with autoAnswer (a propagation job's long wait). */
  readonly held = new Set<string>();
  private readonly slices = new Set<string>();
  private onMessage: (message: unknown) => void = () => undefined;
  private onExit: (code: number | null, signal: string | null) => void = () => undefined;

  constructor(readonly pid: number) {}

  process(): WorkerProcess {
    return {
      pid: this.pid,
      postMessage: (message) => {
        const request = message as Received;
        this.received.push(request);
        if (this.autoAnswer && !this.held.has(request.op)) queueMicrotask(() => this.answer(request));
      },
      onMessage: (l) => {
        this.onMessage = l;
      },
      onExit: (l) => {
        this.onExit = l;
      },
      kill: () => undefined,
    };
  }

  ready(): void {
    this.onMessage({ type: 'ready', pid: this.pid });
  }

  crash(): void {
    this.onExit(null, 'SIGKILL');
  }

  /** Answers every request not answered yet. */
  answerAll(): void {
    for (const request of this.received.splice(0)) this.answer(request);
  }

  ops(): string[] {
    return this.received.map((r) => r.op);
  }

  private answer(request: Received): void {
    // Like the real worker's slice cache: a key it never received a slice for is refused.
    const key = request.payload.sliceKey;
    if (request.op === 'click.predict' && typeof key === 'string') {
      if (request.payload.slice !== undefined) this.slices.add(key);
      else if (!this.slices.has(key)) {
        this.onMessage({ type: 'error', id: request.id, message: `Slice "${key}" ${NOT_CACHED_IN_WORKER}.` });
        return;
      }
    }
    this.onMessage({ type: 'result', id: request.id, payload: resultFor(request) });
  }
}

function resultFor({ op, payload }: Received): unknown {
  switch (op) {
    case 'click.load':
      return { modelId: 'm', ep: 'cpu', attempts: [], loadMs: 1, warmupMs: 1 };
    case 'click.unload':
      return { unloaded: true };
    case 'click.predict': {
      const pixels = Number(payload.width) * Number(payload.height);
      return {
        modelId: String(payload.modelId),
        probabilities: encodeMaskRuns(new Uint8Array(pixels).fill(1)).buffer,
        output: 'mask-runs',
        threshold: 0.5,
        width: payload.width,
        height: payload.height,
        predictMs: 1,
        forwardMs: 1,
      };
    }
    case 'propagation.poll':
      return { state: 'done', updates: [], done: 1, total: 1 };
    case 'ping':
      return { echo: payload.echo, sentAt: payload.sentAt };
    default:
      throw new Error(`the fake worker has no answer for ${op}`);
  }
}

/** A launcher whose n-th start is `workers[n]` (created on demand, pids 100, 101, …). */
function fakeLauncher(): { launcher: WorkerLauncher; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  const launcher: WorkerLauncher = () => {
    const worker = new FakeWorker(100 + workers.length);
    workers.push(worker);
    return worker.process();
  };
  return { launcher, workers };
}

const pools: InferencePool[] = [];
afterEach(() => {
  for (const pool of pools.splice(0)) pool.stop();
});

function startPool(size: number, options: { clickThreads?: number; coolDownMs?: number } = {}) {
  const { launcher, workers } = fakeLauncher();
  const pool = new InferencePool(launcher, {
    size,
    ...(options.clickThreads === undefined ? {} : { clickThreads: options.clickThreads }),
    host: { restartDelayMs: 10, waitForRestartMs: 0, ...(options.coolDownMs === undefined ? {} : { maxCrashes: 0, coolDownMs: options.coolDownMs }) },
    log: () => undefined,
  });
  pools.push(pool);
  pool.start();
  for (const w of workers) w.ready();
  return { pool, workers };
}

const predict = (sliceKey = 'k') => ({ modelId: 'classical', sliceKey, slice: new ArrayBuffer(16), width: 2, height: 2, clicks: [{ x: 0, y: 0, positive: true }] });

function nth(workers: readonly FakeWorker[], n: number): FakeWorker {
  const worker = workers[n];
  if (!worker) throw new Error(`worker ${n} was never started`);
  return worker;
}

/** Lets queued microtasks (fake answers, host bookkeeping) and a macrotask turn run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('inferenceWorkerCount and threadsPerWorker', () => {
  it('defaults to one worker per core, from 1 to 4, and takes a requested count', () => {
    expect([1, 2, 3, 8, 64].map((cores) => inferenceWorkerCount(undefined, cores))).toEqual([1, 2, 3, 4, 4]);
    expect(inferenceWorkerCount('', 8)).toBe(4);
    expect(inferenceWorkerCount('6', 2)).toBe(6);
  });

  it('refuses a count that is not a whole number from 1 to 16, in one sentence', () => {
    for (const bad of ['0', '17', '2.5', 'two', '-1']) {
      expect(() => inferenceWorkerCount(bad, 8)).toThrow(`The number of inference workers must be a whole number from 1 to 16, not "${bad}".`);
    }
  });

  it('gives each worker threads so that workers × threads stays within the cores', () => {
    for (const cores of [1, 2, 3, 8, 16]) {
      for (const workers of [1, 2, 3, 4]) {
        const threads = threadsPerWorker(workers, cores);
        expect(threads).toBeGreaterThanOrEqual(1);
        if (workers <= cores) expect(workers * threads).toBeLessThanOrEqual(cores);
      }
    }
    expect(threadsPerWorker(1, 8)).toBe(8);
    expect(threadsPerWorker(3, 8)).toBe(2);
  });
});

describe('InferencePool routing', () => {
  it('sends a new session to the worker with the fewest requests in flight, and keeps each session on its worker', async () => {
    const { pool, workers } = startPool(3);
    for (const w of workers) w.autoAnswer = false;
    const first = pool.request('click.predict', predict(), 'a');
    const second = pool.request('click.predict', predict(), 'b');
    const third = pool.request('click.predict', predict(), 'c');
    await settle();
    expect(workers.map((w) => w.received.length)).toEqual([1, 1, 1]);
    expect(['a', 'b', 'c'].map((k) => pool.workerOf(k))).toEqual([0, 1, 2]);
    // 'a' stays on the first worker although it is the busiest.
    const again = pool.request('click.predict', predict(), 'a');
    await settle();
    expect(workers.map((w) => w.received.length)).toEqual([2, 1, 1]);
    workers[1]?.answerAll();
    await second;
    // The second worker is now idle: a new session goes there.
    const fourth = pool.request('click.predict', predict(), 'd');
    await settle();
    expect(pool.workerOf('d')).toBe(1);
    for (const w of workers) w.answerAll();
    await Promise.all([first, third, again, fourth]);
  });

  it('breaks a tie in load by the number of sessions each worker holds', async () => {
    const { pool } = startPool(2);
    // Each answered at once: nothing is in flight when the next session comes.
    for (const key of ['a', 'b', 'c', 'd']) await pool.request('click.predict', predict(), key);
    expect(['a', 'b', 'c', 'd'].map((k) => pool.workerOf(k))).toEqual([0, 1, 0, 1]);
  });

  it('loads and unloads click models in every worker, with the pool’s thread count unless the load names one', async () => {
    const { pool, workers } = startPool(2, { clickThreads: 3 });
    const loaded = await pool.request('click.load', { modelDir: '/models/m', ep: 'cpu' });
    expect(loaded.modelId).toBe('m');
    for (const w of workers) expect(w.received.filter((r) => r.op === 'click.load').map((r) => r.payload.threads)).toEqual([3]);
    await pool.request('click.load', { modelDir: '/models/m', ep: 'cpu', threads: 1 });
    for (const w of workers) expect(w.received.filter((r) => r.op === 'click.load').map((r) => r.payload.threads)).toEqual([3, 1]);
    expect(await pool.request('click.unload', { modelId: 'm' })).toEqual({ unloaded: true });
    for (const w of workers) expect(w.ops().filter((op) => op === 'click.unload')).toHaveLength(1);
  });

  it('moves a session off the first worker while a propagation job runs there, if another worker runs none', async () => {
    const { pool, workers } = startPool(2);
    await pool.request('click.predict', predict('a:0:1'), 'a');
    expect(pool.workerOf('a')).toBe(0);
    nth(workers, 0).held.add('propagation.poll');
    const job = pool.request('propagation.poll', { jobId: 'j', waitMs: 10_000 });
    await settle();
    await pool.request('click.predict', predict('a:0:1'), 'a');
    expect(pool.workerOf('a')).toBe(1);
    // A new session avoids it too, though it is now the less loaded by sessions.
    await pool.request('click.predict', predict('b:0:1'), 'b');
    expect(pool.workerOf('b')).toBe(1);
    nth(workers, 0).held.clear();
    nth(workers, 0).answerAll();
    await job;
  });

  it('runs every other operation (ping, propagation) on the first worker', async () => {
    const { pool, workers } = startPool(3);
    for (let n = 0; n < 3; n++) await pool.request('ping', { echo: new ArrayBuffer(1), sentAt: n });
    expect(workers.map((w) => w.ops())).toEqual([['ping', 'ping', 'ping'], [], []]);
  });
});

describe('InferencePool after a crash', () => {
  it('moves a crashed worker’s sessions to the others, and gives it the models back before it takes new ones', async () => {
    const { pool, workers } = startPool(2);
    await pool.request('click.load', { modelDir: '/models/m', ep: 'cpu' });
    await pool.request('click.predict', predict(), 'a');
    await pool.request('click.predict', predict(), 'b');
    expect(pool.workerOf('b')).toBe(1);
    workers[1]?.crash();
    expect(pool.status.state).toBe('ready');
    // 'b' goes to the worker that is up, and stays there.
    await pool.request('click.predict', predict(), 'b');
    expect(pool.workerOf('b')).toBe(0);
    // The restarted process (the third launched) is given the model before any click.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const restarted = nth(workers, 2);
    restarted.autoAnswer = false;
    restarted.ready();
    await settle();
    expect(restarted.ops()).toEqual(['click.load']);
    // Until that load is done, new sessions go to the first worker even when it is busier.
    nth(workers, 0).autoAnswer = false;
    const busy = pool.request('click.predict', predict(), 'c');
    await settle();
    const waiting = pool.request('click.predict', predict(), 'd');
    await settle();
    expect(pool.workerOf('d')).toBe(0);
    restarted.answerAll();
    await settle();
    restarted.autoAnswer = true;
    const fresh = pool.request('click.predict', predict(), 'e');
    expect(pool.workerOf('e')).toBe(1);
    nth(workers, 0).answerAll();
    await Promise.all([busy, waiting, fresh]);
    expect(pool.status).toMatchObject({ state: 'ready', restarts: 1 });
  });

  it('reports the pool as down, with the first worker’s reason, only while every worker is', () => {
    const { pool, workers } = startPool(2, { coolDownMs: 60_000 });
    const seen: string[] = [];
    pool.onStatus((s) => seen.push(s.state));
    workers[0]?.crash();
    expect(pool.status.state).toBe('ready');
    workers[1]?.crash();
    expect(pool.status).toMatchObject({ state: 'restarting', restarts: 2, message: 'it crashed 1 time in a minute; the next start is in 60 s' });
    expect(pool.workerStatuses.map((s) => s.state)).toEqual(['restarting', 'restarting']);
    expect(seen).toEqual(['ready', 'restarting']);
  });
});

describe('ClickEngine over an InferencePool', () => {
  const slice = { slice: new Float32Array(16).fill(1), width: 4, height: 4, prompt: { clicks: [{ x: 1, y: 1, positive: true }] }, intensityRange: [0, 1] as [number, number], pixelSpacing: [1, 1] as const };

  it('sends each session to its worker, and with one worker down the other answers in the worker', async () => {
    const { pool, workers } = startPool(2, { coolDownMs: 60_000 });
    const engine = new ClickEngine({ worker: pool, modelsRoot: undefined, clickModel: 'classical', log: () => undefined });
    await engine.segment({ ...slice, sliceKey: 'a:0:1', sessionKey: 'a' });
    await engine.segment({ ...slice, sliceKey: 'b:0:1', sessionKey: 'b' });
    expect(workers.map((w) => w.ops())).toEqual([['click.predict'], ['click.predict']]);
    workers[0]?.crash();
    const moved = await engine.segment({ ...slice, sliceKey: 'a:0:1', sessionKey: 'a' });
    expect(moved).toMatchObject({ kind: 'classical', ranIn: 'worker' });
    expect(pool.workerOf('a')).toBe(1);
    // The engine sent no slice (the first worker had it); the second had not, and the retry sent it.
    expect(workers[1]?.received.slice(1).map((r) => r.payload.slice !== undefined)).toEqual([false, true]);
  });

  it('sends the slice to each worker a session on the same image comes to, once', async () => {
    const { pool, workers } = startPool(2);
    const engine = new ClickEngine({ worker: pool, modelsRoot: undefined, clickModel: 'classical', log: () => undefined });
    for (const session of ['a', 'b', 'a', 'b']) await engine.segment({ ...slice, sliceKey: 'image:0:1', sessionKey: session });
    // One slice to each worker, no refusal and retry: what the engine remembers is per session.
    expect(workers.map((w) => w.received.map((r) => r.payload.slice !== undefined))).toEqual([
      [true, false],
      [true, false],
    ]);
  });

  it('falls back to the main process, and says so, only when every worker is down', async () => {
    const { pool, workers } = startPool(2, { coolDownMs: 60_000 });
    const engine = new ClickEngine({ worker: pool, modelsRoot: undefined, clickModel: 'classical', log: () => undefined });
    for (const w of workers) w.crash();
    const answer = await engine.segment({ ...slice, sliceKey: 'a:0:1', sessionKey: 'a' });
    expect(answer.ranIn).toBe('main');
    expect(answer.fallbackReason).toMatch(/^The inference worker is unavailable: .*It ran in the main process\.$/);
    expect(engine.status().classicalRunsIn).toBe('main');
  });
});

describe('InferencePool with real worker processes', () => {
  let workerEntry = '';
  beforeAll(async () => {
    workerEntry = await buildWorkerForTests();
  });

  const whenAllReady = (pool: InferencePool): Promise<void> =>
    new Promise((resolve) => {
      const check = (): boolean => pool.workerStatuses.every((s: WorkerStatus) => s.state === 'ready');
      if (check()) return resolve();
      const off = pool.onStatus(() => {
        if (check()) {
          off();
          resolve();
        }
      });
    });

  it('answers a session whose worker was killed from the other process, and restarts the killed one', async () => {
    const pool = new InferencePool(nodeWorkerLauncher(workerEntry), { size: 2, host: { restartDelayMs: 50 }, log: () => undefined });
    pools.push(pool);
    pool.start();
    await whenAllReady(pool);
    const pids = pool.workerStatuses.map((s) => s.pid);
    expect(new Set(pids).size).toBe(2);
    const click = (key: string) => pool.request('click.predict', { ...predict(`${key}:0:1`), modelId: 'classical', output: 'mask-runs' }, key);
    await click('a');
    await click('b');
    expect([pool.workerOf('a'), pool.workerOf('b')]).toEqual([0, 1]);
    process.kill(pids[1] ?? 0, 'SIGKILL');
    await new Promise<void>((resolve) => {
      const off = pool.onStatus(() => {
        if (pool.workerStatuses[1]?.state !== 'ready') {
          off();
          resolve();
        }
      });
    });
    expect(pool.status.state).toBe('ready');
    expect((await click('b')).modelId).toBe('classical-growcut');
    expect(pool.workerOf('b')).toBe(0);
    await whenAllReady(pool);
    expect(pool.workerStatuses[1]?.pid).not.toBe(pids[1]);
    expect(pool.status.restarts).toBe(1);
  });
});
