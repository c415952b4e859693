// `npm run serve`: dist/electron/serve.js in a child process started with the server's
// environment (server-env.mjs); signals pass through and its exit code is this one's.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverEnvironment } from './server-env.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs serve mode with `args` until it exits; exits this process with its code. */
export function runServe(args) {
  const serve = spawn(process.execPath, [join(root, 'dist/electron/serve.js'), ...args], { stdio: 'inherit', env: serverEnvironment() });
  serve.on('exit', (code) => process.exit(code ?? 1)); // no code: it was killed by a signal
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => serve.kill(signal));
  return serve;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) runServe(process.argv.slice(2));
