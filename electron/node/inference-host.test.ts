import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WorkerStatus } from '../common/contract';
import { InferenceHost } from './inference-host';
import { nodeWorkerLauncher, type WorkerLauncher, type WorkerProcess } from './worker-process';
import { buildWorkerForTests } from './testing/build-worker';

let workerEntry = '';
beforeAll(async () => {
  workerEntry = await buildWorkerForTests();
});

const hosts: InferenceHost[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) host.stop();
});

function waitForStatus(host: InferenceHost, predicate: (s: WorkerStatus) => boolean): Promise<WorkerStatus> {
  if (predicate(host.status)) return Promise.resolve(host.status);
  return new Promise((resolve) => {
    const off = host.onStatus((status) => {
      if (predicate(status)) {
        off();
        resolve(status);
      }
    });
  });
}

describe('InferenceHost with a real worker process', () => {
  it('answers requests with binary payloads intact', async () => {
    const host = new InferenceHost(nodeWorkerLauncher(workerEntry), { log: () => undefined });
    hosts.push(host);
    host.start();
    const echo = new Float32Array([1.5, -2, 3]).buffer;
    const reply = await host.request('ping', { echo, sentAt: 1 });
    expect(reply.echo).toBeInstanceOf(ArrayBuffer);
    expect(Array.from(new Float32Array(reply.echo))).toEqual([1.5, -2, 3]);
  });

  it('survives the worker being killed and comes back with a new process', async () => {
    const host = new InferenceHost(nodeWorkerLauncher(workerEntry), { log: () => undefined, restartDelayMs: 50 });
    hosts.push(host);
    host.start();
    const first = await waitForStatus(host, (s) => s.state === 'ready');
    expect(first.pid).toBeGreaterThan(0);
    process.kill(first.pid ?? 0, 'SIGKILL');
    const restarting = await waitForStatus(host, (s) => s.state === 'restarting');
    expect(restarting.restarts).toBe(1);
    expect(restarting.lastError).toMatch(/SIGKILL/);
    const again = await waitForStatus(host, (s) => s.state === 'ready');
    expect(again.pid).not.toBe(first.pid);
    const reply = await host.request('ping', { echo: new ArrayBuffer(4), sentAt: 2 });
    expect(reply.sentAt).toBe(2);
  });
});

describe('InferenceHost result check', () => {
  it('rejects a result that does not fit the result schema of its operation, and an operation that does not exist', async () => {
    // A worker that answers every request with `answer(op)`.
    const answering = (answer: (op: string) => unknown): WorkerLauncher => () => {
      let onMessage: (m: unknown) => void = () => undefined;
      queueMicrotask(() => onMessage({ type: 'ready', pid: 4242 }));
      return {
        pid: 4242,
        postMessage: (message) => {
          const { id, op } = message as { id: number; op: string };
          queueMicrotask(() => onMessage({ type: 'result', id, payload: answer(op) }));
        },
        onMessage: (l) => {
          onMessage = l;
        },
        onExit: () => undefined,
        kill: () => undefined,
      };
    };
    const host = new InferenceHost(
      answering((op) => (op === 'ping' ? { echo: new ArrayBuffer(2), sentAt: 3 } : { loaded: 'all', rssMb: 1, peakRssMb: 1 })),
      { log: () => undefined },
    );
    hosts.push(host);
    host.start();
    expect((await host.request('ping', { echo: new ArrayBuffer(2), sentAt: 3 })).sentAt).toBe(3);
    await expect(host.request('click.status', {})).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringMatching(/^The inference worker answered "click.status" with a malformed result \(loaded\)/) as unknown,
    });
    await expect((host as unknown as { request(op: string, p: unknown): Promise<unknown> }).request('click.nothing', {})).rejects.toMatchObject({ code: 'bad-request' });
  });
});

/** A launcher whose processes the test controls, for the restart policy. */
interface FakeProcess {
  exit: () => void;
  send: (message: unknown) => void;
}

