/** Test support: bundles a worker entry to a temp file so tests need no prior build. */
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bundles `entry` (relative to electron/) as an ES module; returns the bundle's path. */
export async function buildEntryForTests(entry: string, outName: string): Promise<string> {
  // Inside the repository, so the bundle's external packages resolve from node_modules.
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const cache = join(root, 'node_modules', '.cache', 'iseg-tests');
  mkdirSync(cache, { recursive: true });
  const outdir = mkdtempSync(join(cache, 'worker-'));
  const entryPath = fileURLToPath(new URL(`../../${entry}`, import.meta.url));
  const outfile = join(outdir, outName);
  await build({ entryPoints: [entryPath], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error', absWorkingDir: root });
  return outfile;
}

export function buildWorkerForTests(): Promise<string> {
  return buildEntryForTests('inference/worker.ts', 'inference-worker.mjs');
}
