/**
 * Cuts a propagation decoder's final upsampling off its ONNX graph, so that the engine reads the
 * quarter-resolution logits and upsamples them itself together with the sigmoid
 * (common/propagation/upsample-logits.ts; why: that file's header).
 *
 * Only the one pattern the networks are exported with is cut: the node giving `logits` is a
 * Resize, mode linear, half_pixel (or pytorch_half_pixel) coordinates, with constant scales
 * [1, 1, f, f] for an integer f. Anything else returns undefined and the decoder runs whole.
 *
 * The graph is edited as protobuf fields (ModelProto.graph: its nodes, outputs), copying every
 * other field byte for byte; no ONNX library is needed for so small a change.
 */

import { bytes, fields, ONNX_FLOAT as FLOAT, strings, tensorInfo, varint, type ProtoField as Field } from './onnx-proto';

// ONNX protobuf field numbers used here.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_OUTPUT = 12;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const NODE_DOMAIN = 7;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_STRING = 4;
const ATTRIBUTE_TENSOR = 5;
const TENSOR_DATA_TYPE = 2;
const TENSOR_FLOAT_DATA = 4;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;

interface NodeInfo {
  readonly field: Field;
  readonly inputs: string[];
  readonly outputs: string[];
  readonly op: string;
  readonly domain: string;
  readonly attributes: Map<string, Uint8Array>;
}

function nodeInfo(field: Field): NodeInfo {
  const bytes = field.content as Uint8Array;
  const attributes = new Map<string, Uint8Array>();
  for (const a of fields(bytes)) {
    if (a.number !== NODE_ATTRIBUTE || !a.content) continue;
    const name = strings(a.content, ATTRIBUTE_NAME)[0];
    if (name !== undefined) attributes.set(name, a.content);
  }
  return {
    field,
    inputs: strings(bytes, NODE_INPUT),
    outputs: strings(bytes, NODE_OUTPUT),
    op: strings(bytes, NODE_OP_TYPE)[0] ?? '',
    domain: strings(bytes, NODE_DOMAIN)[0] ?? '',
    attributes,
  };
}

/** The float values of a TensorProto (raw_data or float_data), or undefined if it is not float32. */
function floatValues(tensor: Uint8Array): number[] | undefined {
  let type = 0;
  const values: number[] = [];
  for (const f of fields(tensor)) {
    if (f.number === TENSOR_DATA_TYPE) type = f.value ?? 0;
    else if ((f.number === TENSOR_RAW_DATA || f.number === TENSOR_FLOAT_DATA) && f.content) {
      // raw_data and packed float_data hold the same little-endian float32 bytes; copied to align them.
      const copy = f.content.slice();
      values.push(...new Float32Array(copy.buffer, 0, Math.floor(copy.length / 4)));
    } else if (f.number === TENSOR_FLOAT_DATA && f.wire === 5) {
      return undefined; // unpacked floats: not written by the exporters we know
    }
  }
  return type === FLOAT ? values : undefined;
}

function attributeString(node: NodeInfo, name: string): string | undefined {
  const a = node.attributes.get(name);
  return a ? strings(a, ATTRIBUTE_STRING)[0] : undefined;
}

function concat(parts: readonly ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface DecoderWithoutTail {
  /** The model whose graph output is the Resize's input instead of `logits`. */
  readonly model: Uint8Array;
  /** Name of that low-resolution output. */
  readonly output: string;
  /** The Resize's integer factor (same on both axes). */
  readonly factor: number;
}

/** The decoder without its final upsampling to `logits`, or undefined where the pattern differs. */
export function cutDecoderTail(model: Uint8Array, logits: string): DecoderWithoutTail | undefined {
  try {
    return cut(model, logits);
  } catch {
    return undefined; // an unreadable graph is ONNX Runtime's to report, with the whole decoder
  }
}

function cut(model: Uint8Array, logits: string): DecoderWithoutTail | undefined {
  const modelFields = [...fields(model)];
  const graphFields = modelFields.filter((f) => f.number === MODEL_GRAPH);
  if (graphFields.length !== 1) return undefined; // a merged second graph field: leave it whole
  const graph = graphFields[0] as Field;
  const graphParts = [...fields(graph.content as Uint8Array)];
  const nodes = graphParts.filter((f) => f.number === GRAPH_NODE).map(nodeInfo);
  const producers = nodes.filter((n) => n.outputs.includes(logits));
  const resize = producers[0];
  if (producers.length !== 1 || !resize || resize.op !== 'Resize' || resize.domain !== '' || resize.outputs.length !== 1) return undefined;
  if (attributeString(resize, 'mode') !== 'linear') return undefined;
  const coordinates = attributeString(resize, 'coordinate_transformation_mode') ?? 'half_pixel';
  if (coordinates !== 'half_pixel' && coordinates !== 'pytorch_half_pixel') return undefined;
  for (const name of resize.attributes.keys()) {
    if (!['mode', 'coordinate_transformation_mode', 'cubic_coeff_a', 'nearest_mode', 'exclude_outside', 'extrapolation_value'].includes(name)) return undefined;
  }
  const [input, , scalesName, sizesName] = resize.inputs;
  if (!input || !scalesName || sizesName) return undefined;
  if (nodes.some((n) => n !== resize && n.inputs.includes(logits))) return undefined; // logits feed something else
  // The scales: a Constant node's value or an initializer.
  const constant = nodes.find((n) => n.op === 'Constant' && n.outputs.includes(scalesName));
  let scales: number[] | undefined;
  if (constant) {
    const value = constant.attributes.get('value');
    const tensor = value ? [...fields(value)].find((f) => f.number === ATTRIBUTE_TENSOR)?.content : undefined;
    scales = tensor ? floatValues(tensor) : undefined;
  } else {
    const init = graphParts.find((f) => f.number === GRAPH_INITIALIZER && f.content && strings(f.content, TENSOR_NAME)[0] === scalesName);
    scales = init?.content ? floatValues(init.content) : undefined;
  }
  if (!scales || scales.length !== 4 || scales[0] !== 1 || scales[1] !== 1 || scales[2] !== scales[3]) return undefined;
  const factor = scales[2] as number;
  if (!Number.isInteger(factor) || factor < 1 || factor > 64) return undefined;
  // The Constant goes too when only the Resize read it.
  const dropConstant = constant !== undefined && !nodes.some((n) => n !== resize && n.inputs.includes(scalesName));
  const dropped = new Set<Field>([resize.field, ...(dropConstant ? [constant.field] : [])]);
  const newGraph: ArrayLike<number>[] = [];
  let replacedOutput = false;
  for (const f of graphParts) {
    if (f.number === GRAPH_NODE && dropped.has(f)) continue; // nodeInfo kept each node's Field
    if (f.number === GRAPH_OUTPUT && f.content && strings(f.content, 1)[0] === logits) {
      newGraph.push(bytes(GRAPH_OUTPUT, tensorInfo(input, FLOAT, ['batch', 'channels', 'h', 'w'])));
      replacedOutput = true;
      continue;
    }
    newGraph.push((graph.content as Uint8Array).subarray(f.start, f.end));
  }
  if (!replacedOutput) return undefined;
  const graphBytes = concat(newGraph);
  const parts: ArrayLike<number>[] = [];
  for (const f of modelFields) {
    if (f === graph) parts.push(concat([varint(MODEL_GRAPH * 8 + 2), varint(graphBytes.length), graphBytes]));
    else parts.push(model.subarray(f.start, f.end));
  }
  return { model: concat(parts), output: input, factor };
}
