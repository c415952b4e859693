import { afterEach, beforeAll, describe, expect, it } from 'vitest';
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

async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
}

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
  it('gives up after too many crashes in the window, and says so', async () => {
    const { launcher, processes } = fakeLauncher();
    const host = new InferenceHost(launcher, { log: () => undefined, restartDelayMs: 1, maxCrashes: 2, crashWindowMs: 60_000 });
    hosts.push(host);
    host.start();
    for (let n = 0; n < 3; n++) {
      await until(() => processes.length === n + 1);
      processes[n]?.exit();
    }
    const status = await waitForStatus(host, (s) => s.state === 'failed');
    expect(status.restarts).toBe(2);
    await expect(host.whenReady()).rejects.toThrow(/not running/);
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
