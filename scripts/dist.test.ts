// `npm run dist`: one sentence where it cannot package, and a builder configuration that
// electron-builder itself accepts, with the security fuses set.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugLogger } from 'builder-util';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import type { Configuration } from 'app-builder-lib';
import { distPreflight } from './dist-preflight.mjs';

describe('npm run dist preflight', () => {
  it('refuses in one sentence, with no stack trace, where no Electron binary is installed', () => {
    const run = spawnSync(process.execPath, ['scripts/dist.mjs', '--dir'], {
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron-dist' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm run dist cannot package here: the Electron binary is not installed in \/nonexistent-electron-dist; .*\.$/);
  });

  it('names the Node floor of Electron tooling only where the running Node is older', () => {
    const repositoryRoot = mkdtempSync(join(tmpdir(), 'dist-'));
    const old = distPreflight({ repositoryRoot, nodeVersion: 'v20.20.2' });
    const recent = distPreflight({ repositoryRoot, nodeVersion: 'v22.12.0' });
    expect(old.ok).toBe(false);
    expect(!old.ok && old.reason).toContain('needs Node 22.12.0 or newer (this is Node 20.20.2)');
    expect(!recent.ok && recent.reason).not.toContain('needs Node');
  });

  it('finds the binary npm installed through electron/path.txt', () => {
    const repositoryRoot = mkdtempSync(join(tmpdir(), 'dist-'));
    const electronDir = join(repositoryRoot, 'node_modules', 'electron');
    mkdirSync(join(electronDir, 'dist'), { recursive: true });
    writeFileSync(join(electronDir, 'path.txt'), 'electron');
    expect(distPreflight({ repositoryRoot, nodeVersion: 'v20.0.0' }).ok).toBe(false);
    writeFileSync(join(electronDir, 'dist', 'electron'), '');
    expect(distPreflight({ repositoryRoot, nodeVersion: 'v20.0.0' })).toEqual({ ok: true, electronDist: join(electronDir, 'dist') });
  });
});

describe('electron-builder configuration', () => {
  // Read by electron-builder's own loader, as `npm run dist` reads it.
  const loading = getConfig(process.cwd(), 'build/electron-builder.yml', null);

  it('passes electron-builder’s own schema', async () => {
    const config = await loading;
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('is refused by that schema when a fuse is misspelt (the check can fail)', async () => {
    const config = await loading;
    const misspelt = { ...config, electronFuses: { ...config.electronFuses, runAsNod: false } } as Configuration;
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/configuration\.electronFuses/);
  });

  it('sets the security fuses and builds the Linux installers', async () => {
    const config = await loading;
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
  });
});
