/** What the worker does for each operation. ONNX sessions will live here (see native-models/). */
import type { WorkerOpName, WorkerOps } from '../common/inference-protocol';
import { createClickWorkerHandlers } from './click-handlers';
import { createPropagationWorkerHandlers } from './propagation/handlers';

export type WorkerHandlers = {
  [K in WorkerOpName]: (payload: WorkerOps[K]['payload']) => Promise<WorkerOps[K]['result']>;
};

export function createWorkerHandlers(): WorkerHandlers {
  return {
    ping: (payload) => Promise.resolve({ echo: payload.echo, sentAt: payload.sentAt }),
    ...createClickWorkerHandlers(),
    ...createPropagationWorkerHandlers(),
  };
}
