/**
 * Serve mode: the renderer bundle over HTTP and the services over a WebSocket, on 127.0.0.1 only.
 * Every socket must present the per-run token (compared in constant time) and come from our own
 * origin; every frame is decoded defensively and every input validated by `dispatch`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { dispatch, type ServiceHandlers } from '../common/dispatch';
import type { EventName, EventPayload } from '../common/contract';
import { decodeFrame, encodeFrameParts, frameLength, MAX_FRAME_BYTES, WireFormatError, type WireMessage } from '../common/wire';
import { clientScope, type ClientScope } from '../node/client-scope';
import { contentTypeOf, resolveStaticPath } from '../node/static-files';
import { BulkBuffers } from './bulk-buffers';

export interface ServeOptions {
  handlers: ServiceHandlers;
  staticDir: string;
  port?: number;
  token?: string;
  log?: (message: string) => void;
  /** Largest frame accepted (default MAX_FRAME_BYTES); ws closes the socket at a larger one's header. */
  maxFrameBytes?: number;
  /** Where each call learns its client, and what a closed connection held is let go. */
  scope?: ClientScope;
  /** Reply buffers from this size go over HTTP to pages that ask (default BULK_MIN_BYTES, 1 MiB). */
  bulkMinBytes?: number;
}

export interface ServeHandle {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  broadcast<E extends EventName>(name: E, payload: EventPayload<E>): void;
  /** Sends an event to one client (its id is the `ClientScope` id its calls run under); a gone client misses it. */
  sendTo<E extends EventName>(clientId: string, name: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}


const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws://127.0.0.1:*; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function toArrayBuffer(data: RawData): ArrayBuffer | undefined {
  if (Array.isArray(data)) data = Buffer.concat(data);
  if (data instanceof ArrayBuffer) return data;
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

/**
 * A page reached under another host name (DNS rebinding: evil.example resolving to 127.0.0.1) sends
 * that name; only the loopback names we listen on are ours.
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`].includes(host.toLowerCase());
}

export async function startServeServer(options: ServeOptions): Promise<ServeHandle> {
  const token = options.token ?? newToken();
  const log = options.log ?? ((m: string) => console.log(m));
  const sockets = new Set<WebSocket>();
  const socketOf = new Map<string, WebSocket>();
  // ISEG_TRACE=1 logs each call's time in the handler and in sending, for profiling.
  const trace = process.env.ISEG_TRACE === '1';

  const scope = options.scope ?? clientScope;
  let port = 0;

  const http: Server = createServer((request, response) => {
    if (!hostAllowed(request.headers.host, port)) {
      response.writeHead(421, SECURITY_HEADERS).end('This server answers only to 127.0.0.1 and localhost.');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, SECURITY_HEADERS).end();
      return;
    }
    if (request.url?.startsWith('/bulk/') === true) {
      serveBulk(request, response);
      return;
    }
    const path = resolveStaticPath(options.staticDir, request.url ?? '/');
    const type = path ? contentTypeOf(path) : undefined;
    if (!path || !type) {
      response.writeHead(404, SECURITY_HEADERS).end('Not found');
      return;
    }
    readFile(path).then(
      (body) => response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': type }).end(body),
      () => response.writeHead(404, SECURITY_HEADERS).end('Not found'),
    );
  });

  // Large reply buffers for pages that asked for them over HTTP (`bulk=http` on the socket's URL).
  const bulk = new BulkBuffers(options.bulkMinBytes);
  const bulkSockets = new WeakSet<WebSocket>();
  const serveBulk = (request: IncomingMessage, response: ServerResponse): void => {
    const url = URL.canParse(request.url ?? '/', 'http://127.0.0.1') ? new URL(request.url ?? '/', 'http://127.0.0.1') : undefined;
    if (url === undefined || !tokenMatches(token, url.searchParams.get('token'))) {
      response.writeHead(401, SECURITY_HEADERS).end();
      return;
    }
    const parts = bulk.take(url.pathname.slice('/bulk/'.length));
    if (parts === undefined) {
      response.writeHead(404, SECURITY_HEADERS).end('This buffer was fetched already or has expired.');
      return;
    }
    const bytes = frameLength(parts);
    response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'application/octet-stream', 'Content-Length': bytes });
    if (request.method !== 'HEAD') for (const part of parts) response.write(part);
    response.end();
    if (trace) {
      const started = performance.now();
      response.once('finish', () => log(`[trace] bulk GET: ${(bytes / 2 ** 20).toFixed(1)} MiB written in ${(performance.now() - started).toFixed(0)} ms`));
    }
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? MAX_FRAME_BYTES });
  let origin = '';

  http.on('upgrade', (request: IncomingMessage, socket, head) => {
    // new URL throws on a target such as "//[": in an event listener, an uncaught exception and
    // the end of serve mode.
    const url = URL.canParse(request.url ?? '/', 'http://127.0.0.1') ? new URL(request.url ?? '/', 'http://127.0.0.1') : undefined;
    const fromOwnPage = request.headers.origin === undefined || request.headers.origin === origin;
    const allowed =
      url !== undefined && hostAllowed(request.headers.host, port) && url.pathname === '/rpc' && tokenMatches(token, url.searchParams.get('token'));
    if (!allowed || !fromOwnPage) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (url.searchParams.get('bulk') === 'http') bulkSockets.add(ws);
      wss.emit('connection', ws, request);
    });
  });

  const send = (ws: WebSocket, message: WireMessage): void => {
    if (ws.readyState !== ws.OPEN) return;
    let parts: Uint8Array[];
    try {
      parts = encodeFrameParts(message, bulkSockets.has(ws) ? bulk.detach : undefined);
      // Many small buffers that add up (a propagation event's slices): the whole frame over HTTP.
      const apart = bulkSockets.has(ws) ? bulk.holdFrame(parts) : undefined;
      if (apart !== undefined) parts = encodeFrameParts({ kind: 'elsewhere', id: apart, bytes: frameLength(parts) } satisfies WireMessage);
    } catch (error) {
      log(`Could not encode a reply: ${error instanceof Error ? error.message : String(error)}`);
      if (message.kind !== 'response') return;
      parts = encodeFrameParts({ kind: 'response', id: message.id, ok: false, error: { code: 'internal', message: 'The reply could not be sent.' } });
    }
    // Fragments of one message: the voxels are written from where they lie, not copied into a frame.
    parts.forEach((part, n) => {
      ws.send(part, { binary: true, fin: n === parts.length - 1 });
    });
  };

  wss.on('connection', (ws: WebSocket) => {
    // What this connection opens is held for it alone, and let go when it closes.
    const clientId = randomUUID();
    // No copy of the buffered frame: ws hands over the ArrayBuffer it assembled.
    ws.binaryType = 'arraybuffer';
    sockets.add(ws);
    socketOf.set(clientId, ws);
    let released = false;
    const gone = (): void => {
      sockets.delete(ws);
      socketOf.delete(clientId);
      if (released) return;
      released = true;
      scope.release(clientId);
    };
    ws.on('close', gone);
    ws.on('error', (error) => {
      log(`A client connection failed: ${error.message}`);
      gone();
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      scope
        .run(clientId, () => handleFrame(ws, isBinary ? toArrayBuffer(data) : undefined))
        .catch((error: unknown) => {
          // handleFrame answers every failure it knows of; this is the net under it.
          log(`Could not handle a frame: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        });
    });
  });

  const handleFrame = async (ws: WebSocket, frame: ArrayBuffer | undefined): Promise<void> => {
    let message: unknown;
    try {
      if (!frame) throw new WireFormatError('text frames are not accepted');
      message = decodeFrame(frame);
    } catch (error) {
      const why = error instanceof WireFormatError ? `: ${error.message.replace(/\.$/, '')}` : '';
      const id = error instanceof WireFormatError ? (error.requestId ?? -1) : -1;
      send(ws, { kind: 'response', id, ok: false, error: { code: 'bad-request', message: `Malformed frame${why}.` } });
      return;
    }
    const request = message as Partial<Extract<WireMessage, { kind: 'request' }>> | null;
    const id = typeof request?.id === 'number' && Number.isSafeInteger(request.id) ? request.id : -1;
    if (request?.kind !== 'request' || id < 0) {
      send(ws, { kind: 'response', id, ok: false, error: { code: 'bad-request', message: 'Malformed request.' } });
      return;
    }
    const started = performance.now();
    const result = await dispatch(options.handlers, request.method, request.input, {
      onInternalError: (method, error) => {
        log(`Internal error in ${method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      },
    });
    const handled = performance.now();
    send(ws, result.ok ? { kind: 'response', id, ok: true, output: result.output } : { kind: 'response', id, ok: false, error: result.error });
    if (trace) {
      const method = typeof request.method === 'string' ? request.method.slice(0, 64) : '?';
      log(`[trace] ${method}: handled in ${(handled - started).toFixed(0)} ms, sent in ${(performance.now() - handled).toFixed(0)} ms`);
    }
  };

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => {
      resolve();
    });
  });
  port = (http.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    broadcast: (name, payload) => {
      for (const ws of sockets) send(ws, { kind: 'event', name, payload });
    },
    sendTo: (clientId, name, payload) => {
      const ws = socketOf.get(clientId);
      if (ws) send(ws, { kind: 'event', name, payload });
    },
    close: async () => {
      for (const ws of sockets) ws.terminate();
      bulk.clear();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
