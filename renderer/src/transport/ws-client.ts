/** The service client over serve mode's WebSocket, speaking the binary frames of common/wire. */
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
import { decodeFrame, encodeFrame, frameTooBig, type WireMessage } from '../../../electron/common/wire';
import { EventHub } from './event-hub';

interface Pending {
  method: MethodName;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class WebSocketClient implements ServiceClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly hub = new EventHub();

  private constructor(private readonly socket: WebSocket) {
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (event.data instanceof ArrayBuffer) this.receive(event.data);
    });
    socket.addEventListener('close', () => {
      for (const p of this.pending.values())
        p.reject(new CallError('disconnected', 'The connection to iSeg Studio was lost.'));
      this.pending.clear();
    });
  }

  static connect(url: string): Promise<WebSocketClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.addEventListener('open', () => {
        resolve(new WebSocketClient(socket));
      });
      socket.addEventListener('error', () => {
        reject(
          new CallError(
            'disconnected',
            'Could not connect to iSeg Studio (is `npm run serve` running, and is the token in the address?).',
          ),
        );
      });
    });
  }

  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
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
      this.socket.send(frame);
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.hub.on(event, listener);
  }

  private receive(frame: ArrayBuffer): void {
    let message: WireMessage;
    try {
      message = decodeFrame(frame) as WireMessage;
    } catch {
      // A reply we cannot read would leave its caller waiting for ever; fail everything in flight.
      for (const p of this.pending.values()) p.reject(new CallError('bad-response', 'A reply from iSeg Studio could not be read.'));
      this.pending.clear();
      return;
    }
    if (message.kind === 'event') {
      this.hub.emit(message.name, message.payload);
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
