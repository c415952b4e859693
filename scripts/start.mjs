// `npm start`: runs the Electron app. Electron's binary is fetched lazily on first start; where
// it cannot be had (offline), say so in one paragraph and run serve mode instead of failing.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runServe } from './serve.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const noFallback = args.includes('--no-fallback');
const appArgs = args.filter((a) => a !== '--no-fallback');

function electronBinary() {
  // require('electron') downloads the binary when it is missing; give it a bounded time.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return probe.status === 0 && probe.stdout ? probe.stdout : undefined;
}

function fallBackToServe(reason) {
  console.error(
    [
      `iSeg Studio: ${reason}`,
      'The same app runs in a browser: starting serve mode now (npm run serve).',
      'To get the desktop window, run `npx install-electron` once with internet access, then npm start.',
      '',
    ].join('\n'),
  );
  if (noFallback) process.exit(1);
  runServe(appArgs);
}

const binary = electronBinary();
if (!binary) {
  fallBackToServe('the Electron binary is not installed and could not be downloaded (this machine is probably offline).');
} else {
  const sandboxArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  // Not serverEnvironment(): Electron's ArrayBuffers do not come from glibc's malloc, so the
  // tunable would reach only Chromium's own processes, unmeasured.
  const child = spawn(binary, [...sandboxArgs, root, ...appArgs], { stdio: 'inherit' });
  child.on('error', () => fallBackToServe(`the Electron binary at ${binary} could not be started.`));
  child.on('exit', (code) => {
    if (code !== null) process.exit(code);
  });
}
