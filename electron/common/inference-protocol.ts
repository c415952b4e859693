/**
 * Messages between the main process (or serve/CLI host) and the inference worker process.
 * The worker is our own code, but it runs native ONNX Runtime and may die at any time: the host
 * treats every message as untrusted and checks its shape. Each operation has one options schema,
 * parsed by the worker before its handler runs, and one result schema, parsed by the host.
 */
import { z } from 'zod';
import type { ReadonlyDeep } from './readonly-deep';
import { clickWorkerOperations } from './click/worker-ops';
import { propagationWorkerOperations } from './propagation/worker-ops';

export const workerRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  op: z.string().min(1).max(64),
  payload: z.unknown(),
});
export type WorkerRequest = z.infer<typeof workerRequestSchema>;

export const workerReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int().positive() }),
  z.object({ type: z.literal('result'), id: z.number().int().nonnegative(), payload: z.unknown() }),
  z.object({ type: z.literal('error'), id: z.number().int().nonnegative(), message: z.string() }),
]);
export type WorkerReply = z.infer<typeof workerReplySchema>;

const pingSchema = z.object({ echo: z.instanceof(ArrayBuffer), sentAt: z.number() }).strict();

/** Every operation the worker understands, with its options and result schemas. */
export const workerOperations = {
  ping: { options: pingSchema, result: pingSchema },
  ...clickWorkerOperations,
  ...propagationWorkerOperations,
} as const;

export type WorkerOpName = keyof typeof workerOperations;

/** Options as a caller writes them (`payload`) and results as the host hands them on. */
export type WorkerOps = {
  [K in WorkerOpName]: {
    payload: ReadonlyDeep<z.input<(typeof workerOperations)[K]['options']>>;
    result: z.output<(typeof workerOperations)[K]['result']>;
  };
};

/** Options as the worker's handler receives them, after its schema parsed them. */
export type WorkerOptions<K extends WorkerOpName> = z.output<(typeof workerOperations)[K]['options']>;

export function isWorkerOpName(op: string): op is WorkerOpName {
  return Object.prototype.hasOwnProperty.call(workerOperations, op);
}

/** One sentence naming the first problem zod found, e.g. for a worker's error reply. */
export function describeSchemaError(what: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  return `${what}${where}: ${issue?.message ?? 'rejected'}.`;
}
