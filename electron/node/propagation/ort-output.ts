/**
 * A float32 output of an ONNX Runtime run, without a copy: each run hands back fresh output
 * buffers that nothing else holds, so the propagation engine may keep them (the shared
 * `float32Output` copies, to be safe for every caller; at 384² that is ~0.6 MB per decode).
 */
import type { InferenceSession } from 'onnxruntime-node';
import { ServiceError } from '../../common/errors';

export function outputOf(out: InferenceSession.OnnxValueMapType, name: string, source: string): Float32Array {
  const t = out[name];
  if (!t || !(t.data instanceof Float32Array)) throw new ServiceError('internal', `${source} gave no float32 output "${name}".`);
  return t.data;
}
