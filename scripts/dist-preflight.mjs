// What `npm run dist` needs before electron-builder runs, as one function so it is tested without
// packaging anything. electron-builder would otherwise download Electron itself, which hangs or
// fails on a machine without internet: we package from the binary npm installed, or stop.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Electron 45's own tooling (its npm package's install step) declares this Node floor. */
export const ELECTRON_TOOLING_NODE = '22.12.0';

function atLeast(version, floor) {
  const [a, b] = [version, floor].map((v) => v.replace(/^v/, '').split('.').map(Number));
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/**
 * The folder holding the installed Electron binary (electron-builder's `electronDist`), or one
 * sentence saying why `npm run dist` cannot package on this machine.
 */
export function distPreflight({ repositoryRoot, nodeVersion, overrideDistPath }) {
  const distDir = overrideDistPath ?? join(repositoryRoot, 'node_modules', 'electron', 'dist');
  const pathFile = join(repositoryRoot, 'node_modules', 'electron', 'path.txt');
  const binaryName = overrideDistPath ? undefined : existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const installed = overrideDistPath ? existsSync(distDir) : binaryName !== undefined && existsSync(join(distDir, binaryName));
  if (installed) return { ok: true, electronDist: distDir };
  const fetchHint = atLeast(nodeVersion, ELECTRON_TOOLING_NODE)
    ? 'run `npx install-electron` once with internet access, then `npm run dist` again'
    : `fetching it needs Node ${ELECTRON_TOOLING_NODE} or newer (this is Node ${nodeVersion.replace(/^v/, '')}) and internet access: run \`npx install-electron\` there, then \`npm run dist\``;
  return {
    ok: false,
    reason: `npm run dist cannot package here: the Electron binary is not installed in ${distDir}; ${fetchHint}.`,
  };
}
