/**
 * What the e2e journeys and `npm run bench:open` share: Debian's Chromium with software WebGL, and
 * the serve-mode server started on a free port. Plain JavaScript so the .mjs bench can import it;
 * types in serve-chromium.d.mts for the TypeScript fixture.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverEnvironment } from './server-env.mjs';

export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p) => typeof p === 'string' && p.length > 0);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error("Chromium not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.");
  return found;
}

/**
 * Starts dist/electron/serve.js on a free port; resolves with its URL once it prints it. Unless the
 * environment names them, each server gets a fresh state folder (ISEG_STATE_DIR) and data folder
 * (ISEG_DATA_DIR), so no journey (or the user's own folders) sees another run's autosave journal,
 * token or files. `appRoot`: another checkout's build to serve (a benchmark's baseline).
 */
export function startServe({ extraArgs = [], env = process.env, onOutput, appRoot = repositoryRoot } = {}) {
  env = serverEnvironment(env);
  if (!env.ISEG_STATE_DIR) env = { ...env, ISEG_STATE_DIR: mkdtempSync(join(tmpdir(), 'iseg-state-')) };
  if (!env.ISEG_DATA_DIR) env = { ...env, ISEG_DATA_DIR: mkdtempSync(join(tmpdir(), 'iseg-data-')) };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(appRoot, 'dist/electron/serve.js'), '--port', '0', ...extraArgs], {
      cwd: appRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      const text = chunk.toString();
      output += text;
      onOutput?.(text);
      const match = /ISEG_SERVE_URL=(\S+)/.exec(output);
      if (match?.[1]) resolve({ url: match[1], child });
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    child.once('exit', (code) => reject(new Error(`serve mode exited early (code ${code ?? '?'}):\n${output}`)));
  });
}
