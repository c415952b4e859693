/**
 * Everything both entry points (the Electron main process and serve mode) set up the same way:
 * the inference worker, the file-access policy, the initial image and the service handlers.
 */
import { basename, dirname, join } from 'node:path';
import type { AppInfo } from '../common/contract';
import type { ServiceHandlers } from '../common/dispatch';
import type { AppPaths } from './app-root';
import { ClientEvents } from './client-events';
import { FileAccessPolicy } from './file-access';
import { InferencePool, inferenceWorkerCount, threadsPerWorker, WORKERS_ENV, type InferenceService } from './inference-pool';
import { readerPhasesText, ThreadedVolumeReader } from './io/volume-reader';
import { sampleLoader } from './sample';
import { createServiceHandlers, type LoadedVolume } from './services';
import type { WorkerLauncher } from './worker-process';
import { JournalStore } from './journal/journal-store';
import { RememberedGrants } from './remembered-grants';

export interface AppServicesOptions {
  transport: AppInfo['transport'];
  paths: AppPaths;
  launcher: WorkerLauncher;
  /** An image file or DICOM folder given on the command line. */
  initialPath?: string;
  /** Folders whose images the page may open (serve mode). */
  roots?: readonly string[];
  /** Where the page may write new files (serve mode; the desktop app writes only where a save dialog chose). */
  outputFolder?: string;
  chooseImage?: (folder: boolean, startIn?: string) => Promise<string | undefined>;
  chooseSavePath?: (suggestedName: string) => Promise<string | undefined>;
  log?: (message: string) => void;
  /** The per-user data folder (journal/ holds the autosave journal); undefined: no autosave. */
  dataFolder?: string;
  /** How many inference workers (serve's --inference-workers); default $ISEG_INFERENCE_WORKERS, else one per core, 1 to 4. */
  inferenceWorkers?: string;
}

export interface AppServices {
  handlers: ServiceHandlers;
  /** Events for one client (propagation progress): main forwards them to its window, serve mode to that socket. */
  events: ClientEvents;
  journal?: JournalStore;
  inference: InferenceService;
  files: FileAccessPolicy;
}

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const files = new FileAccessPolicy();
  for (const root of options.roots ?? []) await files.addRoot(root);
  if (options.outputFolder !== undefined) await files.setOutputFolder(options.outputFolder);
  // The desktop app's recent files reopen across restarts only if their dialog grants do.
  if (options.transport === 'electron' && options.dataFolder !== undefined) {
    const remembered = new RememberedGrants(join(options.dataFolder, 'recent-grants.json'));
    for (const path of await remembered.load()) files.grantRemembered(path);
    files.onGrant = (real) => void remembered.remember(real);
  }
  const initialPath = options.initialPath;
  if (initialPath !== undefined) {
    const granted = await files.grant(initialPath);
    await files.noteRead(granted);
    // The initial image's folder is where its label maps and ground truth usually live.
    if (options.transport === 'serve') await files.addRoot(dirname(granted));
  }
  // Files are parsed on a worker thread, so one slow or hostile file never stalls other calls.
  const reader = new ThreadedVolumeReader(options.paths.volumeReaderEntry);
  reader.warm();
  const say = options.log ?? ((m: string) => console.log(m));
  const trace = process.env.ISEG_TRACE === '1';
  const readImage = async (path: string, seriesUid?: string): Promise<LoadedVolume> => {
    // Every image opened here is shown in a page: one it could not hold is refused before it is read.
    const { volume, summary, phases } = await reader.readSummarized(path, { seriesUid, forViewer: true });
    if (trace) say(`[trace] open phases: ${readerPhasesText(phases, volume.voxels.byteLength)}`);
    return { volume, summary, name: basename(path) };
  };
  let workers: number;
  try {
    workers = inferenceWorkerCount(options.inferenceWorkers ?? process.env[WORKERS_ENV]);
  } catch (error) {
    // Serve mode checks its flag before; a bad environment variable must not stop the desktop app.
    workers = inferenceWorkerCount(undefined);
    say(`${error instanceof Error ? error.message : String(error)} Using ${workers}.`);
  }
  const clickThreads = threadsPerWorker(workers);
  const inference = new InferencePool(options.launcher, { size: workers, clickThreads, ...(options.log ? { log: options.log } : {}) });
  inference.start();
  say(`Inference: ${workers} worker${workers === 1 ? '' : 's'}, ${clickThreads} ONNX thread${clickThreads === 1 ? '' : 's'} each for click models.`);
  const journal = options.dataFolder === undefined ? undefined : new JournalStore(join(options.dataFolder, 'journal'), options.log ? { log: options.log } : {});
  const events = new ClientEvents();
  const handlers = createServiceHandlers({
    events,
    transport: options.transport,
    version: options.paths.version,
    inference,
    files,
    readImage,
    loadSample: sampleLoader(options.paths.resourcesDir),
    modelsRoot: options.paths.modelsDir,
    ...(initialPath !== undefined ? { loadInitial: () => readImage(initialPath), initialPath } : {}),
    ...(journal ? { journal } : {}),
    ...(options.chooseImage ? { chooseImage: options.chooseImage } : {}),
    ...(options.chooseSavePath ? { chooseSavePath: options.chooseSavePath } : {}),
  });
  return { handlers, events, inference, files, ...(journal ? { journal } : {}) };
}
