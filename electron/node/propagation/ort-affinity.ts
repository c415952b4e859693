/**
 * The read-out's dot products on ONNX Runtime: a one-node MatMul graph ([P, Ck] × [Ck, N] → [P, N],
 * all dimensions symbolic), encoded here as ONNX protobuf bytes so no file ships for it. MLAS
 * vectorises it, which the JavaScript loop cannot; top-k and softmax stay in TypeScript
 * (common/propagation/readout.ts), so the formula has one implementation.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { DotProducts } from '../../common/propagation/readout';
import { loadOrt } from '../models/ort-session';

/** Minimal protobuf writer: varints and length-delimited fields, enough for a ModelProto. */
function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const field = (number: number, wire: 0 | 2): number[] => varint((number << 3) | wire);
const int = (number: number, value: number): number[] => [...field(number, 0), ...varint(value)];
const bytes = (number: number, content: readonly number[]): number[] => [...field(number, 2), ...varint(content.length), ...content];
const text = (number: number, value: string): number[] => bytes(number, [...new TextEncoder().encode(value)]);

/** ValueInfoProto of a float tensor with symbolic dims. */
function floatInput(name: string, dims: readonly string[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, text(2, d))); // TensorShapeProto.dim { dim_param }
  const tensorType = [...int(1, 1), ...bytes(2, shape)]; // elem_type FLOAT, shape
  return [...text(1, name), ...bytes(2, bytes(1, tensorType))]; // name, type { tensor_type }
}

export function matMulModelBytes(): Uint8Array {
  const node = [...text(1, 'query'), ...text(1, 'keys'), ...text(2, 'dots'), ...text(3, 'matmul'), ...text(4, 'MatMul')];
  const graph = [
    ...bytes(1, node),
    ...text(2, 'readout-dots'),
    ...bytes(11, floatInput('query', ['P', 'C'])),
    ...bytes(11, floatInput('keys', ['C', 'N'])),
    ...bytes(12, floatInput('dots', ['P', 'N'])),
  ];
  const opset = [...text(1, ''), ...int(2, 13)];
  return Uint8Array.from([...int(1, 8), ...text(2, 'iseg'), ...bytes(7, graph), ...bytes(8, opset)]);
}

export interface OrtDotProducts {
  readonly dots: DotProducts;
  readonly release: () => Promise<void>;
}

/** A DotProducts on a CPU session with `threads` intra-op threads. */
export async function createOrtDotProducts(threads?: number): Promise<OrtDotProducts> {
  const ort = await loadOrt();
  const session: InferenceSession = await ort.InferenceSession.create(matMulModelBytes(), {
    executionProviders: ['cpu'],
    ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  return {
    dots: async (query, keys, positions, total, keyDim) => {
      const out = await session.run({
        query: new ort.Tensor('float32', query, [positions, keyDim]),
        keys: new ort.Tensor('float32', keys, [keyDim, total]),
      });
      const dots = out.dots;
      if (!dots || !(dots.data instanceof Float32Array)) throw new Error('MatMul gave no float32 output');
      return dots.data;
    },
    release: () => session.release(),
  };
}
