import { describe, expect, it } from 'vitest';
import { bytes, fields, int, strings, text, varint } from './onnx-proto';

describe('the minimal protobuf reader and writer', () => {
  it('reads back what it writes: varints past 2^31, nested and string fields, and the bytes to copy', () => {
    const message = Uint8Array.from([...int(1, 3_000_000_000), ...text(2, 'Resize'), ...bytes(3, text(1, 'inner')), ...text(2, 'two')]);
    const read = [...fields(message)];
    expect(read.map((f) => [f.number, f.wire])).toEqual([[1, 0], [2, 2], [3, 2], [2, 2]]);
    expect(read[0]?.value).toBe(3_000_000_000);
    expect(strings(message, 2)).toEqual(['Resize', 'two']);
    expect(strings(read[2]?.content ?? new Uint8Array(), 1)).toEqual(['inner']);
    expect(Array.from(message.subarray(read[1]?.start, read[1]?.end))).toEqual(text(2, 'Resize'));
    expect(varint(300)).toEqual([0xac, 0x02]);
  });

  it('refuses truncated or unknown encodings', () => {
    expect(() => [...fields(Uint8Array.from([0x12, 0x05, 0x61]))]).toThrow(/truncated field/);
    expect(() => [...fields(Uint8Array.from([0x08, 0xff]))]).toThrow(/truncated varint/);
    expect(() => [...fields(Uint8Array.from([0x0b]))]).toThrow(/unsupported wire type 3/);
  });
});
