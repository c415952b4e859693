/**
 * Messages between the main thread and the volume-reading worker thread (volume-reader.ts,
 * volume-reader-worker.ts). The voxels travel as their ArrayBuffer, transferred, never copied.
 */
import { z } from 'zod';
import { ERROR_CODES, type WireError } from '../../common/errors';
import { COMPONENT_TYPES, type ComponentType, type VolumeGeometry } from '../../common/volume';

export const readRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  path: z.string().min(1),
  seriesUid: z.string().optional(),
  maxVoxelBytes: z.number().positive().optional(),
  forViewer: z.boolean().optional(),
});
export type ReadRequest = z.infer<typeof readRequestSchema>;

/** Any number: a file's spacing or origin may be NaN, which the reader's caller reports. */
const anyNumber = z.custom<number>((value) => typeof value === 'number');
const triple = z.tuple([anyNumber, anyNumber, anyNumber]);

export const readReplySchema = z.discriminatedUnion('ok', [
  z.object({
    id: z.number().int(),
    ok: z.literal(true),
    threadId: z.number().int(),
    geometry: z.object({
      size: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
      spacing: triple,
      origin: triple,
      direction: z.tuple([anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, anyNumber]),
    }),
    componentType: z.enum(COMPONENT_TYPES),
    voxels: z.instanceof(ArrayBuffer),
    /** DICOM Modality of a series (W/L presets follow it). */
    modality: z.string().max(16).optional(),
  }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) }),
]);
/** What the worker sends (readReplySchema checks it on arrival). */
export type ReadReply =
  | { id: number; ok: true; threadId: number; geometry: VolumeGeometry; componentType: ComponentType; voxels: ArrayBuffer; modality?: string }
  | { id: number; ok: false; error: WireError };
