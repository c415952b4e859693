/**
 * Entry point of the inference worker process. It holds the ONNX Runtime sessions, whose `run()`
 * blocks its thread, so inference never stalls the main process's event loop.
 */
import { workerRequestSchema } from '../common/inference-protocol';
import { connectToHost } from './worker-port';
import { createWorkerHandlers, dispatchWorkerRequest } from './handlers';

const port = connectToHost();
const handlers = createWorkerHandlers();

port.onMessage((message) => {
  const parsed = workerRequestSchema.safeParse(message);
  if (!parsed.success) return;
  const { id, op, payload } = parsed.data;
  dispatchWorkerRequest(handlers, op, payload).then(
    (result) => port.send({ type: 'result', id, payload: result }),
    (error: unknown) => port.send({ type: 'error', id, message: error instanceof Error ? error.message : String(error) }),
  );
});

port.send({ type: 'ready', pid: process.pid });
