/**
 * `npm run serve`: the same services as the desktop app, for a browser on this machine.
 *   node dist/electron/serve.js [image or DICOM folder] [--port N] [--root DIR ...] [--output DIR] [--inference-workers N]
 * The URL printed carries a random per-run token; nothing listens beyond 127.0.0.1.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { appPaths } from '../node/app-root';
import { createAppServices } from '../node/app-services';
import { nodeWorkerLauncher } from '../node/worker-process';
import { inferenceWorkerCount, WORKERS_ENV } from '../node/inference-pool';
import { serveFolders, type ServeFolders } from './serve-folders';
import { startServeServer } from './server';
import { userDataFolder } from '../node/journal/data-folder';
import { saveToken, tokenFor } from './serve-token';

const USAGE = `Usage: npm run serve -- [image or DICOM folder] [--port N] [--root DIR ...] [--output DIR] [--inference-workers N]
Serves iSeg Studio to a browser on this machine (127.0.0.1 only).
  --port N       port to listen on (default: any free port)
  --root DIR     a folder whose images the browser may open (repeatable; default: the data folder,
                 ~/iseg-data or $ISEG_DATA_DIR, never the current folder)
  --output DIR   where exports and sessions are written, as new files only (default: the data folder's exports/)
  --inference-workers N
                 processes running click models side by side, 1 to 16 (default: $ISEG_INFERENCE_WORKERS,
                 else one per core, at most 4); each click session stays on one`;

function fail(message: string): never {
  console.error(`iseg serve: ${message}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      root: { type: 'string', multiple: true },
      output: { type: 'string' },
      'inference-workers': { type: 'string' },
      help: { type: 'boolean' },
    },
    allowPositionals: true,
  });
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(parsed.values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not "${parsed.values.port}".`);
if (parsed.positionals.length > 1) fail(`give at most one image, not ${parsed.positionals.length}.\n${USAGE}`);
const initialPath = parsed.positionals[0];
if (initialPath !== undefined && !existsSync(initialPath)) fail(`${initialPath}: there is no such file or folder.`);
const inferenceWorkers = parsed.values['inference-workers'] ?? process.env[WORKERS_ENV];
try {
  inferenceWorkerCount(inferenceWorkers);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
for (const root of parsed.values.root ?? []) if (!existsSync(root)) fail(`--root ${root}: there is no such folder.`);
let folders: ServeFolders;
try {
  folders = serveFolders({ roots: parsed.values.root, output: parsed.values.output });
} catch (error) {
  fail(`could not create the data or output folder (${error instanceof Error ? error.message : String(error)}).`);
}

const paths = appPaths(import.meta.url);
// The autosave journal and the token live here (ISEG_STATE_DIR overrides it).
const dataFolder = userDataFolder();
const { handlers, events, inference, journal } = await createAppServices({
  transport: 'serve',
  paths,
  launcher: nodeWorkerLauncher(paths.workerEntry),
  roots: folders.roots,
  outputFolder: folders.output,
  dataFolder,
  ...(initialPath !== undefined ? { initialPath } : {}),
  ...(inferenceWorkers !== undefined ? { inferenceWorkers } : {}),
});
// Restarted on the same port, the server keeps its token, so open pages reconnect.
const token = await tokenFor(dataFolder, port);
const server = await startServeServer({ handlers, staticDir: paths.rendererDir, port, token }).catch((error: unknown) =>
  fail(`could not listen on 127.0.0.1:${port} (${error instanceof Error ? error.message : String(error)}).`),
);
await saveToken(dataFolder, server.port, token).catch((error: unknown) => {
  console.error(`iseg serve: could not keep the token in ${dataFolder} (${error instanceof Error ? error.message : String(error)}); a restart will need a new address.`);
});
inference.onStatus((status) => {
  server.broadcast('inference.status', status);
});
events.subscribe((clientId, name, payload) => {
  server.sendTo(clientId, name, payload);
});

for (const line of folders.notice) console.log(line);
console.log(`iSeg Studio is served on this machine only. Open this address in Chrome or Chromium:\n\n  ${server.url}\n`);
console.log(`ISEG_SERVE_URL=${server.url}`);
console.log('Press Ctrl+C to stop.');

// The last net under the frame handler's own: a promise nobody awaited must not end serve mode
// (Node exits on an unhandled rejection), since every other client's work would go with it.
process.on('unhandledRejection', (reason) => {
  console.error(`iseg serve: an unexpected error was caught and serving goes on: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});

const shutdown = (): void => {
  inference.stop();
  void Promise.all([server.close(), journal?.close()]).then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
