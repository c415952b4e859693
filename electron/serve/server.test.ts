import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { get as httpGet } from 'node:http';
import { binaryFrameHeader, rawUpgrade } from '../node/testing/raw-websocket';
import type { WorkerStatus } from '../common/contract';
import { decodeFrame, decodeFrameFetching, encodeFrame, MAX_FRAME_BYTES, type WireMessage } from '../common/wire';
import { InferenceHost } from '../node/inference-host';
import { FileAccessPolicy } from '../node/file-access';
import { writeVolume } from '../node/io/write-volume';
import { makeKneePhantom } from '../common/phantom';
import { packSeedRuns } from '../common/propagation/seed-runs';
import { writeSyntheticSeries } from '../node/io/test-support/synthetic-dicom';
import { mkdirSync } from 'node:fs';
import { nodeWorkerLauncher } from '../node/worker-process';
import { buildWorkerForTests } from '../node/testing/build-worker';
import { serviceHandlersForTests } from '../node/testing/service-handlers';
import { ClientEvents } from '../node/client-events';
import { startServeServer, tokenMatches, type ServeHandle } from './server';

let server: ServeHandle;
let handlers: ReturnType<typeof serviceHandlersForTests>;
let staticDir = '';
let inference: InferenceHost;

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'iseg-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>iSeg</title>');
  await writeVolume(makeKneePhantom({ size: [16, 12, 8] }).image, join(staticDir, 'phantom.nii.gz'));
  inference = new InferenceHost(nodeWorkerLauncher(await buildWorkerForTests()), { log: () => undefined, restartDelayMs: 20 });
  inference.start();
  const files = new FileAccessPolicy();
  await files.addRoot(staticDir);
  await files.setOutputFolder(staticDir);
  const events = new ClientEvents();
  handlers = serviceHandlersForTests(inference, files, staticDir, events);
  server = await startServeServer({ handlers, staticDir, log: () => undefined });
  inference.onStatus((status) => {
    server.broadcast('inference.status', status);
  });
  events.subscribe((clientId, name, payload) => {
    server.sendTo(clientId, name, payload);
  });
});

afterAll(async () => {
  inference.stop();
  await server.close();
});

/** A socket client for tests: sends frames, collects decoded messages. */
async function connect(url: string, headers: Record<string, string> = {}): Promise<{
  ws: WebSocket;
  call: (id: number, method: unknown, input: unknown) => Promise<Extract<WireMessage, { kind: 'response' }>>;
  sendRaw: (data: Buffer | string) => Promise<Extract<WireMessage, { kind: 'response' }>>;
  events: Extract<WireMessage, { kind: 'event' }>[];
}> {
  const ws = new WebSocket(url, { headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waiting: ((m: WireMessage) => void)[] = [];
  const events: Extract<WireMessage, { kind: 'event' }>[] = [];
  ws.on('message', (data: Buffer) => {
    const message = decodeFrame(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer) as WireMessage;
    if (message.kind === 'event') events.push(message);
    else waiting.shift()?.(message);
  });
  const next = (): Promise<Extract<WireMessage, { kind: 'response' }>> =>
    new Promise((resolve) => waiting.push((m) => resolve(m as Extract<WireMessage, { kind: 'response' }>)));
  return {
    ws,
    events,
    call: (id, method, input) => {
      const reply = next();
      ws.send(Buffer.from(encodeFrame({ kind: 'request', id, method, input })));
      return reply;
    },
    sendRaw: (data) => {
      const reply = next();
      ws.send(data);
      return reply;
    },
  };
}

function rpcUrl(token: string): string {
  return `ws://127.0.0.1:${server.port}/rpc?token=${encodeURIComponent(token)}`;
}

function expectRefused(url: string, headers: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => reject(new Error('connection was accepted')));
    ws.once('error', () => resolve());
  });
}

