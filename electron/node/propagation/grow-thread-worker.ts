/**
 * The thread that grows slice to slice for the auto method (dist/electron/grow-worker.js), so that
 * growing runs beside the memory network, whose ONNX Runtime calls block the thread they are made
 * on. Requests are answered by id; a cancel stops its run between two slices.
 */
import { parentPort } from 'node:worker_threads';
import { ServiceError } from '../../common/errors';
import { GrowPropagator } from '../../common/propagation/grow-propagator';
import type { SliceUpdate } from '../../common/propagation/propagator';
import { typedArrayFor, type Volume } from '../../common/volume';
import { growRequestSchema, type GrowReply } from './grow-thread-protocol';

const port = parentPort;
if (!port) throw new Error('grow-thread-worker runs only as a worker thread.');

const grow = new GrowPropagator();
/** The last image sent: auto asks for many runs on one image. */
let kept: { id: number; volume: Volume } | undefined;
const running = new Map<number, { aborted: boolean }>();

const reply = (message: GrowReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

port.on('message', (message: unknown) => {
  const request = growRequestSchema.safeParse(message);
  if (!request.success) {
    // A request this thread cannot read still gets an answer, so that its run does not wait forever.
    const id = typeof message === 'object' && message !== null && 'id' in message && typeof message.id === 'number' ? message.id : undefined;
    if (id !== undefined) reply({ type: 'failed', id, code: 'bad-request', message: `Growing could not read its request: ${request.error.issues[0]?.message ?? 'rejected'}.` });
    return;
  }
  const data = request.data;
  if (data.type === 'cancel') {
    const run = running.get(data.id);
    if (run) run.aborted = true;
    return;
  }
  const { id, imageId, image, seeds, options } = data;
  if (image) kept = { id: imageId, volume: { geometry: image.geometry, componentType: image.componentType, voxels: typedArrayFor(image.componentType, image.voxels) } };
  if (kept?.id !== imageId) {
    reply({ type: 'needs-image', id });
    return;
  }
  const signal = { aborted: false };
  running.set(id, signal);
  const seedVolume: Volume = { geometry: seeds.geometry, componentType: seeds.componentType, voxels: typedArrayFor(seeds.componentType, seeds.voxels) };
  const onSlice = (u: SliceUpdate): void => {
    const labels = u.labels.slice().buffer;
    reply({ type: 'slice', id, slice: u.slice, label: u.label, labels, componentType: u.labels instanceof Uint16Array ? 'uint16' : 'uint8', done: u.done, total: u.total }, [labels]);
  };
  grow.propagate(kept.volume, seedVolume, options, onSlice, signal).then(
    (outcome) => {
      running.delete(id);
      reply({ type: 'done', id, propagated: [...outcome.propagated], written: [...outcome.written], computedSlices: outcome.computedSlices, elapsedMs: outcome.elapsedMs });
    },
    (error: unknown) => {
      running.delete(id);
      const code = error instanceof ServiceError ? error.code : 'internal';
      reply({ type: 'failed', id, code, message: error instanceof Error ? error.message : String(error) });
    },
  );
});
