/**
 * Messages between the main thread and the volume-reading worker thread (volume-reader.ts,
 * volume-reader-worker.ts). The voxels travel as their ArrayBuffer, transferred, never copied.
 */
import { z } from 'zod';
import { ERROR_CODES, type WireError } from '../../common/errors';
import { COMPONENT_TYPES, type ComponentType, type VolumeGeometry } from '../../common/volume';
import type { VoxelSummary } from '../../common/volume-stats';

export const readRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  path: z.string().min(1),
  seriesUid: z.string().optional(),
  maxVoxelBytes: z.number().positive().optional(),
  forViewer: z.boolean().optional(),
});
export type ReadRequest = z.infer<typeof readRequestSchema>;

export interface ReaderThreadPhases {
  readonly readMs: number;
  readonly summaryAfterMs: number;
  readonly processCpuMs: number;
}

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
    /** The voxels' range and non-finite count, counted on the thread while they were read. */
    summary: z.object({ range: z.tuple([anyNumber, anyNumber]), nonFinite: z.number().int().nonnegative() }),
    /**
     * Milliseconds on the thread: the whole read, and the summary's pass after it (0 when it was
     * counted while inflating); and the CPU time of the whole process meanwhile (zlib's threads
     * included), to tell work from waiting for a core.
     */
    phases: z.object({ readMs: z.number(), summaryAfterMs: z.number(), processCpuMs: z.number() }),
  }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) }),
]);
/** What the worker sends (readReplySchema checks it on arrival). */
export type ReadReply =
  | {
      id: number;
      ok: true;
      threadId: number;
      geometry: VolumeGeometry;
      componentType: ComponentType;
      voxels: ArrayBuffer;
      modality?: string;
      summary: VoxelSummary;
      phases: ReaderThreadPhases;
    }
  | { id: number; ok: false; error: WireError };
