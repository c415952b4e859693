/**
 * Binary framing for the WebSocket transport. A message is a JSON header in which every
 * ArrayBuffer or typed array is replaced by a reference {"$bin": n}, followed by the raw buffers,
 * so voxels and masks never travel as JSON number arrays.
 *
 * Frame: "ISG1" | u32 header bytes | header UTF-8 | u32 buffer count | (u32 byte length)* | padding
 * to 8 | buffers, each padded to 8 bytes. Little-endian. The decoder trusts nothing: every length is
 * checked against the frame before it is used.
 */

import { payloadLimitProblem } from './payload-limits';

const MAGIC = 0x31475349; // "ISG1" read as little-endian u32
/**
 * Largest frame serve mode accepts: a label volume of 512×512×300 uint16 (150 MiB) with its header.
 * The server refuses a larger one from its WebSocket header (closing the socket, code 1009) before
 * buffering any of it; the page checks first, so its call fails with a sentence instead.
 */
export const MAX_FRAME_BYTES = 160 << 20;
const MAX_HEADER_BYTES = 4 << 20;
/** One per ArrayBuffer in a message (a propagation poll carries one per streamed slice). */
const MAX_BUFFERS = 1 << 16;

/** Why a frame of this many bytes cannot be sent to serve mode (one sentence), or undefined. */
export function frameTooBig(byteLength: number): string | undefined {
  if (byteLength <= MAX_FRAME_BYTES) return undefined;
  const mib = (n: number): string => `${Math.ceil(n / 2 ** 20)} MiB`;
  return `This request is ${mib(byteLength)}; serve mode accepts at most ${mib(MAX_FRAME_BYTES)} in one request.`;
}

export class WireFormatError extends Error {
  override name = 'WireFormatError';

  /** The refused message's request id, where its header could be read: its caller gets the answer. */
  constructor(
    message: string,
    readonly requestId?: number,
  ) {
    super(message);
  }
}

function requestIdOf(header: unknown): number | undefined {
  const id = typeof header === 'object' && header !== null ? (header as { id?: unknown }).id : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

interface BinaryRef {
  $bin: number;
}

function isBinaryRef(value: unknown): value is BinaryRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as { $bin?: unknown }).$bin === 'number'
  );
}

/**
 * A buffer sent apart from its frame (serve mode sends large ones over HTTP: Chromium takes seconds
 * to receive and then free a WebSocket message of 90 MB, a fetch of the same bytes a fraction).
 */
interface ExternalRef {
  $ext: string;
  bytes: number;
}

const EXTERNAL_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** Largest buffer a frame may name for fetching apart (2 GiB: beyond it, no ArrayBuffer in every browser). */
const MAX_EXTERNAL_BYTES = 2 ** 31;

function isExternalRef(value: unknown): value is ExternalRef {
  if (typeof value !== 'object' || value === null || Object.keys(value).length !== 2) return false;
  const { $ext, bytes } = value as Partial<ExternalRef>;
  return typeof $ext === 'string' && typeof bytes === 'number';
}

/** Fetches a buffer a frame names by id, to be exactly `bytes` long. */
export type ExternalFetch = (id: string, bytes: number) => Promise<ArrayBuffer>;

/** Chooses which buffers to send apart: an id for those, undefined for those kept in the frame. */
export type ExternalDetach = (bytes: Uint8Array) => string | undefined;

function align8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * A frame as the parts it is made of, in order: the header and buffer table, then each buffer as a
 * view of the caller's memory (never copied) followed by its padding. Serve mode sends the parts as
 * fragments of one WebSocket message, so voxels go from the volume to the socket without a copy.
 */
export function encodeFrameParts(value: unknown, detach?: ExternalDetach): Uint8Array[] {
  const buffers: Uint8Array[] = [];
  const inline = (bytes: Uint8Array): BinaryRef | ExternalRef => {
    const id = detach?.(bytes);
    if (id !== undefined) return { $ext: id, bytes: bytes.byteLength };
    buffers.push(bytes);
    return { $bin: buffers.length - 1 };
  };
  const header = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof ArrayBuffer) return inline(new Uint8Array(v));
    if (ArrayBuffer.isView(v)) return inline(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    return v;
  });
  if (buffers.length > MAX_BUFFERS) throw new WireFormatError(`a message may carry at most ${MAX_BUFFERS} buffers`);
  const headerBytes = new TextEncoder().encode(header);
  const tableEnd = align8(12 + headerBytes.length + 4 * buffers.length);
  const head = new Uint8Array(tableEnd);
  const view = new DataView(head.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, headerBytes.length, true);
  head.set(headerBytes, 8);
  view.setUint32(8 + headerBytes.length, buffers.length, true);
  const parts: Uint8Array[] = [head];
  buffers.forEach((b, n) => {
    view.setUint32(12 + headerBytes.length + 4 * n, b.byteLength, true);
    if (b.byteLength > 0) parts.push(b);
    const padding = align8(b.byteLength) - b.byteLength;
    if (padding > 0) parts.push(new Uint8Array(padding));
  });
  return parts;
}