describe('serve mode', () => {
  it('binds to 127.0.0.1 and serves the renderer with a CSP', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const response = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`http://127.0.0.1:${server.port}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
  });

  it('refuses sockets without the token, with a wrong token, or from another origin', async () => {
    await expectRefused(`ws://127.0.0.1:${server.port}/rpc`);
    await expectRefused(rpcUrl('wrong-token'));
    await expectRefused(rpcUrl(`${server.token}x`));
    await expectRefused(rpcUrl(server.token), { Origin: 'https://evil.example' });
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
  });

  it('answers a good call with the sample volume as binary voxels', async () => {
    const client = await connect(rpcUrl(server.token));
    const reply = await client.call(1, 'volume.openSample', {});
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const output = reply.output as { meta: { geometry: { size: number[] }; componentType: string }; voxels: ArrayBuffer };
    const [nx = 0, ny = 0, nz = 0] = output.meta.geometry.size;
    expect(output.voxels.byteLength).toBe(nx * ny * nz * 2);
    expect(output.meta.componentType).toBe('int16');
    client.ws.close();
  });

  it('lists and opens images under its roots', async () => {
    const client = await connect(rpcUrl(server.token));
    const listing = await client.call(1, 'files.list', {});
    expect(listing.ok).toBe(true);
    const entries = listing.ok ? (listing.output as { entries: { name: string; path: string; kind: string }[] }).entries : [];
    const image = entries.find((e) => e.name === 'phantom.nii.gz');
    expect(image?.kind).toBe('image');
    expect(entries.some((e) => e.name === 'index.html')).toBe(false);
    const opened = await client.call(2, 'volume.openFile', { path: image?.path ?? '' });
    expect(opened).toMatchObject({ ok: true, output: { meta: { geometry: { size: [16, 12, 8] }, source: 'file' } } });
    const broken = join(staticDir, 'broken.nii.gz');
    writeFileSync(broken, 'not a nifti file at all');
    const refused = await client.call(3, 'volume.openFile', { path: broken });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unreadable' } });
    if (!refused.ok) expect(refused.error.message).toContain('broken.nii.gz');
    client.ws.close();
  });

  it("sends a large image's centre slices and window/level ahead of its voxels when the page asks", async () => {
    // 96 × 112 × 100 float32 voxels (4.1 MiB): large enough for a preview; voxel (i, j, k) holds i + 100 j + 10000 k.
    const size: [number, number, number] = [96, 112, 100];
    const voxels = new Float32Array(size[0] * size[1] * size[2]).map((_, n) => (n % 96) + 100 * (Math.floor(n / 96) % 112) + 10000 * Math.floor(n / (96 * 112)));
    const path = join(staticDir, 'large.nii.gz');
    await writeVolume({ geometry: { size, spacing: [1, 1, 1.5], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, componentType: 'float32', voxels }, path);
    const client = await connect(rpcUrl(server.token));
    const opened = await client.call(1, 'volume.openFile', { path, previewId: 'open-1' });
    expect(opened.ok).toBe(true);
    // The event came first, for this open, with the slices through the centre voxel (47, 55, 49).
    // (Other events, such as a worker's status from another test, may come too.)
    const previews = (): typeof client.events => client.events.filter((e) => e.name === 'volume.preview');
    expect(previews()).toHaveLength(1);
    const preview = previews()[0]?.payload as { previewId: string; meta: { id: string }; center: number[]; planes: ArrayBuffer[]; windowLevel: { window: number } };
    expect(preview.previewId).toBe('open-1');
    expect(preview.meta.id).toBe(opened.ok ? (opened.output as { meta: { id: string } }).meta.id : '');
    expect(preview.center).toEqual([47, 55, 49]);
    const [i, j, k] = preview.planes.map((b) => new Float32Array(b));
    expect([i?.length, j?.length, k?.length]).toEqual([112 * 100, 96 * 100, 96 * 112]);
    expect([i?.[0], i?.[1], i?.[112]]).toEqual([47, 147, 10047]);
    expect([j?.[0], j?.[1], j?.[96]]).toEqual([5500, 5501, 15500]);
    expect([k?.[0], k?.[1], k?.[96]]).toEqual([490000, 490001, 490100]);
    expect(preview.windowLevel.window).toBeGreaterThan(0);
    // No preview unless asked for, nor for an image that arrives about as soon.
    await client.call(2, 'volume.openFile', { path });
    await client.call(3, 'volume.openFile', { path: join(staticDir, 'phantom.nii.gz'), previewId: 'open-3' });
    expect(previews()).toHaveLength(1);
    client.ws.close();
  });

  it('sends large reply buffers over HTTP to a page that asks, once each, with the token', async () => {
    const bulkServer = await startServeServer({ handlers, staticDir, log: () => undefined, bulkMinBytes: 1024 });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${bulkServer.port}/rpc?token=${bulkServer.token}&bulk=http`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const frame = new Promise<ArrayBuffer>((resolve) =>
        ws.once('message', (data: Buffer) => resolve(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer)),
      );
      ws.send(Buffer.from(encodeFrame({ kind: 'request', id: 1, method: 'volume.openFile', input: { path: join(staticDir, 'phantom.nii.gz') } })));
      const received = await frame;
      expect(() => decodeFrame(received)).toThrow(/sent apart/);
      const base = `http://127.0.0.1:${bulkServer.port}/bulk/`;
      const ids: string[] = [];
      const message = (await decodeFrameFetching(received, async (id) => {
        ids.push(id);
        expect((await fetch(`${base}${id}`)).status).toBe(401);
        const response = await fetch(`${base}${id}?token=${bulkServer.token}`);
        expect(response.headers.get('content-type')).toBe('application/octet-stream');
        return response.arrayBuffer();
      })) as Extract<WireMessage, { kind: 'response'; ok: true }>;
      const voxels = (message.output as { voxels: ArrayBuffer }).voxels;
      expect(ids).toHaveLength(1);
      expect(voxels.byteLength).toBeGreaterThanOrEqual(16 * 12 * 8);
      expect((await fetch(`${base}${ids[0] ?? ''}?token=${bulkServer.token}`)).status).toBe(404);
      ws.close();
    } finally {
      await bulkServer.close();
    }
  });

  it('sends a large reply apart whole, and the socket carries only where to fetch it', async () => {
    // Every frame is "large" here: a propagation event's hundreds of small slices are the real case.
    const bulkServer = await startServeServer({ handlers, staticDir, log: () => undefined, bulkMinBytes: 1 });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${bulkServer.port}/rpc?token=${bulkServer.token}&bulk=http`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const frame = new Promise<ArrayBuffer>((resolve) =>
        ws.once('message', (data: Buffer) => resolve(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer)),
      );
      ws.send(Buffer.from(encodeFrame({ kind: 'request', id: 2, method: 'files.list', input: {} })));
      const pointer = decodeFrame(await frame) as WireMessage;
      expect(pointer).toMatchObject({ kind: 'elsewhere' });
      const { id, bytes } = pointer as Extract<WireMessage, { kind: 'elsewhere' }>;
      const whole = await (await fetch(`http://127.0.0.1:${bulkServer.port}/bulk/${id}?token=${bulkServer.token}`)).arrayBuffer();
      expect(whole.byteLength).toBe(bytes);
      expect(decodeFrame(whole)).toMatchObject({ kind: 'response', id: 2, ok: true, output: { entries: expect.any(Array) as unknown } });
      ws.close();
    } finally {
      await bulkServer.close();
    }
  });

  it('lists the series of a DICOM folder and opens the one picked', async () => {
    const folder = join(staticDir, 'two-series');
    mkdirSync(folder);
    await writeSyntheticSeries(folder, { uid: '1.2.3.1', count: 4, rows: 4, columns: 3 });
    await writeSyntheticSeries(folder, { uid: '1.2.3.2', count: 6, rows: 4, columns: 3 });
    const client = await connect(rpcUrl(server.token));
    const listed = await client.call(1, 'files.listSeries', { path: folder });
    expect(listed).toMatchObject({ ok: true });
    const series = listed.ok ? (listed.output as { series: { uid: string; fileCount: number }[] }).series : [];
    expect(series.map((s) => [s.uid, s.fileCount]).sort()).toEqual([['1.2.3.1', 4], ['1.2.3.2', 6]]);
    const ambiguous = await client.call(2, 'volume.openFile', { path: folder });
    expect(ambiguous).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    if (!ambiguous.ok) expect(ambiguous.error.message).toMatch(/2 DICOM series; choose one/);
    const picked = await client.call(3, 'volume.openFile', { path: folder, seriesUid: '1.2.3.2' });
    expect(picked).toMatchObject({ ok: true, output: { meta: { geometry: { size: [3, 4, 6] } } } });
    expect(await client.call(4, 'files.listSeries', { path: '/etc' })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    client.ws.close();
  });

  it('exports a label map in the image geometry and loads it back; refuses bad exports', async () => {
    const client = await connect(rpcUrl(server.token));
    const listing = await client.call(1, 'files.list', {});
    const entries = listing.ok ? (listing.output as { entries: { name: string; path: string }[] }).entries : [];
    const imagePath = entries.find((e) => e.name === 'phantom.nii.gz')?.path ?? '';
    const opened = await client.call(2, 'volume.openFile', { path: imagePath });
    const volumeId = opened.ok ? (opened.output as { meta: { id: string } }).meta.id : '';
    const labels = new Uint8Array(16 * 12 * 8);
    labels[5] = 2;
    labels[700] = 1;
    const provenance = { models: [], clicks: 3 };
    const segments = [
      { value: 1, name: 'femur', color: [255, 0, 0] },
      { value: 2, name: 'femoral cartilage', color: [0, 255, 0] },
    ];
    const out = join(staticDir, 'labels.nii.gz');
    const exported = await client.call(3, 'labels.export', {
      volumeId,
      path: out,
      labelMap: { componentType: 'uint8', voxels: labels.buffer },
      labels: segments,
      provenance,
    });
    expect(exported).toMatchObject({ ok: true, output: { componentType: 'uint8' } });
    const loaded = await client.call(4, 'labels.load', { volumeId, path: out });
    expect(loaded.ok).toBe(true);
    if (loaded.ok) {
      const output = loaded.output as { labelMap: { voxels: ArrayBuffer }; sidecar?: { labels: unknown[]; provenance: { clicks: number } } };
      expect(Array.from(new Uint8Array(output.labelMap.voxels))).toEqual(Array.from(labels));
      expect(output.sidecar?.labels).toHaveLength(2);
      expect(output.sidecar?.provenance.clicks).toBe(3);
    }
    const base = { volumeId, labels: segments, provenance };
    const wrongSize = await client.call(5, 'labels.export', { ...base, path: join(staticDir, 'x.nii.gz'), labelMap: { componentType: 'uint8', voxels: new ArrayBuffer(10) } });
    expect(wrongSize).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const outside = await client.call(6, 'labels.export', { ...base, path: '/tmp/iseg-outside.nii.gz', labelMap: { componentType: 'uint8', voxels: labels.buffer } });
    expect(outside).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    const unknownVolume = await client.call(7, 'labels.load', { volumeId: 'nope', path: out });
    expect(unknownVolume).toMatchObject({ ok: false, error: { code: 'not-found' } });
    // A label map of another size is refused with what differs, and nothing is loaded.
    await writeVolume(makeKneePhantom({ size: [10, 12, 8] }).labels, join(staticDir, 'other.nii.gz'));
    const mismatch = await client.call(8, 'labels.load', { volumeId, path: join(staticDir, 'other.nii.gz') });
    expect(mismatch).toMatchObject({ ok: false, error: { code: 'geometry-mismatch' } });
    if (!mismatch.ok) expect(mismatch.error.message).toMatch(/size/);
    client.ws.close();
  });

  it('saves a session and reads it back; refuses a session naming files outside the roots', async () => {
    const client = await connect(rpcUrl(server.token));
    const imagePath = join(staticDir, 'phantom.nii.gz');
    const opened = await client.call(1, 'volume.openFile', { path: imagePath });
    const volumeId = opened.ok ? (opened.output as { meta: { id: string } }).meta.id : '';
    const labelsPath = join(staticDir, 'session-labels.nii.gz');
    await client.call(2, 'labels.export', {
      volumeId,
      path: labelsPath,
      labelMap: { componentType: 'uint8', voxels: new Uint8Array(16 * 12 * 8).fill(1).buffer },
      labels: [{ value: 1, name: 'femur', color: [1, 2, 3] }],
      provenance: { models: [], clicks: 0 },
    });
    const sessionPath = join(staticDir, 'work.iseg.json');
    expect(await client.call(3, 'session.write', { path: sessionPath, volumeId, labelsPath, activeSegment: 1 })).toMatchObject({ ok: true });
    const read = await client.call(4, 'session.read', { path: sessionPath });
    expect(read).toMatchObject({ ok: true, output: { imagePath, labelsPath, activeSegment: 1 } });
    const listing = await client.call(5, 'files.list', {});
    const entries = listing.ok ? (listing.output as { entries: { name: string; kind: string }[] }).entries : [];
    expect(entries.find((e) => e.name === 'work.iseg.json')?.kind).toBe('session');
    // A crafted session pointing outside the served folders does not open those files.
    const evil = join(staticDir, 'evil.iseg.json');
    writeFileSync(evil, JSON.stringify({ format: 'iseg-session', version: 1, image: '/etc/passwd', labels: '../../../etc/shadow', saved: 'x' }));
    expect(await client.call(6, 'session.read', { path: evil })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    writeFileSync(join(staticDir, 'bad.iseg.json'), '{"format":"something-else"}');
    expect(await client.call(7, 'session.read', { path: join(staticDir, 'bad.iseg.json') })).toMatchObject({ ok: false, error: { code: 'unreadable' } });
    const sample = await client.call(8, 'volume.openSample', {});
    const sampleId = sample.ok ? (sample.output as { meta: { id: string } }).meta.id : '';
    // The sample has no file, yet its session saves (issue 15): it names the sample, reopened from the app.
    const sampleSession = join(staticDir, 'sample.iseg.json');
    expect(await client.call(9, 'session.write', { path: sampleSession, volumeId: sampleId, labelsPath })).toMatchObject({ ok: true });
    expect(await client.call(10, 'session.read', { path: sampleSession })).toMatchObject({ ok: true, output: { sample: true, labelsPath } });
    client.ws.close();
  });

  it('fills between two annotated slices through the worker, pushing progress to the client that started it', async () => {
    const client = await connect(rpcUrl(server.token));
    const bystander = await connect(rpcUrl(server.token));
    const opened = await client.call(1, 'volume.openFile', { path: join(staticDir, 'phantom.nii.gz') });
    const volumeId = opened.ok ? (opened.output as { meta: { id: string } }).meta.id : '';
    const [nx, ny, nz] = [16, 12, 8];
    const seeds = new Uint8Array(nx * ny * nz);
    for (const k of [1, 6]) for (let j = 3; j < 9; j++) for (let i = 4; i < 12; i++) seeds[i + nx * (j + ny * k)] = 2;
    const started = await client.call(2, 'propagation.start', { jobId: 'fill1', volumeId, seedRuns: packSeedRuns(seeds), seedsType: 'uint8', method: 'interpolation', options: { axis: 2 } });
    expect(started).toMatchObject({ ok: true, output: { jobId: 'fill1' } });
    type Update = { slice: number; labels: ArrayBuffer };
    type Progress = { jobId: string; state: string; updates: Update[]; outcome?: { written: number[] }; error?: string };
    const progress = (): Progress[] => client.events.filter((e) => e.name === 'propagation.progress').map((e) => e.payload as Progress);
    for (let n = 0; n < 200 && !progress().some((p) => p.state !== 'running'); n++) await new Promise((resolve) => setTimeout(resolve, 25));
    const end = progress().find((p) => p.state !== 'running');
    if (end?.state === 'failed') throw new Error(`propagation failed: ${String(end.error)}`);
    expect(end?.state).toBe('done');
    expect(progress().every((p) => p.jobId === 'fill1')).toBe(true);
    // The decided slices came as events before or with the end, the 4 between 1 and 6 among them.
    const decided = new Map(progress().flatMap((p) => p.updates.map((u): [number, Uint8Array] => [u.slice, new Uint8Array(u.labels)])));
    for (const k of [2, 3, 4, 5]) expect(decided.get(k)?.[8 + nx * 6], `slice ${k} pushed and filled`).toBe(2);
    // Every slice the outcome names came as an update: the outcome carries no label map.
    expect([...decided.keys()].sort((a, b) => a - b)).toEqual(end?.outcome?.written);
    expect(end?.outcome).not.toHaveProperty('labels');
    expect(bystander.events.filter((e) => e.name === 'propagation.progress')).toEqual([]);
    client.ws.close();
    bystander.ws.close();
  });

  it('refuses hostile payloads and keeps serving on the same socket', async () => {
    const client = await connect(rpcUrl(server.token));
    expect(await client.sendRaw('{"kind":"request","id":1,"method":"app.getInfo","input":{}}')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await client.sendRaw(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]))).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await client.call(2, 'fs.readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await client.call(3, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await client.call(4, 'inference.ping', { echo: 'not a buffer' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await client.call(5, 'volume.openSample', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    // Files outside the session's roots cannot be opened or listed, whatever the path trick.
    for (const path of ['/etc/passwd', '../../../../etc/passwd', '/proc/self/environ']) {
      expect(await client.call(7, 'volume.openFile', { path })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    }
    expect(await client.call(8, 'files.list', { folder: '/' })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(await client.call(9, 'dialog.chooseImage', {})).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    const good = await client.call(6, 'inference.ping', { echo: new Uint8Array([9, 8, 7]).buffer });
    expect(good.ok).toBe(true);
    if (good.ok) expect(Array.from(new Uint8Array((good.output as { echo: ArrayBuffer }).echo))).toEqual([9, 8, 7]);
    client.ws.close();
  });

  it('keeps working when the inference worker is killed, and reports it coming back', async () => {
    const client = await connect(rpcUrl(server.token));
    const info = await client.call(1, 'app.getInfo', {});
    const pid = info.ok ? (info.output as { inference: WorkerStatus }).inference.pid : undefined;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid ?? 0, 'SIGKILL');
    while (!client.events.some((e) => (e.payload as WorkerStatus).state === 'ready')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const states = client.events.map((e) => (e.payload as WorkerStatus).state);
    expect(states).toContain('restarting');
    const after = await client.call(2, 'inference.ping', { echo: new ArrayBuffer(8) });
    expect(after.ok).toBe(true);
    const status = await client.call(3, 'inference.status', {});
    expect(status).toMatchObject({ ok: true, output: { state: 'ready', restarts: 1 } });
    client.ws.close();
  });
});

describe('serve mode boundary', () => {
  it('answers only to its own host names (DNS rebinding) and survives an unparsable upgrade target', async () => {
    const get = (host: string): Promise<number> =>
      new Promise((resolve, reject) => {
        httpGet({ host: '127.0.0.1', port: server.port, path: '/', headers: { Host: host } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).once('error', reject);
      });
    expect(await get(`127.0.0.1:${server.port}`)).toBe(200);
    expect(await get(`localhost:${server.port}`)).toBe(200);
    expect(await get(`evil.example:${server.port}`)).toBe(421);
    expect(await get('evil.example')).toBe(421);
    expect(await get(`127.0.0.1:${server.port + 1}`)).toBe(421);
    const path = `/rpc?token=${encodeURIComponent(server.token)}`;
    expect((await rawUpgrade(server.port, path, `evil.example:${server.port}`)).handshake).toMatch(/^HTTP\/1\.1 401/);
    // A request target new URL cannot parse once ended serve mode from inside the upgrade listener.
    expect((await rawUpgrade(server.port, '//[')).handshake).toMatch(/^HTTP\/1\.1 401/);
    const good = await rawUpgrade(server.port, path);
    expect(good.handshake).toMatch(/^HTTP\/1\.1 101/);
    good.socket.destroy();
  });

  it('refuses a frame over the limit from its header, without waiting for its bytes', async () => {
    const { socket, receivedAtLeast } = await rawUpgrade(server.port, `/rpc?token=${encodeURIComponent(server.token)}`);
    // A header claiming 250 MiB; none of the payload is sent.
    socket.write(binaryFrameHeader(250 * 2 ** 20));
    const reply = await receivedAtLeast(4, 2000);
    expect(reply[0]).toBe(0x88); // a close frame…
    expect(reply.readUInt16BE(2)).toBe(1009); // …"message too big"
    expect(MAX_FRAME_BYTES).toBeLessThan(250 * 2 ** 20);
    socket.destroy();
  });

  it('answers a labels.export nested 1,350 levels deep with a sentence and keeps serving', async () => {
    const client = await connect(rpcUrl(server.token));
    let deep: unknown = 1;
    for (let n = 0; n < 1350; n++) deep = [deep];
    const input = {
      volumeId: 'v',
      path: join(staticDir, 'out.nii.gz'),
      labelMap: { componentType: 'uint8', voxels: new ArrayBuffer(8) },
      labels: [],
      provenance: { models: [], clicks: 0, propagation: { settings: deep } },
    };
    expect(await client.call(1, 'labels.export', input)).toEqual({
      kind: 'response',
      id: 1,
      ok: false,
      error: { code: 'bad-request', message: 'Malformed frame: The message is nested more than 64 levels deep.' },
    });
    expect(await client.call(2, 'inference.status', {})).toMatchObject({ ok: true });
    client.ws.close();
  });

  it('keeps each client’s volume open whatever other clients open, and lets go of it on disconnect', async () => {
    const path = join(staticDir, 'phantom.nii.gz');
    const clients = await Promise.all([0, 1, 2].map(() => connect(rpcUrl(server.token))));
    const [first, second, third] = clients;
    if (!first || !second || !third) throw new Error('not connected');
    const idOf = (reply: Extract<WireMessage, { kind: 'response' }>): string => (reply.ok ? (reply.output as { meta: { id: string } }).meta.id : '');
    const mine = idOf(await first.call(1, 'volume.openFile', { path }));
    for (const [n, other] of [second, third, third, second].entries()) expect((await other.call(10 + n, 'volume.openFile', { path })).ok).toBe(true);
    const click = { volumeId: mine, axis: 2, slice: 4, clicks: [{ x: 8, y: 6, positive: true }], model: 'classical' };
    expect(await first.call(2, 'segmentation.clickToMask', click)).toMatchObject({ ok: true, output: { kind: 'classical' } });
    first.ws.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await second.call(3, 'segmentation.clickToMask', click)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    second.ws.close();
    third.ws.close();
  });
});
