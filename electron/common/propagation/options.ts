/**
 * Options of a propagation, shared by every method, checked at entry with one clear sentence.
 */
import { z } from 'zod';
import { ServiceError } from '../errors';
import type { IndexAxis } from '../slice';

/**
 * 'auto' (the app's default) chooses per object, from the user's own slices, between interpolation
 * and the consensus of memory, interpolation and 'grow' (auto-propagator.ts); 'grow' is seeded
 * region growing slice to slice (grow-propagator.ts).
 */
export const PROPAGATION_METHODS = ['auto', 'memory', 'interpolation', 'grow'] as const;
export type PropagationMethod = (typeof PROPAGATION_METHODS)[number];

const label = z.number().int().min(1).max(65535);
const slice = z.number().int().min(0).max(65535);

export const propagateOptionsSchema = z
  .object({
    /** Index axis the slices are taken along (0 = i, 1 = j, 2 = k). */
    axis: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    /** Labels to propagate; default every label present in the seeds that is not locked. */
    labels: z.array(label).max(256).optional(),
    /** Labels nothing may overwrite (and that are never propagated). */
    locked: z.array(label).max(65535).optional(),
    /**
     * Slices that count as annotated for every label (a label absent from one of them is
     * annotated as absent there). Default: for each label, the slices where it appears.
     */
    annotatedSlices: z.array(slice).max(65536).optional(),
    /** Recompute only these slices (inclusive), e.g. the affected range after a correction. */
    range: z.tuple([slice, slice]).refine(([a, b]) => a <= b, 'range must be [first, last] with first ≤ last').optional(),
    /** A run beyond the annotated range stops below this fraction of its seed's area (default DEFAULT_STOP_RULE.fraction, stop-rule.ts); 0 turns the stop rule off. */
    stopFraction: z.number().min(0).max(1).optional(),
    /** Let propagated labels overwrite other unlocked labels (default false: only background). */
    overwriteOthers: z.boolean().optional(),
  })
  .strict();

export type PropagateOptions = z.infer<typeof propagateOptionsSchema> & { readonly axis: IndexAxis };

export function parsePropagateOptions(input: unknown): PropagateOptions {
  const parsed = propagateOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  throw new ServiceError('bad-request', `Invalid propagation options${where}: ${issue?.message ?? 'rejected'}.`);
}
