/**
 * Never lose a clinician's work (issue 15): the serve-mode server is killed with SIGKILL during an
 * annotation session. The page fails pending calls visibly, keeps its labels, reconnects to the
 * restarted server and exports; a fresh page offers to restore, losing at most the last action.
 * `node scripts/crash-kill.mjs` does the same at 20 random moments and prints the figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../scripts/serve-chromium.mjs';
import {
  brushAction,
  historyState,
  killServer,
  prepareBrush,
  restoreInNewPage,
  startServer,
  tibiaVoxels,
  waitIdle,
  waitReady,
} from '../scripts/crash-journey.mjs';
import { test, expect } from './fixtures';
import { exportTo } from './workspace-helpers';

type Server = Awaited<ReturnType<typeof startServer>>;

let dataDir = '';
let launched: Browser | undefined;
let server: Server | undefined;

test.beforeEach(async ({ appMode }) => {
  test.skip(appMode !== 'serve', 'Kills the serve-mode server; the desktop app has no server to kill.');
  // Two servers and two pages per journey: on a shared two-core machine this takes minutes.
  test.setTimeout(240_000);
  dataDir = mkdtempSync(join(tmpdir(), 'iseg-crash-'));
  launched = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
});

test.afterEach(async () => {
  await launched?.close();
  launched = undefined;
  if (server) await killServer(server.child);
  server = undefined;
  // Skipped journeys (the Electron project) never made one.
  if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
  dataDir = '';
});

/** The browser this journey launched (beforeEach). */
function browser(): Browser {
  if (!launched) throw new Error('the browser was not launched');
  return launched;
}

async function annotated(actions: number): Promise<{ page: Page; counts: number[] }> {
  server = await startServer(dataDir);
  const page = await browser().newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.url);
  await waitReady(page);
  await prepareBrush(page);
  const counts = [0];
  for (let n = 0; n < actions; n++) {
    await brushAction(page, n);
    await waitIdle(page);
    counts.push(await tibiaVoxels(page));
  }
  return { page, counts };
}

test('a killed server fails pending calls visibly; the page reconnects to its restart and exports', async () => {
  const { page, counts } = await annotated(3);
  expect(counts[3]).toBeGreaterThan(counts[2] ?? 0);
  const current = server;
  if (!current) throw new Error('no server');

  await killServer(current.child);
  await expect(page.locator('html')).toHaveAttribute('data-connection', 'lost');
  await expect(page.getByTestId('status-notice')).toContainText('connection to iSeg Studio was lost');
  // Export does not hang on "Exporting…": it fails at once and says why.
  await page.getByTestId('export-path').fill(join(dataDir, 'exports', 'crash-offline.labels.nii.gz'));
  await page.getByTestId('export-labels').click();
  await expect(page.getByTestId('export-status')).toHaveAttribute('data-state', 'error', { timeout: 5000 });
  await expect(page.getByTestId('export-status')).toContainText('connection');
  // The labels stay in the page, and the brush still works without the server.
  expect(await tibiaVoxels(page)).toBe(counts[3]);
  await brushAction(page, 3);
  await waitIdle(page);
  const offline = await tibiaVoxels(page);
  expect(offline).toBeGreaterThan(counts[3] ?? 0);

  // Restarted on the same port, with the token it kept: the page reconnects by itself.
  server = await startServer(dataDir, current.port);
  expect(server.url).toBe(current.url);
  await expect(page.locator('html')).toHaveAttribute('data-connection', 'open', { timeout: 15_000 });
  await expect(page.getByTestId('status-notice')).toContainText('Reconnected');
  await expect(page.locator('html')).toHaveAttribute('data-autosave', 'idle');
  // The stroke made while the server was down reached the journal after the reconnect.
  const other = await restoreInNewPage(browser(), server.url);
  expect(other.voxels).toBe(offline);
  await other.page.close();
  await exportTo(page, join(dataDir, 'exports', 'crash-reconnected.labels.nii.gz'));
  expect(await tibiaVoxels(page)).toBe(offline);
});

test('after kill -9 mid-session, a fresh page restores all but at most the last action', async () => {
  const { page, counts } = await annotated(4);
  const current = server;
  if (!current) throw new Error('no server');
  // Kill as the fifth stroke is committed, without waiting for its autosave.
  await brushAction(page, 4);
  await killServer(current.child);
  await waitIdle(page);
  const committed = (await historyState(page)).count;
  counts.push(await tibiaVoxels(page));

  server = await startServer(dataDir, current.port);
  const restored = await restoreInNewPage(browser(), server.url);
  const lost = committed - restored.history.cursor;
  console.log(`kill -9 during action 5: ${committed} actions committed, ${restored.history.cursor} restored (lost ${lost})`);
  expect(lost).toBeGreaterThanOrEqual(0);
  expect(lost).toBeLessThanOrEqual(1);
  expect(restored.voxels).toBe(counts[restored.history.cursor]);
  expect(restored.history.count).toBe(restored.history.cursor);
  await expect(restored.page.getByTestId('status-notice')).toContainText('Restored the unsaved work on Sample knee');
  // Undo works on the restored history.
  await restored.page.keyboard.press('Control+z');
  await waitIdle(restored.page);
  expect(await tibiaVoxels(restored.page)).toBe(counts[restored.history.cursor - 1]);
});

test('asks before discarding unsaved labels: another image, and closing the page', async () => {
  const { page, counts } = await annotated(1);
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('confirm-discard')).toBeVisible();
  await expect(page.getByTestId('confirm-discard')).toContainText('not exported or saved');
  await page.getByTestId('confirm-discard-cancel').click();
  expect(await tibiaVoxels(page)).toBe(counts[1]);

  // Reloading (or closing) the page is held by the browser's own question; dismissed, nothing is lost.
  const dialog = page.waitForEvent('dialog');
  const reload = page.reload({ timeout: 3000 }).catch(() => undefined); // cancelled: never completes
  const asked = await dialog;
  expect(asked.type()).toBe('beforeunload');
  await asked.dismiss();
  await reload;
  expect(await tibiaVoxels(page)).toBe(counts[1]);

  await page.getByTestId('open-sample').click();
  await page.getByTestId('confirm-discard-confirm').click();
  await waitIdle(page);
  expect(await tibiaVoxels(page)).toBe(0);
});