function fakeLauncher(): { launcher: WorkerLauncher; processes: FakeProcess[] } {
  const processes: FakeProcess[] = [];
  const launcher: WorkerLauncher = () => {
    let onMessage: (m: unknown) => void = () => undefined;
    let onExit: (code: number | null, signal: string | null) => void = () => undefined;
    const pid = 1000 + processes.length;
    const proc: WorkerProcess = {
      pid,
      postMessage: () => undefined,
      onMessage: (l) => {
        onMessage = l;
      },
      onExit: (l) => {
        onExit = l;
      },
      kill: () => undefined,
    };
    processes.push({ exit: () => onExit(1, null), send: (message) => onMessage(message) });
    return proc;
  };
  return { launcher, processes };
}

describe('InferenceHost restart policy', () => {
  it('never gives up: 20 crashes in a minute each bring the worker back, after a cool-down once they come in a burst', async () => {
    vi.useFakeTimers();
    try {
      const { launcher, processes } = fakeLauncher();
      const host = new InferenceHost(launcher, { log: () => undefined, restartDelayMs: 100, maxCrashes: 5, crashWindowMs: 60_000, coolDownMs: 10_000 });
      hosts.push(host);
      const seen: WorkerStatus[] = [];
      host.onStatus((status) => seen.push(status));
      host.start();
      const delays: number[] = [];
      for (let n = 0; n < 20; n++) {
        processes[n]?.send({ type: 'ready', pid: 1000 + n });
        expect(host.status.state).toBe('ready');
        processes[n]?.exit();
        expect(host.status.state).toBe('restarting');
        delays.push(host.status.retryInMs ?? -1);
        await vi.advanceTimersByTimeAsync(host.status.retryInMs ?? 0);
        expect(processes).toHaveLength(n + 2);
      }
      // Back-off doubles for the first five crashes, then each waits out the cool-down.
      expect(delays).toEqual([100, 200, 400, 800, 1600, ...Array<number>(15).fill(10_000)]);
      expect(seen.some((s) => s.state === 'failed')).toBe(false);
      expect(seen.find((s) => s.retryInMs === 10_000)?.message).toBe('it crashed 6 times in a minute; the next start is in 10 s');
      expect(seen.find((s) => s.retryInMs === 100)?.message).toBe('it exited with code 1; the next start is in 0.1 s');
      processes[20]?.send({ type: 'ready', pid: 2000 });
      expect(host.status).toEqual({ state: 'ready', restarts: 20, pid: 2000, lastError: 'Inference worker exited with code 1' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a request at once while the worker cools down, and waits for a quick restart', async () => {
    vi.useFakeTimers();
    try {
      const { launcher, processes } = fakeLauncher();
      const host = new InferenceHost(launcher, { log: () => undefined, restartDelayMs: 100, maxCrashes: 2, coolDownMs: 10_000 });
      hosts.push(host);
      host.start();
      processes[0]?.send({ type: 'ready', pid: 1 });
      processes[0]?.exit();
      // A restart 0.1 s away: the request waits for it.
      const waiting = host.whenReady();
      await vi.advanceTimersByTimeAsync(100);
      processes[1]?.send({ type: 'ready', pid: 2 });
      await expect(waiting).resolves.toBeUndefined();
      processes[1]?.exit();
      await vi.advanceTimersByTimeAsync(200);
      const waitingForStart = host.whenReady().then(
        () => 'ready',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      // The third crash (before the new process was ready) is a burst: the request that was waiting
      // for the start is answered at once, and new ones are refused at once.
      processes[2]?.exit();
      const refusal = 'The inference worker is unavailable: it crashed 3 times in a minute; the next start is in 10 s.';
      expect(await waitingForStart).toBe(refusal);
      await expect(host.whenReady()).rejects.toThrow(refusal);
      await vi.advanceTimersByTimeAsync(10_000);
      processes[3]?.send({ type: 'ready', pid: 4 });
      expect(host.status.state).toBe('ready');
      await expect(host.whenReady()).resolves.toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores malformed messages from the worker', () => {
    const { launcher, processes } = fakeLauncher();
    const logged: string[] = [];
    const host = new InferenceHost(launcher, { log: (m) => logged.push(m) });
    hosts.push(host);
    host.start();
    processes[0]?.send({ type: 'ready', pid: 'not a pid' });
    processes[0]?.send('garbage');
    expect(host.status.state).toBe('starting');
    expect(logged).toHaveLength(2);
    processes[0]?.send({ type: 'ready', pid: 1000 });
    expect(host.status.state).toBe('ready');
  });
});
