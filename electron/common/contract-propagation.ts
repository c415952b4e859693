/**
 * The propagation service's methods (merged into `methods` in contract.ts) and its one event.
 * Handlers: createPropagationHandlers() in electron/node/propagation-service.ts.
 *
 * A run is a stream of events: the page picks a job id, subscribes to `propagation.progress`, and
 * calls `propagation.start`, which returns at once. The service pushes one event per batch of
 * decided slices (state `running`), then one final event (`done` with the outcome, `failed` with
 * the reason, or `cancelled`) to the client that started the job, over IPC or the WebSocket alike;
 * `propagation.cancel` stops it between two slices. The page writes decided slices into its labels
 * as they arrive and takes them back if the job is cancelled or fails; the finished run is one undo
 * step, so a cancelled job leaves nothing half-written.
 *
 * No whole label map travels either way (issue 19): the seeds go as their runs of non-zero voxels
 * (propagation/seed-runs.ts), and the final event's `updates` carry any decided slice the stream
 * did not bring, so its outcome holds no label map.
 */
import { z } from 'zod';
import { modelDigestSchema } from './contract-click';
import { PROPAGATION_METHODS, propagateOptionsSchema } from './propagation/options';

const arrayBuffer = z.instanceof(ArrayBuffer);
const jobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'job ids are 1–64 letters, digits, "_" or "-"');
const labelType = z.enum(['uint8', 'uint16']);
const slice = z.number().int().min(0).max(65535);

const suspectSchema = z.object({
  slice,
  label: z.number().int().min(1).max(65535),
  score: z.number(),
  reason: z.enum(['disagreement', 'area-jump', 'shape-change', 'low-confidence', 'object-end', 'area-drop']),
});

const unitScore = z.number().min(0).max(1);

/** What the 'auto' method chose for one object (auto-propagator.ts GateDecision). */
export const gateDecisionSchema = z.object({
  label: z.number().int().min(1).max(65535),
  between: z.enum(['interpolation', 'consensus', 'memory', 'grow']),
  before: z.enum(['consensus', 'memory', 'grow']),
  after: z.enum(['consensus', 'memory', 'grow']),
  scores: z.object({ heldOut: z.array(slice), memory: unitScore, interpolation: unitScore, grow: unitScore, consensus: unitScore }).optional(),
  /** With one given slice: out a few slices and back, each candidate's Dice with the user's slice (auto-propagator.ts CYCLE_SLICES). */
  oneSlice: z.object({ memory: unitScore, grow: unitScore }).optional(),
  /** Growing from one slice: the first slice on each side where it was judged to leak (auto-propagator.ts LEAK_FACTOR). */
  leakFrom: z.object({ before: slice.optional(), after: slice.optional() }).optional(),
});

const sliceUpdateSchema = z.object({ slice, label: z.number().int().min(1).max(65535), componentType: labelType, labels: arrayBuffer });

export const propagationStartInputSchema = z
  .object({
    /** Chosen by the page, so that it can subscribe to the job's events before it starts. */
    jobId,
    /** An open volume (its id from volume.open*). */
    volumeId: z.string().min(1).max(64),
    /** The current label map of that volume (uint8 or uint16 voxels, i fastest) packed as runs (propagation/seed-runs.ts). */
    seedRuns: arrayBuffer.refine((b) => b.byteLength <= 1 << 30, 'seeds are limited to 1 GiB'),
    seedsType: labelType,
    method: z.enum(PROPAGATION_METHODS),
    /** Propagation model id (memory and auto methods); default the first trained one. */
    model: z.string().min(1).max(64).optional(),
    options: propagateOptionsSchema,
  })
  .strict();

/** What the worker's poll answers: the slices decided since the last poll, and how the job stands. */
export const propagationPollOutputSchema = z.object({
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  updates: z.array(sliceUpdateSchema),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  error: z.string().optional(),
  /** How the job ended (state `done`); its decided slices all came in `updates`. */
  outcome: z
    .object({
      propagated: z.array(z.number().int()),
      written: z.array(slice),
      computedSlices: z.number().int().nonnegative(),
      elapsedMs: z.number(),
      suspects: z.array(suspectSchema),
      /** How the labels were made, for the label sidecar (optional: older workers omit them). */
      method: z.enum(PROPAGATION_METHODS).optional(),
      options: propagateOptionsSchema.optional(),
      /** Per object, what the 'auto' method chose and the gate's held-out Dice. */
      gate: z.array(gateDecisionSchema).optional(),
      /** The propagation model that ran (memory method only): id and key-encoder sha256. */
      model: modelDigestSchema.optional(),
    })
    .optional(),
});

/** The event the page receives: a poll result named by its job. */
export const propagationProgressSchema = propagationPollOutputSchema.extend({ jobId });

export const propagationMethods = {
  'propagation.start': { input: propagationStartInputSchema, output: z.object({ jobId }) },
  'propagation.cancel': { input: z.object({ jobId }).strict(), output: z.object({ cancelled: z.boolean() }) },
} as const;

export type PropagationMethods = typeof propagationMethods;

/** Pushed to the client that started the job: decided slices while it runs, then how it ended. */
export const propagationEvents = {
  'propagation.progress': propagationProgressSchema,
} as const;
export type PropagationProgress = z.output<typeof propagationProgressSchema>;
