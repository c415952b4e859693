/**
 * `npm run serve`: the same services as the desktop app, for a browser on this machine.
 *   node dist/electron/serve.js [--port N]
 * The URL printed carries a random per-run token; nothing listens beyond 127.0.0.1.
 */
import { parseArgs } from 'node:util';
import { appPaths } from '../node/app-root';
import { InferenceHost } from '../node/inference-host';
import { nodeWorkerLauncher } from '../node/worker-process';
import { createServiceHandlers } from '../node/services';
import { loadSample } from '../node/sample';
import { startServeServer } from './server';

function fail(message: string): never {
  console.error(`iseg serve: ${message}`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({ options: { port: { type: 'string', default: '0' }, help: { type: 'boolean' } }, allowPositionals: false });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (args.values.help) {
  console.log('Usage: npm run serve -- [--port N]\nServes iSeg Studio to a browser on this machine (127.0.0.1 only).');
  process.exit(0);
}
const port = Number(args.values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not "${args.values.port}".`);

const paths = appPaths(import.meta.url);
const inference = new InferenceHost(nodeWorkerLauncher(paths.workerEntry));
inference.start();
const handlers = createServiceHandlers({ transport: 'serve', version: paths.version, inference, loadSample });
const server = await startServeServer({ handlers, staticDir: paths.rendererDir, port }).catch((error: unknown) =>
  fail(`could not listen on 127.0.0.1:${port} (${error instanceof Error ? error.message : String(error)}).`),
);
inference.onStatus((status) => {
  server.broadcast('inference.status', status);
});

console.log(`iSeg Studio is served on this machine only. Open this address in Chrome or Chromium:\n\n  ${server.url}\n`);
console.log(`ISEG_SERVE_URL=${server.url}`);
console.log('Press Ctrl+C to stop.');

const shutdown = (): void => {
  inference.stop();
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
