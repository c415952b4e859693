/** Test support: the service handlers over `files`, reading in-process, with no bundled sample. */
import { join } from 'node:path';
import type { ServiceHandlers } from '../../common/dispatch';
import type { FileAccessPolicy } from '../file-access';
import type { InferenceService } from '../inference-pool';
import { readVolume } from '../io/read-volume';
import { sampleLoader } from '../sample';
import { createServiceHandlers } from '../services';
import type { ClientEvents } from '../client-events';

export function serviceHandlersForTests(inference: InferenceService, files: FileAccessPolicy, folder: string, events?: ClientEvents): ServiceHandlers {
  return createServiceHandlers({
    ...(events ? { events } : {}),
    transport: 'serve',
    version: 'test',
    inference,
    files,
    loadSample: sampleLoader(join(folder, 'no-resources')),
    readImage: async (path, seriesUid) => ({ volume: await readVolume(path, { seriesUid }), name: path }),
  });
}
