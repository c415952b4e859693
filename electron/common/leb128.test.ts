import { describe, expect, it } from 'vitest';
import { Leb128Reader, Leb128Writer } from './leb128';

describe('LEB128', () => {
  it('round-trips integers from 0 to 2³² − 1, one byte per 7 bits', () => {
    const values = [0, 1, 127, 128, 255, 300, 16383, 16384, 2 ** 21, 2 ** 28 + 5, 2 ** 32 - 1];
    const writer = new Leb128Writer(8); // grows past its first buffer
    for (const v of values) writer.push(v);
    const codes = writer.finish();
    expect(codes.length).toBe(1 + 1 + 1 + 2 + 2 + 2 + 2 + 3 + 4 + 5 + 5);
    expect(Array.from(new Leb128Writer().finish())).toEqual([]);
    const reader = new Leb128Reader(codes, () => new Error('cut'));
    expect(values.map(() => reader.read())).toEqual(values);
    expect(reader.done).toBe(true);
  });

  it('throws the caller\'s error when the codes end in the middle of a number', () => {
    const reader = new Leb128Reader(Uint8Array.of(0x85), () => new Error('the seeds end mid-number'));
    expect(() => reader.read()).toThrow('the seeds end mid-number');
  });
});
