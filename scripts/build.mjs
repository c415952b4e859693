// Builds every runtime with esbuild: Node/Electron entries as ES modules with dependencies left
// external, the sandboxed preload as one CommonJS file, and the renderer as one browser bundle.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const started = Date.now();

const allNodeEntries = {
  main: 'electron/main/main.ts',
  serve: 'electron/serve/serve.ts',
  cli: 'electron/cli/iseg.ts',
  'inference-worker': 'electron/inference/worker.ts',
  'volume-reader': 'electron/node/io/volume-reader-worker.ts',
  'grow-worker': 'electron/node/propagation/grow-thread-worker.ts',
};
const nodeEntries = Object.fromEntries(
  Object.entries(allNodeEntries).filter(([name, entry]) => {
    const present = existsSync(join(root, entry));
    if (!present) console.warn(`build: WARNING entry point ${entry} is missing; dist/electron/${name}.js is not built.`);
    return present;
  }),
);

await Promise.all([
  build({
    absWorkingDir: root,
    entryPoints: nodeEntries,
    outdir: 'dist/electron',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  }),
  // Sandboxed preloads cannot be ES modules and may require only 'electron'.
  build({
    absWorkingDir: root,
    entryPoints: { preload: 'electron/preload/preload.ts' },
    outfile: 'dist/electron/preload.cjs',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron'],
    logLevel: 'warning',
  }),
  build({
    absWorkingDir: root,
    // The review, statistics, propagation-merge and 3D-surface workers are their own bundles: the page starts each with new URL('./<name>.js', import.meta.url).
    entryPoints: {
      app: 'renderer/src/main.ts',
      'review-worker': 'renderer/src/review/review-worker.ts',
      'propagation-merge-worker': 'renderer/src/segmentation/propagation-merge-worker.ts',
      'statistics-worker': 'renderer/src/stats/statistics-worker.ts',
      'view3d-worker': 'renderer/src/views/view3d-worker.ts',
    },
    outdir: 'dist/renderer',
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    sourcemap: true,
    minify: process.env.ISEG_NO_MINIFY !== "1",
    loader: { '.glsl': 'text' },
    logLevel: 'warning',
  }),
]);
await mkdir(join(root, 'dist/renderer'), { recursive: true });
await copyFile(join(root, 'renderer/index.html'), join(root, 'dist/renderer/index.html'));
await copyFile(join(root, 'renderer/styles.css'), join(root, 'dist/renderer/styles.css'));
if (!quiet) console.log(`Built dist/ in ${Date.now() - started} ms.`);
