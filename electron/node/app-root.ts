/** Locates the application's files relative to the built entry points in dist/electron/. */
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface AppPaths {
  root: string;
  rendererDir: string;
  workerEntry: string;
  /** The worker thread that parses image files off the main event loop. */
  volumeReaderEntry: string;
  resourcesDir: string;
  modelsDir: string;
  version: string;
}

export function appPaths(entryUrl: string): AppPaths {
  const root = join(dirname(fileURLToPath(entryUrl)), '..', '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
  return {
    root,
    rendererDir: join(root, 'dist', 'renderer'),
    workerEntry: join(root, 'dist', 'electron', 'inference-worker.js'),
    volumeReaderEntry: join(root, 'dist', 'electron', 'volume-reader.js'),
    resourcesDir: join(root, 'resources'),
    modelsDir: join(root, 'native-models'),
    version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
  };
}
