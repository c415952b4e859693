/**
 * Fuzzes a running serve mode over loopback with malformed frames and prints what happened: crashes,
 * hangs (a frame left without an answer), the server's RSS before and after, and whether a valid
 * call is still answered. Prints figures; asserts nothing (exit code 1 only when the server died).
 *
 *   node scripts/build.mjs --quiet && npx vite-node scripts/fuzz-serve.ts -- [--frames N] [--seed N]
 *       [--connections N] [--seconds S] [--big-frames N]
 *
 * Kinds of frame, in turn: random bytes, truncated frames, frames whose length fields lie, nesting
 * up to 100,000 levels, wrong types, NaN and ±Infinity (1e999 in JSON), unknown methods, text
 * frames, long strings and lists, and real methods with random ids and paths. Then N frames of
 * 250 MiB at once (refused at their header) and N frames just under the frame limit (buffered,
 * then refused as malformed), with the server's peak RSS.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { METHOD_NAMES } from '../electron/common/contract';
import { mulberry32 } from '../electron/common/phantom';
import { decodeFrame, encodeFrame, MAX_FRAME_BYTES, type WireMessage } from '../electron/common/wire';
import { binaryFrameHeader, rawUpgrade } from '../electron/node/testing/raw-websocket';
import { startServe } from './serve-chromium.mjs';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    connections: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '600' },
    'big-frames': { type: 'string', default: '4' },
  },
});
const FRAMES = Number(values.frames);
const CONNECTIONS = Number(values.connections);
const DEADLINE = Date.now() + Number(values.seconds) * 1000;
const BIG_FRAMES = Number(values['big-frames']);
/** Frames sent on a connection before their answers are awaited. */
const BATCH = 16;
/** A frame with no answer within this long counts as a hang. */
const ANSWER_TIMEOUT_MS = 10_000;

// Seeded, so a run can be repeated.
const random = mulberry32(Number(values.seed));
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** A frame around a raw JSON header text (so it may hold what JSON.stringify never writes). */
function rawFrame(header: string, buffers: Uint8Array[] = []): Buffer {
  const json = Buffer.from(header, 'utf8');
  const tableEnd = (12 + json.length + 4 * buffers.length + 7) & ~7;
  let total = tableEnd;
  for (const b of buffers) total += (b.length + 7) & ~7;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(0x31475349, 0);
  out.writeUInt32LE(json.length, 4);
  json.copy(out, 8);
  out.writeUInt32LE(buffers.length, 8 + json.length);
  let offset = tableEnd;
  buffers.forEach((b, n) => {
    out.writeUInt32LE(b.length, 12 + json.length + 4 * n);
    out.set(b, offset);
    offset += (b.length + 7) & ~7;
  });
  return out;
}

const request = (id: number, method: unknown, input: unknown): Buffer => Buffer.from(encodeFrame({ kind: 'request', id, method, input }));

