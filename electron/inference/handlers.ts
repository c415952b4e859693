/** What the worker does for each operation, and the dispatch that checks its options first. */
import { describeSchemaError, isWorkerOpName, workerOperations, type WorkerOpName, type WorkerOps, type WorkerOptions } from '../common/inference-protocol';
import { UNKNOWN_OP_PREFIX } from '../common/click/worker-ops';
import { createClickWorkerHandlers } from './click-handlers';
import { createPropagationWorkerHandlers } from './propagation/handlers';

export type WorkerHandlers = {
  [K in WorkerOpName]: (options: WorkerOptions<K>) => Promise<WorkerOps[K]['result']>;
};

export function createWorkerHandlers(): WorkerHandlers {
  return {
    ping: (options) => Promise.resolve({ echo: options.echo, sentAt: options.sentAt }),
    ...createClickWorkerHandlers(),
    ...createPropagationWorkerHandlers(),
  };
}

/**
 * Runs `op` on `payload` once the operation's options schema accepts it; an unknown operation or
 * bad options reject with one sentence (the host turns it into an error reply).
 */
export function dispatchWorkerRequest(handlers: WorkerHandlers, op: string, payload: unknown): Promise<unknown> {
  if (!isWorkerOpName(op)) return Promise.reject(new Error(`${UNKNOWN_OP_PREFIX} "${op}".`));
  const parsed = workerOperations[op].options.safeParse(payload);
  if (!parsed.success) return Promise.reject(new Error(describeSchemaError(`Bad options for worker operation "${op}"`, parsed.error)));
  // The schema for `op` produced `parsed.data`, so it is the handler's options type.
  const handler = handlers[op] as (options: unknown) => Promise<unknown>;
  return handler(parsed.data);
}
