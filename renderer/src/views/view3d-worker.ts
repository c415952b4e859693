/**
 * Web Worker entry (dist/renderer/view3d-worker.js): segment surfaces off the page's thread. It
 * keeps the last label map it was sent, so each request rebuilds only the segments whose voxels
 * changed since then.
 */
import { surfaceRequestSchema, type SegmentMesh, type SurfaceReply } from './view3d-protocol';
import { SurfaceCache } from './view3d-cache';

interface WorkerScope {
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  postMessage(message: SurfaceReply, transfer: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
const cache = new SurfaceCache();
scope.onmessage = (event) => {
  const parsed = surfaceRequestSchema.safeParse(event.data);
  if (!parsed.success) {
    const id = (event.data as { id?: unknown } | null)?.id;
    scope.postMessage({ id: typeof id === 'number' && id >= 0 ? id : 0, error: `Bad surface request: ${parsed.error.message}` }, []);
    return;
  }
  const { id, geometry, labels } = parsed.data;
  try {
    const reply = cache.update(geometry, labels);
    const transfer = reply.meshes.flatMap((m: SegmentMesh) => [m.points.buffer, m.normals.buffer, m.polys.buffer]);
    scope.postMessage({ id, ...reply }, transfer);
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) }, []);
  }
};