/** Total bytes of a frame's parts. */
export function frameLength(parts: readonly Uint8Array[]): number {
  return parts.reduce((sum, part) => sum + part.byteLength, 0);
}

/** Encodes a JSON-like value that may contain ArrayBuffers (typed arrays are sent as their bytes) into one buffer. */
export function encodeFrame(value: unknown): ArrayBuffer {
  const parts = encodeFrameParts(value);
  const out = new Uint8Array(frameLength(parts));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out.buffer;
}

/**
 * Decodes a frame; every buffer comes back as its own ArrayBuffer (copied, so it can be
 * transferred). A frame that names buffers sent apart needs decodeFrameFetching.
 */
export function decodeFrame(frame: ArrayBuffer): unknown {
  const { header, buffers } = readFrame(frame);
  return revive(header, buffers, new Map());
}

/**
 * Decodes a frame whose header may name buffers sent apart, fetching each (all at once) before the
 * message is rebuilt; a fetched buffer is used as it comes, never copied.
 */
export async function decodeFrameFetching(frame: ArrayBuffer, fetchExternal: ExternalFetch): Promise<unknown> {
  const { header, buffers } = readFrame(frame);
  const refs = new Map<string, number>();
  collectExternal(header, refs);
  const fetched = await Promise.all(
    [...refs].map(async ([id, bytes]): Promise<[string, ArrayBuffer]> => {
      const buffer = await fetchExternal(id, bytes);
      if (buffer.byteLength !== bytes) throw new WireFormatError(`a buffer sent apart has ${buffer.byteLength} bytes; its frame said ${bytes}`);
      return [id, buffer];
    }),
  );
  return revive(header, buffers, new Map(fetched));
}

function collectExternal(value: unknown, into: Map<string, number>): void {
  if (typeof value !== 'object' || value === null) return;
  if (isExternalRef(value)) {
    if (!EXTERNAL_ID.test(value.$ext) || !Number.isSafeInteger(value.bytes) || value.bytes < 0 || value.bytes > MAX_EXTERNAL_BYTES) {
      throw new WireFormatError('frame names a buffer sent apart with a bad id or length');
    }
    if (into.has(value.$ext)) throw new WireFormatError('frame names a buffer sent apart twice');
    into.set(value.$ext, value.bytes);
    return;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) collectExternal(v, into);
}

function readFrame(frame: ArrayBuffer): { header: unknown; buffers: ArrayBuffer[] } {
  const view = new DataView(frame);
  if (frame.byteLength < 12 || view.getUint32(0, true) !== MAGIC) throw new WireFormatError('not an iSeg frame');
  const headerLength = view.getUint32(4, true);
  if (headerLength > MAX_HEADER_BYTES || 12 + headerLength > frame.byteLength) {
    throw new WireFormatError('frame header length is out of bounds');
  }
  const count = view.getUint32(8 + headerLength, true);
  if (count > MAX_BUFFERS) throw new WireFormatError('too many buffers in frame');
  const tableEnd = align8(12 + headerLength + 4 * count);
  if (tableEnd > frame.byteLength) throw new WireFormatError('frame buffer table is out of bounds');
  const spans: [number, number][] = [];
  let offset = tableEnd;
  for (let n = 0; n < count; n++) {
    const length = view.getUint32(12 + headerLength + 4 * n, true);
    if (offset + length > frame.byteLength) throw new WireFormatError('frame buffer is out of bounds');
    spans.push([offset, offset + length]);
    offset += align8(length);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(frame, 8, headerLength)));
  } catch {
    throw new WireFormatError('frame header is not valid JSON');
  }
  // JSON.parse nests without recursion; revive (and zod after it) would not. Checked before the
  // buffers are copied, so a refused frame costs no second copy of its bytes.
  const tooBig = payloadLimitProblem(header);
  if (tooBig !== undefined) throw new WireFormatError(tooBig, requestIdOf(header));
  const buffers = spans.map(([start, end]) => frame.slice(start, end));
  return { header, buffers };
}

function revive(value: unknown, buffers: readonly ArrayBuffer[], external: ReadonlyMap<string, ArrayBuffer>): unknown {
  if (Array.isArray(value)) return value.map((v) => revive(v, buffers, external));
  if (typeof value !== 'object' || value === null) return value;
  if (isBinaryRef(value)) {
    const buffer = buffers[value.$bin];
    if (buffer === undefined) throw new WireFormatError('frame refers to a missing buffer');
    return buffer;
  }
  if (isExternalRef(value)) {
    const buffer = external.get(value.$ext);
    if (buffer === undefined) throw new WireFormatError('frame refers to a buffer sent apart that was not fetched');
    return buffer;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '__proto__') continue;
    out[key] = revive(v, buffers, external);
  }
  return out;
}

/** Messages on the socket. */
export type WireMessage =
  | { kind: 'request'; id: number; method: string; input: unknown }
  | { kind: 'response'; id: number; ok: true; output: unknown }
  | { kind: 'response'; id: number; ok: false; error: { code: string; message: string } }
  | { kind: 'event'; name: string; payload: unknown }
  /** A large message sent apart: the receiver fetches its frame (serve mode: over HTTP). */
  | { kind: 'elsewhere'; id: string; bytes: number };
