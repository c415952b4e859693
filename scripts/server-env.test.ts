import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverEnvironment } from './server-env.mjs';

describe("the server's environment", () => {
  it('asks glibc for huge pages on Linux, keeping the tunables already set', () => {
    expect(serverEnvironment({ PATH: '/bin' }, 'linux')).toEqual({ PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
    expect(serverEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux').GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
  });

  it("leaves a user's own choice, other platforms and the input alone", () => {
    expect(serverEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'linux').GLIBC_TUNABLES).toBe('glibc.malloc.hugetlb=0');
    expect(serverEnvironment({ GLIBC_TUNABLES: 'a=1:glibc.malloc.hugetlb=2' }, 'linux').GLIBC_TUNABLES).toBe('a=1:glibc.malloc.hugetlb=2');
    expect(serverEnvironment({ PATH: 'C:\\' }, 'win32')).toEqual({ PATH: 'C:\\' });
    expect(serverEnvironment({}, 'darwin')).toEqual({});
    const input = { PATH: '/bin' };
    serverEnvironment(input, 'linux');
    expect(input).toEqual({ PATH: '/bin' });
  });

  it.runIf(process.platform === 'linux')('is what `npm run serve` starts the server with; a signal to the launcher stops the server', async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--quiet']);
    const launcher = spawn(process.execPath, ['scripts/serve.mjs', '--port', '0'], {
      env: { ...process.env, GLIBC_TUNABLES: '', ISEG_STATE_DIR: mkdtempSync(join(tmpdir(), 'iseg-env-state-')), ISEG_DATA_DIR: mkdtempSync(join(tmpdir(), 'iseg-env-data-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    launcher.stdout.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    await expect.poll(() => /ISEG_SERVE_URL=/.test(output), { timeout: 60_000 }).toBe(true);
    const [server] = readFileSync(`/proc/${launcher.pid}/task/${launcher.pid}/children`, 'utf8').trim().split(/\s+/);
    const environ = readFileSync(`/proc/${server}/environ`, 'utf8').split('\0');
    expect(environ).toContain('GLIBC_TUNABLES=glibc.malloc.hugetlb=1');
    launcher.kill('SIGTERM');
    await exited;
    await expect.poll(() => existsSync(`/proc/${server}`), { timeout: 10_000 }).toBe(false);
  }, 90_000);
});