function nested(depth: number, open: string, close: string, leaf = '1'): string {
  return `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;
}

const WRONG_VALUES: unknown[] = [null, true, -1, 0, 2 ** 53, 1.5, '', 'x'.repeat(300), [], {}, [1, 2], { a: 1 }, '../../etc/passwd', '__proto__'];
const NON_FINITE = ['NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '1e-999', '-0'];

type Kind = (id: number) => Buffer | string;

const kinds: Record<string, Kind> = {
  'random bytes': () => Buffer.from(Array.from({ length: int(4096) }, () => int(256))),
  truncated: (id) => {
    const whole = request(id, 'labels.export', { volumeId: 'v', path: 'x.nii.gz', labelMap: { componentType: 'uint8', voxels: new ArrayBuffer(64) }, labels: [], provenance: { models: [], clicks: 1 } });
    return whole.subarray(0, int(whole.length));
  },
  'lying lengths': (id) => {
    const frame = request(id, 'inference.ping', { echo: new ArrayBuffer(32) });
    const headerLength = frame.readUInt32LE(4);
    const field = pick([4, 8 + headerLength, 12 + headerLength]);
    frame.writeUInt32LE(pick([0, 1, 0x7fffffff, 0xffffffff, int(2 ** 32), headerLength + 1]), field);
    return frame;
  },
  'deep nesting': (id) => {
    const depth = pick([65, 1000, 1350, 10_000, 100_000]);
    const value = random() < 0.5 ? nested(depth, '[', ']') : nested(depth, '{"a":', '}');
    const method = pick(['labels.export', 'inference.ping', 'segmentation.clickToMask']);
    return rawFrame(`{"kind":"request","id":${id},"method":"${method}","input":{"provenance":{"models":[],"clicks":0,"propagation":{"x":${value}}},"echo":${value}}}`);
  },
  'wrong types': (id) => {
    const input: Record<string, unknown> = { volumeId: pick(WRONG_VALUES), axis: pick(WRONG_VALUES), slice: pick(WRONG_VALUES), clicks: pick(WRONG_VALUES), path: pick(WRONG_VALUES), echo: pick(WRONG_VALUES) };
    const frame = pick([
      { kind: 'request', id, method: pick(METHOD_NAMES), input },
      { kind: pick(WRONG_VALUES), id, method: 'app.getInfo', input: {} },
      { kind: 'request', id: pick(WRONG_VALUES), method: 'app.getInfo', input: {} },
      pick(WRONG_VALUES),
    ]);
    return Buffer.from(encodeFrame(frame));
  },
  'NaN and infinities': (id) => {
    const v = (): string => pick(NON_FINITE);
    return rawFrame(
      `{"kind":"request","id":${id},"method":"segmentation.clickToMask","input":{"volumeId":"v","axis":2,"slice":${v()},"clicks":[{"x":${v()},"y":${v()},"positive":true}]}}`,
    );
  },
  'unknown methods': (id) => request(id, pick(['fs.readFile', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'x'.repeat(int(5000)), '', 42, null]), {}),
  'text frames': () => pick(['{"kind":"request","id":1,"method":"app.getInfo","input":{}}', '', 'x'.repeat(int(100_000))]),
  'long strings and lists': (id) =>
    random() < 0.5
      ? request(id, 'volume.openFile', { path: 'a'.repeat((1 << 20) + int(1 << 16)) })
      : request(id, 'labels.export', { labels: Array.from({ length: 65_536 + int(1 << 12) }, (_, n) => n) }),
  'real methods, random ids': (id) => {
    const method = pick(METHOD_NAMES);
    return request(id, method, {
      volumeId: Math.random().toString(36).slice(2),
      path: pick(['/etc/passwd', '../../..', 'nowhere.nii.gz', '/proc/self/environ', '']),
      axis: int(3),
      slice: int(10),
      clicks: [{ x: int(10), y: int(10), positive: true }],
    });
  },
};
const kindNames = Object.keys(kinds);

interface Client {
  ws: WebSocket;
  /** The next answer, or undefined after the timeout. */
  answer: (timeoutMs?: number) => Promise<Extract<WireMessage, { kind: 'response' }> | undefined>;
}

async function connect(url: string): Promise<Client> {
  // An all-zero mask: ws then sends a buffer as it is, without a masked copy of 250 MiB per frame.
  const ws = new WebSocket(url, { maxPayload: 1 << 30, generateMask: (mask: Buffer) => mask.fill(0) });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const queued: Extract<WireMessage, { kind: 'response' }>[] = [];
  const waiting: ((m: Extract<WireMessage, { kind: 'response' }>) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const message = decodeFrame(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer) as WireMessage;
    if (message.kind !== 'response') return;
    const next = waiting.shift();
    if (next) next(message);
    else queued.push(message);
  });
  return {
    ws,
    answer: (timeoutMs = ANSWER_TIMEOUT_MS) => {
      const ready = queued.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(settle), 1);
          resolve(undefined);
        }, timeoutMs);
        const settle = (m: Extract<WireMessage, { kind: 'response' }>): void => {
          clearTimeout(timer);
          resolve(m);
        };
        waiting.push(settle);
      });
    },
  };
}

const root = mkdtempSync(join(tmpdir(), 'iseg-fuzz-'));
const { url, child } = await startServe({ extraArgs: ['--root', root] });
let exited: string | undefined;
child.once('exit', (code, signal) => (exited = `exited with ${signal ?? `code ${String(code)}`}`));
/** A function, not a test of `exited` inline: TypeScript cannot see the exit handler assign it. */
const alive = (): boolean => exited === undefined;
let stderr = '';
child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
const pid = child.pid ?? 0;
const page = new URL(url);
const rpc = `ws://${page.host}/rpc?token=${encodeURIComponent(page.searchParams.get('token') ?? '')}`;

const probe = await connect(rpc);
const validCall = async (id: number): Promise<boolean> => {
  probe.ws.send(request(id, 'volume.openSample', {}));
  const reply = await probe.answer();
  return reply?.ok === true && (reply.output as { voxels?: ArrayBuffer }).voxels instanceof ArrayBuffer;
};
await validCall(1);
await new Promise((resolve) => setTimeout(resolve, 1000));
const idleRss = rssMiB(pid);

// Malformed frames over several connections at once, in batches of one kind: every frame of a
// batch is sent, then its answers are awaited (each frame gets exactly one; a missing one is a hang).
const perKind = new Map<string, { sent: number; answered: number; hangs: number; ms: number }>(kindNames.map((k) => [k, { sent: 0, answered: 0, hangs: 0, ms: 0 }]));
const rssDuring: number[] = [];
let sent = 0;
let closedByServer = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONNECTIONS }, async (_, c) => {
    let client = await connect(rpc);
    for (let batch = c; batch * BATCH < FRAMES && Date.now() < DEADLINE && alive(); batch += CONNECTIONS) {
      const kind = kindNames[batch % kindNames.length] ?? '';
      const counts = perKind.get(kind) ?? { sent: 0, answered: 0, hangs: 0, ms: 0 };
      const size = Math.min(BATCH, FRAMES - batch * BATCH);
      const sentAt = performance.now();
      for (let n = 0; n < size; n++) {
        const frame = (kinds[kind] as Kind)(batch * BATCH + n + 10);
        client.ws.send(frame, { binary: typeof frame !== 'string' });
      }
      sent += size;
      counts.sent += size;
      for (let n = 0; n < size; n++) {
        const reply = await client.answer();
        if (reply) counts.answered++;
        else if (client.ws.readyState !== WebSocket.OPEN) {
          // The server may close a socket (a frame over the limit): an answer, not a hang.
          closedByServer++;
          counts.answered += size - n;
          client = await connect(rpc);
          break;
        } else counts.hangs++;
      }
      counts.ms += performance.now() - sentAt;
      if (c === 0 && batch % (CONNECTIONS * 25) === 0 && alive()) rssDuring.push(rssMiB(pid));
    }
    client.ws.close();
  }),
);
const fuzzSeconds = (performance.now() - started) / 1000;
const afterFuzzRss = alive() ? rssMiB(pid) : NaN;

