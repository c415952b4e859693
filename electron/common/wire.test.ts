import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeFrameFetching, encodeFrame, encodeFrameParts, frameLength, frameTooBig, MAX_FRAME_BYTES, WireFormatError } from './wire';

describe('wire frames', () => {
  it('round-trips JSON with binary buffers as bytes, not numbers', () => {
    const voxels = new Int16Array([1, -2, 300, -32768]);
    const mask = new Uint8Array([0, 1, 1]);
    const frame = encodeFrame({ kind: 'request', id: 7, input: { voxels: voxels.buffer, mask, nested: [{ n: 1 }] } });
    // The header holds references only: the voxel values never appear as JSON text.
    const headerText = new TextDecoder().decode(new Uint8Array(frame, 8, new DataView(frame).getUint32(4, true)));
    expect(headerText).not.toContain('300');
    const decoded = decodeFrame(frame) as { input: { voxels: ArrayBuffer; mask: ArrayBuffer; nested: unknown } };
    expect(Array.from(new Int16Array(decoded.input.voxels))).toEqual([1, -2, 300, -32768]);
    expect(Array.from(new Uint8Array(decoded.input.mask))).toEqual([0, 1, 1]);
    expect(decoded.input.nested).toEqual([{ n: 1 }]);
  });

  it('rejects frames that lie about their lengths', () => {
    const frame = encodeFrame({ data: new Uint8Array(16).buffer });
    const view = new DataView(frame);
    const headerLength = view.getUint32(4, true);
    const tampered = frame.slice(0);
    new DataView(tampered).setUint32(12 + headerLength, 1 << 30, true);
    expect(() => decodeFrame(tampered)).toThrow(WireFormatError);
    const badHeader = frame.slice(0);
    new DataView(badHeader).setUint32(4, 1 << 30, true);
    expect(() => decodeFrame(badHeader)).toThrow(WireFormatError);
  });

  it('rejects garbage, truncated frames and dangling buffer references', () => {
    expect(() => decodeFrame(new ArrayBuffer(3))).toThrow(WireFormatError);
    expect(() => decodeFrame(new TextEncoder().encode('hello world, not a frame').buffer)).toThrow(WireFormatError);
    const frame = encodeFrame({ a: new Uint8Array(100) });
    expect(() => decodeFrame(frame.slice(0, frame.byteLength - 50))).toThrow(WireFormatError);
    const dangling = encodeFrame({ a: { $bin: 5 } });
    expect(() => decodeFrame(dangling)).toThrow(WireFormatError);
  });

  it('carries many buffers in one message (one per streamed slice)', () => {
    const updates = Array.from({ length: 300 }, (_, n) => ({ slice: n, labels: new Uint8Array([n % 256]).buffer }));
    const decoded = decodeFrame(encodeFrame({ updates })) as { updates: { slice: number; labels: ArrayBuffer }[] };
    expect(decoded.updates).toHaveLength(300);
    expect(new Uint8Array(decoded.updates[299]?.labels ?? new ArrayBuffer(0))[0]).toBe(299 % 256);
  });

  it('drops __proto__ keys instead of polluting prototypes', () => {
    const header = '{"__proto__":{"polluted":true},"ok":1}';
    const bytes = new TextEncoder().encode(header);
    const frame = new ArrayBuffer(16 + bytes.length + 8);
    const view = new DataView(frame);
    view.setUint32(0, 0x31475349, true);
    view.setUint32(4, bytes.length, true);
    new Uint8Array(frame).set(bytes, 8);
    view.setUint32(8 + bytes.length, 0, true);
    const decoded = decodeFrame(frame) as Record<string, unknown>;
    expect(decoded.ok).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });
});

