/**
 * A worker entry that has the click operations, for `iseg bench` and tests: the app's built
 * worker (dist/electron/inference-worker.js) once it includes them, else electron/inference/
 * click/bench-worker.ts bundled on the fly with esbuild (a dev dependency, imported lazily).
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function findUp(starts: readonly string[], relativePath: string): string | undefined {
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, relativePath);
      if (existsSync(candidate)) return candidate;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}

/** Bundles bench-worker.ts into node_modules/.cache so its packages resolve from the repository. */
export async function buildClickWorker(starts: readonly string[]): Promise<string> {
  const entry = findUp(starts, join('electron', 'inference', 'click', 'bench-worker.ts'));
  if (!entry) throw new Error('electron/inference/click/bench-worker.ts was not found (run from the repository).');
  const root = resolve(dirname(entry), '..', '..', '..');
  const cache = join(root, 'node_modules', '.cache', 'iseg-click-worker');
  mkdirSync(cache, { recursive: true });
  const outfile = join(mkdtempSync(join(cache, 'w-')), 'click-worker.mjs');
  const { build } = await import('esbuild');
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error', absWorkingDir: root });
  return outfile;
}

/** The built app worker if it exists (the caller checks that it knows the click ops). */
export function builtAppWorker(starts: readonly string[]): string | undefined {
  return findUp(starts, join('dist', 'electron', 'inference-worker.js'));
}
