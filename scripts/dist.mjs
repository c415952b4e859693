// `npm run dist [-- --dir]`: packages the built app (AppImage and deb on Linux; --dir for an
// unpacked folder) with electron-builder, from the Electron binary npm installed.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distPreflight } from './dist-preflight.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const preflight = distPreflight({
  repositoryRoot: root,
  nodeVersion: process.version,
  overrideDistPath: process.env.ELECTRON_OVERRIDE_DIST_PATH,
});
if (!preflight.ok) {
  console.error(preflight.reason);
  process.exit(1);
}
const builder = join(root, 'node_modules', 'electron-builder', 'cli.js');
const args = ['--config', 'build/electron-builder.yml', `-c.electronDist=${preflight.electronDist}`, ...process.argv.slice(2)];
const child = spawn(process.execPath, [builder, ...args], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