// N frames of 250 MiB at once, header and payload written as fast as the socket takes them: the
// server must refuse each from its header (its close frame comes back) without buffering it.
const big = Buffer.alloc(250 << 20, 0x5a);
const rpcPath = `/rpc?token=${encodeURIComponent(page.searchParams.get('token') ?? '')}`;
const bigSockets = await Promise.all(Array.from({ length: BIG_FRAMES }, () => rawUpgrade(Number(page.port), rpcPath)));
let peakRss = rssMiB(pid);
const sampler = setInterval(() => {
  if (alive()) peakRss = Math.max(peakRss, rssMiB(pid));
}, 20);
const bigStarted = performance.now();
const refusals = await Promise.all(
  bigSockets.map(async (raw) => {
    raw.socket.write(binaryFrameHeader(big.length));
    raw.socket.write(big);
    const reply = await raw.receivedAtLeast(4, 30_000);
    const ms = performance.now() - bigStarted;
    raw.socket.destroy();
    return { code: reply[0] === 0x88 && reply.length >= 4 ? reply.readUInt16BE(2) : -1, ms };
  }),
);
const bigPeakRss = peakRss;
// The same number of frames just under the limit: buffered (as a label map would be), then refused.
const nearLimit = Buffer.alloc(MAX_FRAME_BYTES - 64, 0x5a);
const nearClients = await Promise.all(Array.from({ length: BIG_FRAMES }, () => connect(rpc)));
const nearStarted = performance.now();
const nearAnswers = await Promise.all(
  nearClients.map(async (client) => {
    client.ws.send(nearLimit);
    // Hundreds of MiB through loopback on a busy machine take a while: only a long silence is a hang.
    const reply = await client.answer(120_000);
    client.ws.close();
    return { answered: reply !== undefined, ms: performance.now() - nearStarted };
  }),
);
clearInterval(sampler);
const nearPeakRss = peakRss;
await new Promise((resolve) => setTimeout(resolve, 3000));
const finalRss = alive() ? rssMiB(pid) : NaN;
const stillAnswers = alive() ? await validCall(2) : false;

