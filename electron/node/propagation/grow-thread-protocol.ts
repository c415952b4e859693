/**
 * Messages between a propagator and the thread that grows slice to slice on its behalf
 * (grow-thread.ts, grow-thread-worker.ts). The image crosses once per image, as a
 * SharedArrayBuffer the thread reads in place; the seeds are copied per request (the caller may
 * change them as soon as the request is posted); every decided slice comes back as it is decided
 * (the merged label slice, transferred), from which the caller builds the label map if it needs it.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../../common/errors';
import { propagateOptionsSchema, type PropagateOptions } from '../../common/propagation/options';
import { COMPONENT_TYPES, type ComponentType, type VolumeGeometry } from '../../common/volume';

const id = z.number().int().nonnegative();
const finite = z.number();
const geometrySchema = z.object({
  size: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  spacing: z.tuple([finite, finite, finite]),
  origin: z.tuple([finite, finite, finite]),
  direction: z.tuple([finite, finite, finite, finite, finite, finite, finite, finite, finite]),
});
const labelType = z.enum(['uint8', 'uint16']);

export const growRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('propagate'),
    id,
    /** The image the thread keeps (the last one sent); `image` comes with a request only when it is new to the thread. */
    imageId: id,
    image: z.object({ geometry: geometrySchema, componentType: z.enum(COMPONENT_TYPES), voxels: z.instanceof(SharedArrayBuffer) }).optional(),
    seeds: z.object({ geometry: geometrySchema, componentType: labelType, voxels: z.instanceof(ArrayBuffer) }),
    options: propagateOptionsSchema,
  }),
  z.object({ type: z.literal('cancel'), id }),
]);
/** What the caller sends (growRequestSchema checks it on arrival). */
export type GrowRequest = GrowPropagateRequest | { readonly type: 'cancel'; readonly id: number };
export interface GrowPropagateRequest {
  readonly type: 'propagate';
  readonly id: number;
  readonly imageId: number;
  readonly image?: { readonly geometry: VolumeGeometry; readonly componentType: ComponentType; readonly voxels: SharedArrayBuffer };
  readonly seeds: { readonly geometry: VolumeGeometry; readonly componentType: 'uint8' | 'uint16'; readonly voxels: ArrayBuffer };
  readonly options: PropagateOptions;
}

export const growReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('slice'), id, slice: id, label: z.number().int().min(1).max(65535), labels: z.instanceof(ArrayBuffer), componentType: labelType, done: id, total: id }),
  z.object({
    type: z.literal('done'),
    id,
    propagated: z.array(z.number().int()),
    written: z.array(id),
    computedSlices: id,
    elapsedMs: z.number().nonnegative(),
  }),
  /** `imageId` unknown to the thread (it was restarted): the caller sends the image again. */
  z.object({ type: z.literal('needs-image'), id }),
  z.object({ type: z.literal('failed'), id, code: z.enum(ERROR_CODES), message: z.string() }),
]);
export type GrowReply = z.infer<typeof growReplySchema>;
