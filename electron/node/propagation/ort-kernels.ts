/**
 * Small ONNX graphs for the propagation engine's per-slice arithmetic, encoded here as ONNX
 * protobuf bytes (no file ships for them), run on ONNX Runtime's CPU provider.
 *
 * The whole STCN read-out, per tile of queries against that tile's memory window (readout.ts):
 *
 *   scores  = MatMul(query [T, Q, Ck], Transpose(keys [T, M, Ck])) − norms [T, 1, M]   (inputs pre-scaled)
 *   top, at = TopK(scores, k)                                    [T, Q, k] each
 *   weights = Softmax(top)                                        over k
 *   picked  = Gather(values [T·M, Cv], at + offsets [T, 1, 1])    [T, Q, k, Cv]
 *   out     = Einsum("tqk,tqkc->tqc", weights, picked)            [T, Q, Cv]
 *
 * MLAS vectorises the product and TopK selects in C++, which the JavaScript loop (the reference,
 * `ReadoutMemory.read`) cannot match: about 4× less time per slice on two cores.
 *
 * The decoder's Sigmoid output (withSigmoidOutput), for a decoder whose last upsampling
 * decoder-tail.ts cannot cut off.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { ReadoutKernel } from '../../common/propagation/readout';
import { loadOrt } from '../models/ort-session';
import { outputOf } from './ort-output';

import { bytes, int, ONNX_FLOAT as FLOAT, ONNX_INT64 as INT64, tensorInfo, text } from './onnx-proto';

const OPSET = 13;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_STRING = 3;
const ATTRIBUTE_INTS = 7;

/** NodeProto with string attributes and integer-list attributes (the kinds these graphs need). */
function node(
  op: string,
  inputs: readonly string[],
  outputs: readonly string[],
  strings: Record<string, string> = {},
  integers: Record<string, readonly number[]> = {},
  integer: Record<string, number> = {},
): number[] {
  const attributes = [
    ...Object.entries(integer).flatMap(([name, value]) => bytes(5, [...text(1, name), ...int(3, value), ...int(20, ATTRIBUTE_INT)])),
    ...Object.entries(strings).flatMap(([name, value]) => bytes(5, [...text(1, name), ...text(4, value), ...int(20, ATTRIBUTE_STRING)])),
    ...Object.entries(integers).flatMap(([name, values]) => bytes(5, [...text(1, name), ...values.flatMap((v) => int(8, v)), ...int(20, ATTRIBUTE_INTS)])),
  ];
  return [
    ...inputs.flatMap((i) => text(1, i)),
    ...outputs.flatMap((o) => text(2, o)),
    ...text(3, op),
    ...text(4, op),
    ...attributes,
  ];
}

function modelBytes(graph: readonly number[]): Uint8Array {
  const opset = [...text(1, ''), ...int(2, OPSET)];
  return Uint8Array.from([...int(1, 8), ...text(2, 'iseg'), ...bytes(7, graph), ...bytes(8, opset)]);
}

export function readoutModelBytes(): Uint8Array {
  return modelBytes([
    ...bytes(1, node('Transpose', ['keys'], ['keysByChannel'], {}, { perm: [0, 2, 1] })),
    ...bytes(1, node('MatMul', ['query', 'keysByChannel'], ['dots'])),
    ...bytes(1, node('Sub', ['dots', 'norms'], ['scores'])),
    // Unsorted: the softmax and the weighted sum do not care about order (saves the final sort).
    ...bytes(1, node('TopK', ['scores', 'k'], ['top', 'at'], {}, {}, { sorted: 0 })),
    ...bytes(1, node('Softmax', ['top'], ['weights'])),
    ...bytes(1, node('Add', ['at', 'offsets'], ['rows'])),
    ...bytes(1, node('Gather', ['values', 'rows'], ['picked'])),
    ...bytes(1, node('Einsum', ['weights', 'picked'], ['readout'], { equation: 'tqk,tqkc->tqc' })),
    ...text(2, 'stcn-readout'),
    ...bytes(11, tensorInfo('query', FLOAT, ['T', 'Q', 'C'])),
    ...bytes(11, tensorInfo('keys', FLOAT, ['T', 'M', 'C'])),
    ...bytes(11, tensorInfo('norms', FLOAT, ['T', 'one', 'M'])),
    ...bytes(11, tensorInfo('values', FLOAT, ['TM', 'V'])),
    ...bytes(11, tensorInfo('offsets', INT64, ['T', 'one', 'one'])),
    ...bytes(11, tensorInfo('k', INT64, ['one'])),
    ...bytes(12, tensorInfo('readout', FLOAT, ['T', 'Q', 'V'])),
  ]);
}

/**
 * `model` with one more node and graph output: Sigmoid(`logits`) as `probability`. Appended as a
 * second GraphProto field, which a protobuf parser merges into the first (repeated nodes and
 * outputs concatenate), so the model's own bytes are not re-encoded. The decoder then gives
 * probabilities in the same run: one ONNX Runtime call per decode instead of two.
 */
export function withSigmoidOutput(model: Uint8Array, logits: string, probability: string): Uint8Array {
  const extension = Uint8Array.from(
    bytes(7, [
      ...bytes(1, [...text(1, logits), ...text(2, probability), ...text(3, `iseg_${probability}`), ...text(4, 'Sigmoid')]),
      ...bytes(12, tensorInfo(probability, FLOAT, ['batch', 'channels', 'H', 'W'])),
    ]),
  );
  const out = new Uint8Array(model.length + extension.length);
  out.set(model);
  out.set(extension, model.length);
  return out;
}

export interface OrtKernels {
  readonly readout: ReadoutKernel;
  readonly release: () => Promise<void>;
}

/** The kernels on CPU sessions with `threads` intra-op threads. */
export async function createOrtKernels(threads?: number): Promise<OrtKernels> {
  const ort = await loadOrt();
  const options: InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // As the networks' sessions (ort-session.ts): threads that spin between runs take the core the
    // networks' next run needs on a 2-core machine.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  const readoutSession = await ort.InferenceSession.create(readoutModelBytes(), options);
  const int64 = (...values: number[]): Tensor =>
    new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [values.length]);
  return {
    readout: async (query, memory, dims, k) => {
      const { keyDim, valueDim } = dims;
      const { tiles, queriesPerTile, columns } = memory;
      const out = await readoutSession.run({
        query: new ort.Tensor('float32', query, [tiles, queriesPerTile, keyDim]),
        keys: new ort.Tensor('float32', memory.keys, [tiles, columns, keyDim]),
        norms: new ort.Tensor('float32', memory.norms, [tiles, 1, columns]),
        values: new ort.Tensor('float32', memory.values, [tiles * columns, valueDim]),
        offsets: new ort.Tensor('int64', memory.offsets, [tiles, 1, 1]),
        k: int64(k),
      });
      return outputOf(out, 'readout', 'The read-out graph');
    },
    release: async () => {
      await readoutSession.release();
    },
  };
}
