/**
 * The service client over serve mode's WebSocket, speaking the binary frames of common/wire. When
 * the connection drops, every call in flight fails at once, and so does every call made until it
 * is back; meanwhile it reconnects to the same address (a restarted server keeps its token).
 */
import {
  CallError,
  methods,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type ServiceClient,
} from '../../../electron/common/contract';
import { decodeFrameFetching, encodeFrame, frameTooBig, type WireMessage } from '../../../electron/common/wire';
import { reconnectDelayMs, type ConnectionAware, type ConnectionState } from './connection';
import { EventHub } from './event-hub';
import { readBodyInto } from './read-body';

interface Pending {
  method: MethodName;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const LOST = 'The connection to iSeg Studio was lost; the labels are kept in this page while it reconnects.';

/**
 * The socket's address asks the server to send large buffers apart, for `fetchBulk` to get over
 * HTTP (see electron/serve/bulk-buffers.ts for why).
 */
function withBulkOverHttp(url: string): string {
  const address = new URL(url);
  address.searchParams.set('bulk', 'http');
  return address.toString();
}

/** The HTTP address of a buffer sent apart: same host and token as the socket. */
export function bulkAddress(socketUrl: string, id: string): string {
  const address = new URL(socketUrl);
  address.protocol = address.protocol === 'wss:' ? 'https:' : 'http:';
  address.pathname = `/bulk/${encodeURIComponent(id)}`;
  address.searchParams.delete('bulk');
  return address.toString();
}

const FRAME_WAIT_MS = 100;

function pageHidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}

/** Calls `done` at the next animation frame, or after `ms` if none comes (a hidden page has none). */
function requestAnimationFrameOr(ms: number, done: () => void): void {
  let called = false;
  const once = (): void => {
    if (called) return;
    called = true;
    done();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(once);
  setTimeout(once, ms);
}

async function fetchBulk(socketUrl: string, id: string, bytes: number): Promise<ArrayBuffer> {
  const response = await fetch(bulkAddress(socketUrl, id), { cache: 'no-store' });
  if (!response.ok) throw new Error(`iSeg Studio answered ${response.status} for a reply's data.`);
  return readBodyInto(response.body, bytes);
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(withBulkOverHttp(url));
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('open', () => {
      resolve(socket);
    });
    socket.addEventListener('error', () => {
      reject(new CallError('disconnected', 'Could not connect to iSeg Studio (is `npm run serve` running, and is the token in the address?).'));
    });
  });
}

export class WebSocketClient implements ServiceClient, ConnectionAware {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly hub = new EventHub();
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>();
  connection: ConnectionState = 'open';
  private closed = false;
  /** Frames are handled one after another, in arrival order, even when one waits for its bulk data. */
  private receiving: Promise<void> = Promise.resolve();
  /** A preview was delivered since the last animation frame (what it asked to draw is not on screen yet). */
  private previewSinceFrame = false;

  private constructor(
    private readonly url: string,
    private socket: WebSocket,
  ) {
    this.attach(socket);
  }

  static async connect(url: string): Promise<WebSocketClient> {
    return new WebSocketClient(url, await openSocket(url));
  }

  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    if (this.connection !== 'open' || this.socket.readyState !== WebSocket.OPEN) return Promise.reject(new CallError('disconnected', LOST));
    const id = this.nextId++;
    return new Promise<MethodOutput<M>>((resolve, reject) => {
      const frame = encodeFrame({ kind: 'request', id, method, input } satisfies WireMessage);
      // The server would close the connection on a larger frame; fail this call alone, and say why.
      const tooBig = frameTooBig(frame.byteLength);
      if (tooBig !== undefined) {
        reject(new CallError('bad-request', tooBig));
        return;
      }
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      try {
        this.socket.send(frame);
      } catch (error) {
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.hub.on(event, listener);
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** Stops reconnecting (tests, page teardown). */
  close(): void {
    this.closed = true;
    this.socket.close();
  }

  /** A call, not a field read, so the check after an await is not narrowed away. */
  private isClosed(): boolean {
    return this.closed;
  }

  private attach(socket: WebSocket): void {
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      const frame = event.data;
      if (!(frame instanceof ArrayBuffer)) return;
      this.receiving = this.receiving.then(() => this.receive(frame));
    });
    socket.addEventListener('close', () => {
      if (socket !== this.socket) return;
      this.failPending(new CallError('disconnected', LOST));
      this.setConnection('lost');
      if (!this.closed) void this.reconnect();
    });
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(attempt)));
      try {
        const socket = await openSocket(this.url);
        if (this.isClosed()) {
          socket.close();
          return;
        }
        this.socket = socket;
        this.attach(socket);
        this.setConnection('open');
        return;
      } catch {
        // Not back yet; try again after a longer wait.
      }
    }
  }

  private setConnection(state: ConnectionState): void {
    if (this.connection === state) return;
    this.connection = state;
    for (const listener of [...this.connectionListeners]) listener(state);
  }

  private failPending(error: CallError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }

  /**
   * A reply's large buffer, fetched once the frame after a `volume.preview` has been drawn: the
   * image's first look reaches the screen before its 90 MiB of voxels compete for the CPU. A hidden
   * page draws nothing, so it does not wait.
   */
  private async fetchBulkAfterDraw(id: string, bytes: number): Promise<ArrayBuffer> {
    if (this.previewSinceFrame && !pageHidden()) {
      await new Promise<void>((resolve) => {
        requestAnimationFrameOr(FRAME_WAIT_MS, resolve);
      });
    }
    this.previewSinceFrame = false;
    return fetchBulk(this.url, id, bytes);
  }

  private async receive(frame: ArrayBuffer): Promise<void> {
    let message: WireMessage;
    try {
      message = (await decodeFrameFetching(frame, (id, bytes) => this.fetchBulkAfterDraw(id, bytes))) as WireMessage;
      if (message.kind === 'elsewhere') {
        const whole = await this.fetchBulkAfterDraw(message.id, message.bytes);
        message = (await decodeFrameFetching(whole, (id, bytes) => this.fetchBulkAfterDraw(id, bytes))) as WireMessage;
      }
    } catch {
      // A reply we cannot read would leave its caller waiting for ever; fail everything in flight.
      this.failPending(new CallError('bad-response', 'A reply from iSeg Studio could not be read.'));
      return;
    }
    if (message.kind === 'event') {
      this.hub.emit(message.name, message.payload);
      if (message.name === 'volume.preview' && !this.previewSinceFrame) {
        this.previewSinceFrame = true;
        requestAnimationFrameOr(FRAME_WAIT_MS, () => {
          this.previewSinceFrame = false;
        });
      }
      return;
    }
    if (message.kind !== 'response') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (!message.ok) {
      pending.reject(new CallError(message.error.code, message.error.message));
      return;
    }
    const parsed = methods[pending.method].output.safeParse(message.output);
    if (parsed.success) pending.resolve(parsed.data);
    else pending.reject(new CallError('bad-response', `Unexpected reply to ${pending.method}.`));
  }
}
