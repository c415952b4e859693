/**
 * What the crash-recovery journey (e2e/crash-recovery.spec.ts) and `scripts/crash-kill.mjs` share:
 * a serve-mode server on a fixed port and data folder that can be killed with SIGKILL and started
 * again, and a scripted annotation session (brush strokes on the sample, one action each).
 * Plain JavaScript so the .mjs script can import it; types in crash-journey.d.mts.
 */
import { join } from 'node:path';
import { startServe } from './serve-chromium.mjs';

/** Starts serve mode on `port` (0: any) with its journal and token in `dataDir`. */
export async function startServer(dataDir, port = 0) {
  // Exports go to the data folder's own exports/ (serve mode writes only new files there).
  const { url, child } = await startServe({ extraArgs: ['--port', String(port), '--output', join(dataDir, 'exports')], env: { ...process.env, ISEG_STATE_DIR: dataDir, ISEG_DATA_DIR: dataDir, ISEG_SAMPLE: 'knee-simulated' } });
  return { url, child, port: Number(new URL(url).port) };
}

/** SIGKILL, and waits until the process is gone (its port free for a restart). */
export function killServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export async function waitReady(page) {
  await page.waitForSelector('html[data-app-state=ready][data-busy=false]', { timeout: 60_000 });
}

export async function waitIdle(page) {
  await page.waitForSelector('html[data-busy=false]', { timeout: 30_000 });
}

/** The knee preset with the tibia (3) active and the brush chosen. */
export async function prepareBrush(page) {
  await page.getByTestId('segment-preset-knee').click();
  await page.locator('[data-testid=segment-row][data-value="3"] [data-testid=segment-select]').check();
  await page.getByTestId('tool-brush').click();
}

/**
 * Action `n` of the session: a short brush stroke on its own row of the coronal view, so every
 * action adds voxels of its own. Resolves when the stroke is committed (mouse up).
 */
export async function brushAction(page, n) {
  const box = await page.getByTestId('view-coronal').boundingBox();
  if (!box) throw new Error('the coronal view is not on screen');
  const y = box.y + box.height * (0.3 + 0.025 * (n % 20));
  const x0 = box.x + box.width * (0.35 + 0.01 * Math.floor(n / 20));
  await page.mouse.move(x0, y);
  await page.mouse.down();
  await page.mouse.move(x0 + box.width * 0.12, y, { steps: 3 });
  await page.mouse.up();
}

export async function tibiaVoxels(page) {
  return Number(await page.locator('[data-testid=segment-row][data-value="3"]').getAttribute('data-voxels'));
}

export async function historyState(page) {
  const list = page.getByTestId('history-list');
  return { count: Number(await list.getAttribute('data-count')), cursor: Number(await list.getAttribute('data-cursor')) };
}

/** Opens `url` in a new page and accepts the restore offer; resolves with what was restored. */
export async function restoreInNewPage(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await waitReady(page);
  await page.getByTestId('restore-offer-confirm').click({ timeout: 30_000 });
  await page.waitForSelector('[data-testid=restore-offer]', { state: 'detached' });
  await waitIdle(page);
  return { page, voxels: await tibiaVoxels(page), history: await historyState(page) };
}
