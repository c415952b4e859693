import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_FRAME_BYTES } from '../../../electron/common/wire';
import { WebSocketClient } from './ws-client';

/** Just enough of a browser WebSocket: opens at once and records what is sent. */
class FakeSocket extends EventTarget {
  static readonly OPEN = 1;
  static last: FakeSocket | undefined;
  binaryType = 'blob';
  readyState = 0;
  readonly sent: ArrayBuffer[] = [];
  constructor(readonly url: string) {
    super();
    FakeSocket.last = this;
    queueMicrotask(() => {
      this.readyState = FakeSocket.OPEN;
      this.dispatchEvent(new Event('open'));
    });
  }
  send(data: ArrayBuffer): void {
    this.sent.push(data);
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('WebSocketClient frame limit', () => {
  it('fails a call too big for serve mode with a sentence, without sending it or losing the connection', async () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    const client = await WebSocketClient.connect('ws://127.0.0.1:1/rpc?token=t');
    const socket = FakeSocket.last;
    const echo = new ArrayBuffer(MAX_FRAME_BYTES + 1);
    await expect(client.call('inference.ping', { echo })).rejects.toMatchObject({
      code: 'bad-request',
      message: 'This request is 161 MiB; serve mode accepts at most 160 MiB in one request.',
    });
    expect(socket?.sent).toHaveLength(0);
    void client.call('inference.ping', { echo: new ArrayBuffer(8) });
    expect(socket?.sent).toHaveLength(1);
  });
});
