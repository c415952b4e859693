/**
 * A WebSocket upgrade over a bare TCP socket, for tests and the fuzz script that must write frames
 * no WebSocket client would (a header claiming 250 MiB, then nothing) and see the server's first
 * reply bytes as they arrive.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface RawUpgrade {
  readonly socket: Socket;
  /** The server's handshake reply (status line and headers). */
  readonly handshake: string;
  /** Everything received after the handshake so far. */
  readonly received: () => Buffer;
  /** Resolves once at least `bytes` have been received after the handshake, or after `timeoutMs`. */
  readonly receivedAtLeast: (bytes: number, timeoutMs: number) => Promise<Buffer>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function rawUpgrade(port: number, path: string, host = `127.0.0.1:${port}`): Promise<RawUpgrade> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const deadline = Date.now() + 5000;
  while (!Buffer.concat(chunks).includes('\r\n\r\n') && Date.now() < deadline && !socket.destroyed) await sleep(5);
  const all = Buffer.concat(chunks);
  const end = all.indexOf('\r\n\r\n') + 4;
  chunks = all.length > end ? [all.subarray(end)] : [];
  const received = (): Buffer => Buffer.concat(chunks);
  return {
    socket,
    handshake: all.subarray(0, end).toString(),
    received,
    receivedAtLeast: async (bytes, timeoutMs) => {
      const until = Date.now() + timeoutMs;
      while (received().length < bytes && Date.now() < until) await sleep(2);
      return received();
    },
  };
}

/** The header of a masked binary frame (mask all zero) whose payload is `length` bytes. */
export function binaryFrameHeader(length: number): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x82;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}
