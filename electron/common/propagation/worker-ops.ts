/**
 * The inference worker's propagation operations: one options schema and one result schema per
 * operation, parsed by the worker before its handler (electron/inference/propagation/handlers.ts)
 * runs and by the host when the result comes back. The TypeScript types are derived from them; the
 * poll result is the contract's `propagationPollOutputSchema`, so the shape exists once.
 *
 * A propagation is a job: `start` returns at once, `poll` returns the slices finalised since the
 * last poll (waiting up to `waitMs` for at least one), `cancel` stops it between two slices.
 * Voxels travel as ArrayBuffers, never as JSON numbers.
 */
import { z } from 'zod';
import type { ReadonlyDeep } from '../readonly-deep';
import { volumeGeometrySchema } from '../contract';
import { propagationPollOutputSchema } from '../contract-propagation';
import { COMPONENT_TYPES } from '../volume';
import { PROPAGATION_METHODS, propagateOptionsSchema } from './options';

const arrayBuffer = z.instanceof(ArrayBuffer);
const labelType = z.enum(['uint8', 'uint16']);
const jobId = z.string().min(1).max(64);

export const propagationStartOptionsSchema = z
  .object({
    jobId,
    method: z.enum(PROPAGATION_METHODS),
    /** Folder of the propagation model (memory method). */
    modelDir: z.string().min(1).optional(),
    ep: z.string().min(1).optional(),
    threads: z.number().int().positive().optional(),
    /**
     * Identifies the image for the worker's key cache (e.g. volume id + version). When the worker
     * still holds this image, `image.voxels` may be omitted.
     */
    imageKey: z.string().min(1),
    image: z.object({ geometry: volumeGeometrySchema, componentType: z.enum(COMPONENT_TYPES), voxels: arrayBuffer.optional() }).strict(),
    /** The label map as its runs of non-zero voxels (seed-runs.ts), unpacked here into a volume. */
    seeds: z.object({ componentType: labelType, runs: arrayBuffer }).strict(),
    options: propagateOptionsSchema,
  })
  .strict();

export const propagationStartResultSchema = z.object({ jobId, needsImage: z.boolean() });

export const propagationPollOptionsSchema = z.object({ jobId, waitMs: z.number().int().min(0).max(10_000).optional() }).strict();
export const propagationPollResultSchema = propagationPollOutputSchema;

export const propagationCancelOptionsSchema = z.object({ jobId }).strict();
export const propagationCancelResultSchema = z.object({ cancelled: z.boolean() });

/** The propagation operations, for the worker's dispatch and the host's result check. */
export const propagationWorkerOperations = {
  'propagation.start': { options: propagationStartOptionsSchema, result: propagationStartResultSchema },
  'propagation.poll': { options: propagationPollOptionsSchema, result: propagationPollResultSchema },
  'propagation.cancel': { options: propagationCancelOptionsSchema, result: propagationCancelResultSchema },
} as const;

/** Start options as the worker's handler sees them (parsed: the axis is an IndexAxis). */
export type PropagationStartPayload = z.output<typeof propagationStartOptionsSchema>;
export type PropagationPollResult = z.output<typeof propagationPollResultSchema>;
export type WireSliceUpdate = PropagationPollResult['updates'][number];
export type PropagationJobState = PropagationPollResult['state'];

export type PropagationWorkerOps = {
  [K in keyof typeof propagationWorkerOperations]: {
    payload: ReadonlyDeep<z.input<(typeof propagationWorkerOperations)[K]['options']>>;
    result: z.output<(typeof propagationWorkerOperations)[K]['result']>;
  };
};