const hangs = [...perKind.values()].reduce((sum, k) => sum + k.hangs, 0);
const stacks = (stderr.match(/\n\s+at /g) ?? []).length;
console.log(`fuzz-serve: seed ${values.seed}, ${sent} malformed frames over ${CONNECTIONS} connections in ${fuzzSeconds.toFixed(1)} s`);
console.log(`kind                        sent  answered  hangs  ms per frame (batches of ${BATCH}, ${CONNECTIONS} connections at once)`);
for (const [kind, k] of perKind) {
  console.log(`${kind.padEnd(26)} ${String(k.sent).padStart(6)} ${String(k.answered).padStart(9)} ${String(k.hangs).padStart(6)}  ${(k.ms / Math.max(1, k.sent)).toFixed(1).padStart(8)}`);
}
console.log(`sockets closed by the server (frame over the limit): ${closedByServer}`);
console.log(`server RSS during the malformed frames (MiB, every ${CONNECTIONS * 25 * BATCH} frames): ${rssDuring.map((r) => r.toFixed(0)).join(', ')}`);
console.log(`${BIG_FRAMES} × 250 MiB frames at once: refused (close code ${[...new Set(refusals.map((r) => r.code))].join(', ')}) after ${refusals.map((r) => r.ms.toFixed(0)).join(', ')} ms; server peak RSS ${bigPeakRss.toFixed(0)} MiB`);
console.log(`${BIG_FRAMES} × ${MAX_FRAME_BYTES / 2 ** 20} MiB frames at once (64 bytes under the limit): ${nearAnswers.filter((a) => a.answered).length} answered after ${nearAnswers.map((a) => a.ms.toFixed(0)).join(', ')} ms; server peak RSS ${nearPeakRss.toFixed(0)} MiB`);
console.log(`server RSS: idle ${idleRss.toFixed(0)} MiB, after the malformed frames ${afterFuzzRss.toFixed(0)} MiB, 3 s after the big frames ${finalRss.toFixed(0)} MiB (${(finalRss / idleRss).toFixed(2)}× idle)`);
console.log(`crashes: ${alive() ? 0 : 1}${exited ? ` (${exited})` : ''}; hangs: ${hangs}; stack traces on stderr: ${stacks}; a valid call still answered: ${stillAnswers ? 'yes' : 'no'}`);
if (stderr.includes('unexpected error was caught')) console.log('note: the unhandled-rejection net caught an error (see stderr).');

probe.ws.close();
child.kill('SIGTERM');
rmSync(root, { recursive: true, force: true });
process.exit(alive() ? 0 : 1);
