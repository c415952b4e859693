/**
 * Reads an HTTP response body of a known length straight into one buffer of that length, piece by
 * piece as it arrives. `Response.arrayBuffer()` gathers a 90 MB body in a growing buffer and hands
 * it over in one long task at the end (0.9 s of page work on the loaded test machine, after the
 * last byte); read here, the copying is spread over the transfer and nothing is reallocated.
 */

export class BodyLengthError extends Error {}

/** The most one body may announce (what the wire allows a buffer sent apart). */
export const MAX_BODY_BYTES = 2 ** 31;

/** The body's bytes in a buffer of exactly `bytes` bytes; a body of any other length is refused. */
export async function readBodyInto(body: ReadableStream<Uint8Array> | null, bytes: number): Promise<ArrayBuffer> {
  if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > MAX_BODY_BYTES) throw new BodyLengthError(`A reply announced ${bytes} bytes of data, which no reply holds.`);
  if (body === null) {
    if (bytes === 0) return new ArrayBuffer(0);
    throw new BodyLengthError(`A reply's data came without a body; ${bytes} bytes were expected.`);
  }
  const byob = byobReader(body);
  return byob === undefined ? readByChunks(body.getReader(), bytes) : readIntoView(byob, bytes);
}

/** A bring-your-own-buffer reader, where the body is a byte stream (no copy out of its chunks). */
function byobReader(body: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | undefined {
  try {
    return body.getReader({ mode: 'byob' });
  } catch {
    return undefined; // not a byte stream: read its chunks
  }
}

function tooShort(received: number, bytes: number): BodyLengthError {
  return new BodyLengthError(`A reply's data ended after ${received} of ${bytes} bytes.`);
}

function tooLong(bytes: number): BodyLengthError {
  return new BodyLengthError(`A reply's data holds more than the ${bytes} bytes it was announced with.`);
}

async function readIntoView(reader: ReadableStreamBYOBReader, bytes: number): Promise<ArrayBuffer> {
  // Each read takes the buffer over and hands it back (same memory, a new ArrayBuffer object).
  let target = new ArrayBuffer(bytes);
  let filled = 0;
  try {
    while (filled < bytes) {
      const { value, done } = await reader.read(new Uint8Array(target, filled, bytes - filled));
      if (value !== undefined) {
        target = value.buffer;
        filled += value.byteLength;
      }
      if (done) throw tooShort(filled, bytes);
    }
    const { done } = await reader.read(new Uint8Array(1));
    if (!done) throw tooLong(bytes);
    return target;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

async function readByChunks(reader: ReadableStreamDefaultReader<Uint8Array>, bytes: number): Promise<ArrayBuffer> {
  const target = new Uint8Array(bytes);
  let filled = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (filled + value.byteLength > bytes) throw tooLong(bytes);
      target.set(value, filled);
      filled += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  if (filled < bytes) throw tooShort(filled, bytes);
  return target.buffer;
}
