/**
 * Just enough protobuf to write small ONNX models (ort-kernels.ts) and to edit a model's graph
 * field by field (decoder-tail.ts), without an ONNX library. Numbers are field numbers of
 * onnx.proto; values fit in JavaScript numbers.
 */

export function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const tag = (number: number, wire: 0 | 2): number[] => varint(number * 8 + wire);
/** A varint field. */
export const int = (number: number, value: number): number[] => [...tag(number, 0), ...varint(value)];
/** A length-delimited field. */
export const bytes = (number: number, content: ArrayLike<number>): number[] => [...tag(number, 2), ...varint(content.length), ...Array.from(content)];
export const text = (number: number, value: string): number[] => bytes(number, new TextEncoder().encode(value));

export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

/** ValueInfoProto of a tensor with symbolic dims. */
export function tensorInfo(name: string, elementType: number, dims: readonly string[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, text(2, d))); // TensorShapeProto.dim { dim_param }
  const tensorType = [...int(1, elementType), ...bytes(2, shape)];
  return [...text(1, name), ...bytes(2, bytes(1, tensorType))]; // name, type { tensor_type }
}

export interface ProtoField {
  readonly number: number;
  readonly wire: number;
  /** The whole field, tag included (for copying it unchanged). */
  readonly start: number;
  readonly end: number;
  /** Length-delimited content. */
  readonly content?: Uint8Array;
  /** A varint's value. */
  readonly value?: number;
}

function readVarint(source: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  let i = at;
  for (;;) {
    if (i >= source.length) throw new Error('truncated varint');
    const b = source[i++] as number;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, i];
    scale *= 128;
    if (scale > 2 ** 63) throw new Error('varint too long');
  }
}

/** The fields of one message, in order; throws on bytes that are not protobuf. */
export function* fields(message: Uint8Array): Generator<ProtoField> {
  let at = 0;
  while (at < message.length) {
    const start = at;
    const [key, next] = readVarint(message, at);
    const number = Math.floor(key / 8);
    const wire = key & 7;
    at = next;
    if (wire === 0) {
      const [value, after] = readVarint(message, at);
      at = after;
      yield { number, wire, start, end: at, value };
    } else if (wire === 2) {
      const [length, after] = readVarint(message, at);
      if (after + length > message.length) throw new Error('truncated field');
      at = after + length;
      yield { number, wire, start, end: at, content: message.subarray(after, at) };
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4;
      if (at > message.length) throw new Error('truncated field');
      yield { number, wire, start, end: at };
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
}

const utf8 = new TextDecoder();
/** The string fields `number` of a message. */
export const strings = (message: Uint8Array, number: number): string[] =>
  [...fields(message)].filter((f) => f.number === number && f.content).map((f) => utf8.decode(f.content));
