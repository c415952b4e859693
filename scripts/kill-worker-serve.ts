/**
 * Tries N times, evenly over S seconds, to kill the inference worker of a running serve mode with
 * SIGKILL (when it is up), clicking at each try, and prints what happened: what the status said
 * while the worker was away, which engine answered each click, how long the worker stayed away, and
 * whether it came back at the end. Prints figures; asserts nothing.
 *
 *   node scripts/build.mjs --quiet && npx vite-node scripts/kill-worker-serve.ts -- [--attempts 20] [--seconds 60]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import type { VolumeMessage, WorkerStatus } from '../electron/common/contract';
import { decodeFrame, encodeFrame, type WireMessage } from '../electron/common/wire';
import { startServe } from './serve-chromium.mjs';

const { values } = parseArgs({
  options: {
    attempts: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '60' },
    model: { type: 'string', default: 'isegformer-swin32-cpu' },
  },
});
const ATTEMPTS = Number(values.attempts);
const WINDOW_MS = Number(values.seconds) * 1000;

type Response = Extract<WireMessage, { kind: 'response' }>;

const root = mkdtempSync(join(tmpdir(), 'iseg-kill-'));
// One inference worker: the figures are about that worker's restarts (a pool stays up while any is).
const { url, child } = await startServe({ extraArgs: ['--root', root, '--inference-workers', '1'] });
const page = new URL(url);
const ws = new WebSocket(`ws://${page.host}/rpc?token=${encodeURIComponent(page.searchParams.get('token') ?? '')}`);
await new Promise<void>((resolve, reject) => {
  ws.once('open', () => resolve());
  ws.once('error', reject);
});
let status: WorkerStatus = { state: 'starting', restarts: 0 };
const statusListeners = new Set<() => void>();
const pending = new Map<number, (r: Response) => void>();
ws.on('message', (data: Buffer) => {
  const message = decodeFrame(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer) as WireMessage;
  if (message.kind === 'event' && message.name === 'inference.status') {
    status = message.payload as WorkerStatus;
    for (const listener of statusListeners) listener();
  } else if (message.kind === 'response') {
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  }
});
let nextId = 1;
function call(method: string, input: unknown): Promise<Response> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    ws.send(Buffer.from(encodeFrame({ kind: 'request', id, method, input })));
  });
}
function statusWhere(predicate: (s: WorkerStatus) => boolean, timeoutMs: number): Promise<boolean> {
  if (predicate(status)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      statusListeners.delete(check);
      resolve(false);
    }, timeoutMs);
    const check = (): void => {
      if (!predicate(status)) return;
      clearTimeout(timer);
      statusListeners.delete(check);
      resolve(true);
    };
    statusListeners.add(check);
  });
}

const info = await call('app.getInfo', {});
if (info.ok) status = (info.output as { inference: WorkerStatus }).inference;
const sample = await call('volume.openSample', {});
if (!sample.ok) throw new Error(`the sample did not open: ${sample.error.message}`);
const meta = (sample.output as VolumeMessage).meta;
const [nx, ny, nz] = meta.geometry.size;
const selected = await call('models.select', { clickModel: values.model, ep: 'cpu' });
const engine = selected.ok ? (selected.output as { kind: string; clickModel: string }) : undefined;
console.log(`click engine: ${engine ? `${engine.clickModel} (${engine.kind})` : `not selected (${selected.ok ? '' : selected.error.message})`}`);

async function click(): Promise<string> {
  const started = performance.now();
  const reply = await call('segmentation.clickToMask', { volumeId: meta.id, axis: 2, slice: Math.floor(nz / 2), clicks: [{ x: nx / 2, y: ny / 2, positive: true }] });
  const ms = (performance.now() - started).toFixed(0);
  if (!reply.ok) return `refused in ${ms} ms (${reply.error.message})`;
  const answer = reply.output as { kind: string; modelId: string; fallbackReason?: string };
  return `${answer.kind} (${answer.modelId}) in ${ms} ms${answer.fallbackReason ? ` — ${answer.fallbackReason}` : ''}`;
}

console.log(`first click: ${await click()}`);
// N attempts spread evenly over the window: each kills the worker if it is up (it may still be
// starting or cooling down), then clicks without waiting for the answer before the next attempt.
const started = performance.now();
const attempts: Promise<string>[] = [];
let kills = 0;
let readyAt = performance.now();
const awayTimes: number[] = [];
let killedAt: number | undefined;
statusListeners.add(() => {
  if (status.state === 'ready' && killedAt !== undefined) {
    awayTimes.push(performance.now() - killedAt);
    killedAt = undefined;
    readyAt = performance.now();
  }
});
for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
  const due = started + ((attempt - 1) * WINDOW_MS) / ATTEMPTS;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
  const at = `${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s`;
  if (status.state === 'ready' && status.pid !== undefined) {
    process.kill(status.pid, 'SIGKILL');
    kills++;
    killedAt = performance.now();
    const upFor = (killedAt - readyAt) / 1000;
    await statusWhere((s) => s.state === 'restarting' && s.retryInMs !== undefined, 5000);
    const said = status.message ?? status.state;
    attempts.push(click().then((c) => `${String(attempt).padStart(3)}  ${at}  killed (up ${upFor.toFixed(1)} s); status: "${said}"; click: ${c}`));
  } else {
    const said = status.message ?? status.state;
    attempts.push(click().then((c) => `${String(attempt).padStart(3)}  ${at}  worker not up (${status.state}); status: "${said}"; click: ${c}`));
  }
}
const rows = await Promise.all(attempts);
const comeBack = await statusWhere((s) => s.state === 'ready', 60_000);
console.log('try  at       what happened');
for (const row of rows) console.log(row);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const longest = Math.max(0, ...awayTimes) / 1000;
console.log(`${ATTEMPTS} attempts in ${(WINDOW_MS / 1000).toFixed(0)} s: ${kills} kills; restarts reported: ${status.restarts}; time away after a kill: longest ${longest.toFixed(1)} s; back at the end (${seconds} s): ${comeBack ? 'yes' : 'no'} (state ${status.state})`);
console.log(`click after the last restart: ${await click()}`);

ws.close();
child.kill('SIGTERM');
rmSync(root, { recursive: true, force: true });
process.exit(0);