describe('frame parts', () => {
  it('are the frame encodeFrame makes, with each buffer a view of the sender\'s memory (not a copy)', () => {
    const voxels = Int16Array.from({ length: 13 }, (_, n) => n * 100 - 600);
    const message = { kind: 'response', id: 3, ok: true, output: { meta: { name: 'x' }, voxels: voxels.buffer, mask: Uint8Array.of(1, 2, 3) } };
    const parts = encodeFrameParts(message);
    const joined = new Uint8Array(frameLength(parts));
    let at = 0;
    for (const part of parts) {
      joined.set(part, at);
      at += part.byteLength;
    }
    expect([...joined]).toEqual([...new Uint8Array(encodeFrame(message))]);
    expect(parts.some((part) => part.buffer === voxels.buffer)).toBe(true);
    const decoded = decodeFrame(joined.buffer) as typeof message;
    expect([...new Int16Array(decoded.output.voxels)]).toEqual([...voxels]);
  });
});

describe('wire frame limits', () => {
  it('refuses a header nested 100,000 levels deep with a sentence, not a stack overflow', () => {
    const depth = 100_000;
    const header = `{"kind":"request","id":1,"method":"inference.status","input":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const bytes = new TextEncoder().encode(header);
    const frame = new ArrayBuffer((12 + bytes.length + 7) & ~7);
    new DataView(frame).setUint32(0, 0x31475349, true);
    new DataView(frame).setUint32(4, bytes.length, true);
    new Uint8Array(frame).set(bytes, 8);
    // The refusal carries the request id (1), so the caller's call is answered rather than left waiting.
    expect(() => decodeFrame(frame)).toThrow(new WireFormatError('The message is nested more than 64 levels deep.', 1));
  });
});

describe('frameTooBig', () => {
  it('says how big a frame over the limit is, and passes one at the limit', () => {
    expect(frameTooBig(MAX_FRAME_BYTES)).toBeUndefined();
    expect(frameTooBig(250 * 2 ** 20)).toBe('This request is 250 MiB; serve mode accepts at most 160 MiB in one request.');
  });

  it('sends chosen buffers apart and fetches them back uncopied', async () => {
    const voxels = new Float32Array([1.5, -2, 3]);
    const small = new Uint8Array([9]);
    const held = new Map<string, Uint8Array>();
    const parts = encodeFrameParts({ voxels, small }, (bytes) => {
      if (bytes.byteLength < 8) return undefined;
      held.set('voxels-0001', bytes);
      return 'voxels-0001';
    });
    // Only the small buffer (padded to 8) travels in the frame.
    expect(parts.slice(1).reduce((n, p) => n + p.byteLength, 0)).toBe(8);
    const joined = new Uint8Array(frameLength(parts));
    parts.reduce((offset, p) => (joined.set(p, offset), offset + p.byteLength), 0);
    expect(() => decodeFrame(joined.buffer)).toThrow(WireFormatError);
    const served = new Map<string, ArrayBuffer>();
    const decoded = (await decodeFrameFetching(joined.buffer, (id, bytes) => {
      const source = held.get(id);
      if (source === undefined) return Promise.reject(new Error('unknown id'));
      const buffer = source.slice().buffer;
      served.set(id, buffer);
      expect(bytes).toBe(12);
      return Promise.resolve(buffer);
    })) as { voxels: ArrayBuffer; small: ArrayBuffer };
    expect(decoded.voxels).toBe(served.get('voxels-0001'));
    expect(Array.from(new Float32Array(decoded.voxels))).toEqual([1.5, -2, 3]);
    expect(Array.from(new Uint8Array(decoded.small))).toEqual([9]);
  });

  it('refuses a buffer sent apart whose length or id is not what the frame said', async () => {
    const frame = encodeFrame({ a: { $ext: 'abcdefgh', bytes: 4 } });
    await expect(decodeFrameFetching(frame, () => Promise.resolve(new ArrayBuffer(5)))).rejects.toThrow(/5 bytes; its frame said 4/);
    const badId = encodeFrame({ a: { $ext: '../etc', bytes: 4 } });
    await expect(decodeFrameFetching(badId, () => Promise.resolve(new ArrayBuffer(4)))).rejects.toThrow(WireFormatError);
  });
});
