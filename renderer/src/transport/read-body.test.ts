import { describe, expect, it } from 'vitest';
import { BodyLengthError, readBodyInto } from './read-body';

/** A body of `bytes` arriving in `pieces` chunks, as a byte stream (BYOB) or a plain stream. */
function body(bytes: Uint8Array, pieces: number, byteStream: boolean): ReadableStream<Uint8Array> {
  const step = Math.ceil(bytes.length / pieces);
  let at = 0;
  if (!byteStream) {
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, at + step));
        at += step;
      },
    });
  }
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        controller.byobRequest?.respond(0);
        return;
      }
      controller.enqueue(bytes.slice(at, at + step));
      at += step;
    },
  });
}

const sample = Uint8Array.from({ length: 1000 }, (_, n) => (n * 7) % 251);

describe('readBodyInto', () => {
  for (const byteStream of [true, false]) {
    const kind = byteStream ? 'a byte stream' : 'a plain stream';
    it(`reads ${kind} in pieces into one buffer of the announced length`, async () => {
      for (const pieces of [1, 3, 17]) {
        const read = await readBodyInto(body(sample, pieces, byteStream), sample.length);
        expect(read.byteLength).toBe(sample.length);
        expect(new Uint8Array(read)).toEqual(sample);
      }
    });

    it(`refuses ${kind} shorter or longer than announced, saying which`, async () => {
      await expect(readBodyInto(body(sample, 4, byteStream), 1200)).rejects.toThrow(new BodyLengthError("A reply's data ended after 1000 of 1200 bytes."));
      await expect(readBodyInto(body(sample, 4, byteStream), 999)).rejects.toThrow(
        new BodyLengthError("A reply's data holds more than the 999 bytes it was announced with."),
      );
    });
  }

  it('reads a body from fetch, and accepts an absent body only for zero bytes', async () => {
    const read = await readBodyInto(new Response(sample).body, sample.length);
    expect(new Uint8Array(read)).toEqual(sample);
    expect((await readBodyInto(null, 0)).byteLength).toBe(0);
    await expect(readBodyInto(null, 5)).rejects.toThrow(BodyLengthError);
    for (const bad of [-1, 1.5, 2 ** 31 + 1, NaN]) await expect(readBodyInto(new Response(sample).body, bad)).rejects.toThrow(/which no reply holds/);
  });
});
