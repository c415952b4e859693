/** Finds the app's built inference worker (dist/electron/inference-worker.js), for `iseg bench`. */
import { existsSync } from 'node:fs';
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

/** The built app worker if it exists. */
export function builtAppWorker(starts: readonly string[]): string | undefined {
  return findUp(starts, join('dist', 'electron', 'inference-worker.js'));
}
