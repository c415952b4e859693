/**
 * A worker entry with the click operations, for `iseg bench` (end-to-end latency through a real
 * worker process) and for tests, until the app's worker.ts includes createClickWorkerHandlers.
 * Same protocol as worker.ts.
 */
import { workerRequestSchema } from '../../common/inference-protocol';
import { connectToHost } from '../worker-port';
import { createClickWorkerHandlers } from '../click-handlers';

const port = connectToHost();
const handlers: Record<string, (payload: unknown) => Promise<unknown>> = {
  ping: (payload) => Promise.resolve(payload),
  ...(createClickWorkerHandlers() as unknown as Record<string, (payload: unknown) => Promise<unknown>>),
};

port.onMessage((message) => {
  const parsed = workerRequestSchema.safeParse(message);
  if (!parsed.success) return;
  const { id, op, payload } = parsed.data;
  const handler = Object.prototype.hasOwnProperty.call(handlers, op) ? handlers[op] : undefined;
  if (!handler) {
    port.send({ type: 'error', id, message: `Unknown worker operation "${op}".` });
    return;
  }
  handler(payload).then(
    (result) => port.send({ type: 'result', id, payload: result }),
    (error: unknown) => port.send({ type: 'error', id, message: error instanceof Error ? error.message : String(error) }),
  );
});

port.send({ type: 'ready', pid: process.pid });
