/** Test support: bundles the inference worker entry to a temp file so tests need no prior build. */
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export async function buildWorkerForTests(): Promise<string> {
  // Inside the repository, so the bundle's external packages resolve from node_modules.
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const cache = join(root, 'node_modules', '.cache', 'iseg-tests');
  mkdirSync(cache, { recursive: true });
  const outdir = mkdtempSync(join(cache, 'worker-'));
  const entry = fileURLToPath(new URL('../../inference/worker.ts', import.meta.url));
  const outfile = join(outdir, 'inference-worker.mjs');
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error', absWorkingDir: root });
  return outfile;
}
