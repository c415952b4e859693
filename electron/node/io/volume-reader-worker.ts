/**
 * The worker thread that parses image files (dist/electron/volume-reader.js), so a slow or hostile
 * file never stalls the main process's event loop: other calls, other clients and the window stay
 * responsive while it reads.
 */
import { parentPort, threadId } from 'node:worker_threads';
import { ServiceError } from '../../common/errors';
import { VoxelSummarizer } from '../../common/volume-stats';
import { readVolume } from './read-volume';
import { readRequestSchema, type ReadReply } from './volume-reader-protocol';

const port = parentPort;
if (!port) throw new Error('volume-reader-worker runs only as a worker thread.');

port.on('message', (message: unknown) => {
  const request = readRequestSchema.safeParse(message);
  if (!request.success) return;
  const { id, path, seriesUid, maxVoxelBytes, forViewer } = request.data;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const summarizer = new VoxelSummarizer();
  readVolume(path, { seriesUid, maxVoxelBytes, forViewer }, summarizer).then(
    (volume) => {
      const voxels = volume.voxels;
      const read = performance.now();
      // What the reader did not count while inflating (another format, a byte-swapped file).
      summarizer.addUpTo(voxels, voxels.length);
      const cpu = process.cpuUsage(cpuStarted);
      const phases = { readMs: read - started, summaryAfterMs: performance.now() - read, processCpuMs: (cpu.user + cpu.system) / 1000 };
      // Owned buffers (the readers return them) transfer; a view into a larger one is copied first.
      const buffer =
        voxels.byteOffset === 0 && voxels.byteLength === voxels.buffer.byteLength && voxels.buffer instanceof ArrayBuffer
          ? voxels.buffer
          : voxels.slice().buffer;
      const reply: ReadReply = {
        id,
        ok: true,
        threadId,
        geometry: volume.geometry,
        componentType: volume.componentType,
        voxels: buffer,
        ...(volume.modality === undefined ? {} : { modality: volume.modality }),
        summary: summarizer.summary,
        phases,
      };
      port.postMessage(reply, [buffer]);
    },
    (error: unknown) => {
      const reply: ReadReply = {
        id,
        ok: false,
        error:
          error instanceof ServiceError
            ? { code: error.code, message: error.message }
            : { code: 'unreadable', message: `The file could not be read (${error instanceof Error ? error.message : String(error)}).` },
      };
      port.postMessage(reply);
    },
  );
});
