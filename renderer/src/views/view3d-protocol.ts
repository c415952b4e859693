/**
 * Messages between the 3D view and its surface worker, checked with zod on both sides: the
 * worker trusts nothing it is sent, and the page nothing it gets back.
 */
import { z } from 'zod';
import { volumeGeometrySchema } from '../../../electron/common/contract';

const labelArraySchema = z.union([z.instanceof(Uint8Array), z.instanceof(Uint16Array)]);

export const surfaceRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  geometry: volumeGeometrySchema,
  /** A copy of the whole label map, handed over to the worker. */
  labels: labelArraySchema,
});
export type SurfaceRequest = z.infer<typeof surfaceRequestSchema>;

const meshSchema = z.object({
  value: z.number().int().positive(),
  points: z.instanceof(Float32Array),
  normals: z.instanceof(Float32Array),
  polys: z.instanceof(Uint32Array),
});
export type SegmentMesh = z.infer<typeof meshSchema>;

export const surfaceReplySchema = z.union([
  z.object({
    id: z.number().int().nonnegative(),
    meshes: z.array(meshSchema),
    removed: z.array(z.number().int().positive()),
    /** Time the worker spent finding the changes and building the meshes. */
    workerMs: z.number().nonnegative(),
  }),
  z.object({ id: z.number().int().nonnegative(), error: z.string() }),
]);
export type SurfaceReply = z.infer<typeof surfaceReplySchema>;
