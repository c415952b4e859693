/**
 * Messages between the main process (or serve/CLI host) and the inference worker process.
 * The worker is our own code, but it runs native ONNX Runtime and may die at any time: the host
 * treats every message as untrusted and checks its shape.
 */
import { z } from 'zod';
import type { ClickWorkerOps } from './click/worker-ops';
import type { PropagationWorkerOps } from './propagation/worker-ops';

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

/** Operations the worker understands, with their payloads and results. */
export interface WorkerOps extends ClickWorkerOps, PropagationWorkerOps {
  ping: { payload: { echo: ArrayBuffer; sentAt: number }; result: { echo: ArrayBuffer; sentAt: number } };
}
export type WorkerOpName = keyof WorkerOps;
