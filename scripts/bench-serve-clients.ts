/**
 * N serve-mode clients clicking at once for S seconds (issue #19: p95 under 20 clients): each client
 * opens the labelled sample on its own socket and sends clicks back to back (a random point near
 * the middle of a mid slice, alternating axes); prints click latency p50/p95/max, clicks per second
 * and errors per engine, CPU milliseconds per click in serve's main process, each inference worker
 * and this process (the clients), and each worker's resident memory (now and peak; Linux /proc).
 * Prints figures; asserts nothing.
 *
 *   node scripts/build.mjs --quiet && npx vite-node scripts/bench-serve-clients.ts -- [--clients 20] [--seconds 30]
 *        [--model classical|isegformer-swin32-cpu] [--app DIR (a built checkout whose serve to run; default this one)]
 *        [--workers N (sets ISEG_INFERENCE_WORKERS for serve; a checkout without the pool ignores it)]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import type { VolumeMessage } from '../electron/common/contract';
import { serverEnvironment } from './server-env.mjs';
import { decodeFrame, encodeFrame, type WireMessage } from '../electron/common/wire';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '30' },
    model: { type: 'string', default: 'classical' },
    app: { type: 'string', default: resolve(__dirname, '..') },
    workers: { type: 'string' },
  },
});
const CLIENTS = Number(values.clients);
const WINDOW_MS = Number(values.seconds) * 1000;
type Response = Extract<WireMessage, { kind: 'response' }>;

/** The inference workers (serve's child processes) with their resident and peak resident MiB, from /proc. */
function workerMemory(servePid: number | undefined): string {
  try {
    const children = readFileSync(`/proc/${servePid}/task/${servePid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    const kib = (status: string, field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return children
      .map((pid) => {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        return `pid ${pid} RSS ${(kib(status, 'VmRSS') / 1024).toFixed(0)} MiB (peak ${(kib(status, 'VmHWM') / 1024).toFixed(0)} MiB)`;
      })
      .join('; ');
  } catch (error) {
    return `unknown (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** CPU seconds used so far (user + system) by serve (`main`) and each inference worker, from /proc. */
function cpuSeconds(servePid: number | undefined): Map<string, number> {
  const used = new Map<string, number>();
  try {
    const ticks = (pid: string): number => {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) / 100;
    };
    used.set('main', ticks(String(servePid)));
    const children = readFileSync(`/proc/${servePid}/task/${servePid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const pid of children) used.set(`worker ${pid}`, ticks(pid));
  } catch {
    // Not Linux, or a process gone: the line says nothing of CPU.
  }
  return used;
}

function startServe(appRoot: string): Promise<{ url: string; stop: () => void; pid: number | undefined }> {
  const state = mkdtempSync(join(tmpdir(), 'iseg-load-state-'));
  const data = mkdtempSync(join(tmpdir(), 'iseg-load-data-'));
  const child = spawn(process.execPath, [join(appRoot, 'dist/electron/serve.js'), '--port', '0'], {
    cwd: appRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...serverEnvironment(process.env),
      ISEG_STATE_DIR: state,
      ISEG_DATA_DIR: data,
      ISEG_SAMPLE: 'knee-simulated',
      ...(values.workers === undefined ? {} : { ISEG_INFERENCE_WORKERS: values.workers }),
    },
  });
  return new Promise((resolveUrl, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ISEG_SERVE_URL=(\S+)/.exec(output);
      if (match?.[1])
        resolveUrl({
          url: match[1],
          pid: child.pid,
          stop: () => {
            child.kill();
            rmSync(state, { recursive: true, force: true });
            rmSync(data, { recursive: true, force: true });
          },
        });
    });
    child.once('exit', (code) => reject(new Error(`serve mode exited early (code ${code ?? '?'}):\n${output}`)));
  });
}

class Client {
  private nextId = 1;
  private readonly pending = new Map<number, (r: Response) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = decodeFrame(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer) as WireMessage;
      if (message.kind !== 'response') return;
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
  }

  static async connect(url: string): Promise<Client> {
    const page = new URL(url);
    const ws = new WebSocket(`ws://${page.host}/rpc?token=${encodeURIComponent(page.searchParams.get('token') ?? '')}`, { headers: { origin: page.origin } });
    await new Promise<void>((done, fail) => {
      ws.once('open', () => done());
      ws.once('error', fail);
    });
    return new Client(ws);
  }

  call(method: string, input: unknown): Promise<Response> {
    const id = this.nextId++;
    return new Promise((done) => {
      this.pending.set(id, done);
      this.ws.send(Buffer.from(encodeFrame({ kind: 'request', id, method, input })));
    });
  }

  close(): void {
    this.ws.close();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

const serve = await startServe(values.app);
try {
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => Client.connect(serve.url)));
  const opened = await Promise.all(clients.map((c) => c.call('volume.openSample', {})));
  const metas = opened.map((r) => {
    if (!r.ok) throw new Error(`openSample failed: ${r.error.message}`);
    return (r.output as VolumeMessage).meta;
  });
  // One warm-up click per client (model load, first slice sent to the worker).
  const clickInput = (n: number, k: number): unknown => {
    const meta = metas[n];
    if (meta === undefined) throw new Error('no volume');
    const axis = (k % 3) as 0 | 1 | 2;
    const size = meta.geometry.size;
    const [w, h] = axis === 0 ? [size[1], size[2]] : axis === 1 ? [size[0], size[2]] : [size[0], size[1]];
    const jitter = (extent: number): number => Math.round(extent / 2 + (Math.random() - 0.5) * extent * 0.2);
    return { volumeId: meta.id, axis, slice: Math.floor(size[axis] / 2), clicks: [{ x: jitter(w), y: jitter(h), positive: true }], model: values.model };
  };
  await Promise.all(clients.map((c, n) => c.call('segmentation.clickToMask', clickInput(n, 0))));
  const latencies: number[] = [];
  /** Who answered (kind, and where it ran): a fallback to the classical segmenter shows here. */
  const answeredBy = new Map<string, number>();
  let errors = 0;
  let firstError = '';
  const cpuBefore = cpuSeconds(serve.pid);
  // The clients run here, on the same cores as serve: their share is printed beside serve's.
  const clientCpuBefore = process.cpuUsage();
  const end = performance.now() + WINDOW_MS;
  await Promise.all(
    clients.map(async (client, n) => {
      for (let k = 1; performance.now() < end; k++) {
        const started = performance.now();
        const reply = await client.call('segmentation.clickToMask', clickInput(n, k));
        latencies.push(performance.now() - started);
        if (reply.ok) {
          const { kind, ranIn, modelId } = reply.output as { kind?: string; ranIn?: string; modelId?: string };
          const who = `${modelId ?? kind ?? '?'} (${kind ?? '?'}) in ${ranIn ?? '?'}`;
          answeredBy.set(who, (answeredBy.get(who) ?? 0) + 1);
        }
        if (!reply.ok) {
          errors++;
          firstError ||= reply.error.message;
        }
      }
    }),
  );
  const memory = workerMemory(serve.pid);
  const cpuAfter = cpuSeconds(serve.pid);
  const clientCpu = process.cpuUsage(clientCpuBefore);
  for (const c of clients) c.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(
    `${CLIENTS} clients, ${values.seconds} s, engine ${values.model}, app ${values.app}: ${latencies.length} clicks (${(latencies.length / (WINDOW_MS / 1000)).toFixed(1)}/s), ` +
      `p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms, errors ${errors}${firstError ? ` (${firstError})` : ''}; ` +
      `answered by ${[...answeredBy].map(([who, n]) => `${who} ${n}`).join(', ')}`,
  );
  const cpuPerClick = [...cpuAfter].map(([who, after]) => `${who} ${(((after - (cpuBefore.get(who) ?? 0)) * 1000) / Math.max(1, latencies.length)).toFixed(1)}`);
  cpuPerClick.push(`bench clients ${((clientCpu.user + clientCpu.system) / 1000 / Math.max(1, latencies.length)).toFixed(1)}`);
  console.log(`CPU ms per click: ${cpuPerClick.join(', ')}`);
  console.log(`inference workers${values.workers === undefined ? '' : ` (asked for ${values.workers})`}: ${memory}`);
} finally {
  serve.stop();
}
