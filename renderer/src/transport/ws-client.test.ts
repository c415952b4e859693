import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import { CallError } from '../../../electron/common/contract';
import { decodeFrame, encodeFrame, encodeFrameParts, frameLength, type WireMessage } from '../../../electron/common/wire';
import type { ConnectionState } from './connection';
import { reconnectDelayMs } from './connection';
import { syntheticVolume } from '../testing/fake-client';
import { bulkAddress, WebSocketClient } from './ws-client';

(globalThis as { WebSocket?: unknown }).WebSocket ??= NodeWebSocket;

const servers: WebSocketServer[] = [];
const clients: WebSocketClient[] = [];

/** A server that answers app.getInfo, or holds every call unanswered when `silent`. */
function serve(port = 0, silent = false): Promise<WebSocketServer> {
  return new Promise((resolve) => {
    const server = new WebSocketServer({ port, host: '127.0.0.1' }, () => {
      resolve(server);
    });
    servers.push(server);
    server.on('connection', (socket) => {
      socket.on('message', (data: Buffer) => {
        if (silent) return;
        const request = decodeFrame(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer) as Extract<WireMessage, { kind: 'request' }>;
        const output = { name: 'iSeg Studio', version: '0', transport: 'serve', platform: 'test', inference: { state: 'ready', restarts: 0 } };
        socket.send(encodeFrame({ kind: 'response', id: request.id, ok: true, output }));
      });
    });
  });
}

function stop(server: WebSocketServer): Promise<void> {
  for (const socket of server.clients) socket.terminate();
  return new Promise((resolve) => server.close(() => resolve()));
}

function nextState(client: WebSocketClient, wanted: ConnectionState): Promise<void> {
  return new Promise((resolve) => {
    const off = client.onConnectionChange((state) => {
      if (state !== wanted) return;
      off();
      resolve();
    });
  });
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) await stop(server).catch(() => undefined);
});

describe('WebSocketClient', () => {
  it('fails a call in flight when the connection drops, and every call until it is back', async () => {
    const server = await serve(0, true);
    const port = (server.address() as AddressInfo).port;
    const client = await WebSocketClient.connect(`ws://127.0.0.1:${port}/`);
    clients.push(client);
    const inFlight = client.call('app.getInfo', {});
    const lost = nextState(client, 'lost');
    await stop(server);
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected' });
    await lost;
    expect(client.connection).toBe('lost');
    const whileLost = client.call('app.getInfo', {});
    await expect(whileLost).rejects.toBeInstanceOf(CallError);
    await expect(whileLost).rejects.toThrow(/labels are kept in this page/);
  });

  it('reconnects to a server restarted on the same port', async () => {
    const first = await serve();
    const port = (first.address() as AddressInfo).port;
    const client = await WebSocketClient.connect(`ws://127.0.0.1:${port}/`);
    clients.push(client);
    expect((await client.call('app.getInfo', {})).transport).toBe('serve');
    const lost = nextState(client, 'lost');
    await stop(first);
    await lost;
    const back = nextState(client, 'open');
    await serve(port);
    await back;
    expect((await client.call('app.getInfo', {})).name).toBe('iSeg Studio');
  });

  it('waits longer between attempts, up to a few seconds', () => {
    expect([0, 1, 2, 3, 4, 10].map(reconnectDelayMs)).toEqual([250, 500, 1000, 2000, 4000, 4000]);
  });
});

describe('bulk data address', () => {
  it('is the socket address over HTTP, with its token and without the bulk flag', () => {
    expect(bulkAddress('ws://127.0.0.1:5000/rpc?token=a%2Bb&bulk=http', 'Xy_9-abcdef')).toBe('http://127.0.0.1:5000/bulk/Xy_9-abcdef?token=a%2Bb');
  });
});

/** A valid one-voxel `volume.preview` payload (int16: two bytes a slice). */
const PREVIEW = {
  previewId: 'open-1',
  meta: syntheticVolume({ size: [1, 1, 1] }).meta,
  center: [0, 0, 0],
  planes: [new ArrayBuffer(2), new ArrayBuffer(2), new ArrayBuffer(2)],
  windowLevel: { window: 1, level: 0 },
};

describe('bulk data after a preview', () => {
  it('is fetched once the frame after the preview has been drawn (it reaches the screen before the voxels)', async () => {
    const voxels = new Uint8Array(2048).fill(7);
    const log: string[] = [];
    const http: Server = createServer((request, response) => {
      log.push(`GET ${request.url?.split('?')[0] ?? ''}`);
      response.end(Buffer.from(voxels));
    });
    const sockets = new WebSocketServer({ server: http });
    sockets.on('connection', (socket) => {
      socket.on('message', (data: Buffer) => {
        const request = decodeFrame(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer) as Extract<WireMessage, { kind: 'request' }>;
        socket.send(encodeFrame({ kind: 'event', name: 'volume.preview', payload: PREVIEW }));
        const parts = encodeFrameParts({ kind: 'response', id: request.id, ok: true, output: { name: 'x', labelMap: { componentType: 'uint8', voxels: voxels.slice().buffer } } }, () => 'held-0001');
        socket.send(Buffer.concat(parts, frameLength(parts)));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const frames: (() => void)[] = [];
    const globals = globalThis as { requestAnimationFrame?: (callback: () => void) => number };
    const before = globals.requestAnimationFrame;
    globals.requestAnimationFrame = (callback) => frames.push(callback);
    try {
      const client = await WebSocketClient.connect(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/rpc?token=t`);
      clients.push(client);
      client.on('volume.preview', () => log.push('event'));
      const loaded = client.call('labels.load', { volumeId: 'v', path: '/x.nii.gz' });
      for (let waited = 0; frames.length === 0 && waited < 400; waited++) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(frames.length).toBeGreaterThan(0);
      expect(log).toEqual(['event']);
      for (const frame of frames.splice(0)) frame();
      const answer = await loaded;
      expect(log).toEqual(['event', 'GET /bulk/held-0001']);
      expect(new Uint8Array(answer.labelMap.voxels)).toEqual(voxels);

      // A hidden page draws no frames: the data comes anyway, a tenth of a second later.
      log.length = 0;
      const hidden = client.call('labels.load', { volumeId: 'v', path: '/x.nii.gz' });
      expect(new Uint8Array((await hidden).labelMap.voxels)).toEqual(voxels);
      expect(log).toEqual(['event', 'GET /bulk/held-0001']);
    } finally {
      globals.requestAnimationFrame = before;
      sockets.close();
      http.close();
    }
  });
});
