// `npm start` without a usable Electron binary must explain itself and fall back to serve mode.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';

describe('npm start without Electron', () => {
  it('says why and serves the app instead of printing a stack trace', async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--quiet']);
    // Points Electron's launcher at a folder with no binary, as on an offline machine.
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron-dist' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no serve URL in time:\n${output}`)), 60_000);
      const check = setInterval(() => {
        if (/ISEG_SERVE_URL=http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(output)) {
          clearInterval(check);
          clearTimeout(timer);
          resolve();
        }
      }, 50);
    });
    child.kill('SIGTERM');
    expect(output).toMatch(/Electron binary .* could not be started|not installed and could not be downloaded/);
    expect(output).toContain('serve mode');
    expect(output).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  }, 90_000);
});
