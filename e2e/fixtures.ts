/**
 * Starts the app for a journey: serve mode in Debian's Chromium, or the Electron app through
 * Playwright's _electron when its binary is installed. Tests wait on the app's own state
 * attributes (data-app-state, data-busy), never on timers.
 */
import { test as base, chromium, _electron, type Page, type TestInfo } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, chromiumPath, startServe } from '../scripts/serve-chromium.mjs';

export type AppMode = 'serve' | 'electron';

/** The app's environment for a journey: its first-run sample (ISEG_SAMPLE) and, if given, its number of inference workers chosen. */
function journeyEnv(firstRunSample: string, inferenceWorkers: string | undefined): Record<string, string> {
  return { ...(process.env as Record<string, string>), ISEG_SAMPLE: firstRunSample, ...(inferenceWorkers === undefined ? {} : { ISEG_INFERENCE_WORKERS: inferenceWorkers }) };
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const artifactsDir = join(root, 'e2e', 'artifacts');

/** Path of the Electron binary if it is installed, without triggering its lazy download. */
export function installedElectronBinary(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return undefined;
    const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8'));
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

let reportedElectronSkip = false;

export interface AppFixture {
  page: Page;
  mode: AppMode;
  /** Pid of the serve-mode server (undefined under Electron). */
  serverPid?: number;
}

export const test = base.extend<{ app: AppFixture; firstRunSample: string; inferenceWorkers: string | undefined }, { appMode: AppMode }>({
  appMode: ['serve', { option: true, scope: 'worker' }],
  /** The journeys start on the labelled, simulated sample: their clicks and Dice figures are made on it. */
  firstRunSample: ['knee-simulated', { option: true }],
  /** ISEG_INFERENCE_WORKERS for the app (undefined: the app's default, one per core). */
  inferenceWorkers: [undefined, { option: true }],
  app: async ({ appMode, firstRunSample, inferenceWorkers }, use, testInfo) => {
    if (appMode === 'electron') {
      const binary = installedElectronBinary();
      if (!binary && !reportedElectronSkip) {
        reportedElectronSkip = true;
        console.log('electron project: skipped — no Electron binary is installed here (offline); serve-chromium runs the same journeys.');
      }
      testInfo.skip(!binary, 'Electron binary not installed here (offline); the serve-chromium project runs the same journey.');
      const electronApp = await _electron.launch({ executablePath: binary, args: ['--no-sandbox', root], cwd: root, env: journeyEnv(firstRunSample, inferenceWorkers) });
      const page = await electronApp.firstWindow();
      await use({ page, mode: 'electron' });
      await electronApp.close();
      return;
    }
    // Serve mode writes only new files under its output folder: each journey starts with an empty one.
    const exports = join(artifactsDir, 'exports');
    rmSync(exports, { recursive: true, force: true });
    mkdirSync(exports, { recursive: true });
    const { url, child } = await startServe({ extraArgs: ['--root', root, '--output', exports], env: journeyEnv(firstRunSample, inferenceWorkers) });
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') console.error(`[page console] ${message.text()}`);
    });
    await page.goto(url);
    await use({ page, mode: 'serve', serverPid: child.pid });
    await browser.close();
    child.kill('SIGTERM');
  },
});

export { expect } from '@playwright/test';

/** Saves a screenshot as a test artefact (e2e/artifacts/<project>/<name>.png) and returns it. */
export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string, selector?: string): Promise<Buffer> {
  const dir = join(artifactsDir, testInfo.project.name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  const shot = selector ? await page.locator(selector).screenshot({ path }) : await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  return shot;
}
