/**
 * Files like a desktop app (issue 17), in serve mode: a server started with two roots; the file
 * browser goes up to each root and across them, a typed folder is browsed (a DICOM folder opens
 * its series), a dropped file opens, and the recent files and the last folder survive a restart of
 * the server and the page.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { chromium } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, chromiumPath, startServe } from '../scripts/serve-chromium.mjs';
import { writeSyntheticSeries } from '../electron/node/io/test-support/synthetic-dicom';
import { test, expect, saveScreenshot } from './fixtures';
import { idle, ready, repoRoot, SLOW_START } from './workspace-helpers';

interface Server {
  url: string;
  child: ChildProcess;
}

let base = '';
let browser: Browser | undefined;
let server: Server | undefined;

test.beforeEach(({ appMode }) => {
  test.skip(
    appMode !== 'serve',
    'Serve mode starts its own server with two roots; the desktop app uses native dialogs.',
  );
  // Two server starts and two page loads on a shared two-core machine.
  test.setTimeout(240_000);
  base = realpathSync(mkdtempSync(join(tmpdir(), 'iseg-files-')));
});

test.afterEach(async () => {
  await browser?.close();
  browser = undefined;
  server?.child.kill('SIGTERM');
  server = undefined;
  if (base !== '') rmSync(base, { recursive: true, force: true });
  base = '';
});

async function startServer(
  roots: readonly string[],
  output: string,
  state: string,
  port = 0,
): Promise<Server> {
  const env = {
    ...(process.env as Record<string, string>),
    ISEG_STATE_DIR: state,
    ISEG_DATA_DIR: join(base, 'data'),
    ISEG_SAMPLE: 'knee-simulated',
  };
  const extraArgs = [
    ...roots.flatMap((root) => ['--root', root]),
    '--output',
    output,
    '--port',
    String(port),
  ];
  return startServe({ extraArgs, env });
}

async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(url);
  await ready(page, SLOW_START);
  return page;
}

async function openBrowser(page: Page): Promise<ReturnType<Page['getByTestId']>> {
  await page.getByTestId('open-file').click();
  const dialog = page.getByTestId('file-browser');
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute('data-loading', 'false');
  return dialog;
}

async function typePath(page: Page, path: string): Promise<void> {
  await page.getByTestId('file-browser-path').fill(path);
  await page.getByTestId('file-browser-ok').click();
}

/** The recent files' option texts, newest first (the placeholder left out). */
async function recentNames(page: Page): Promise<string[]> {
  const texts = await page.getByTestId('recent-files').locator('option').allTextContents();
  return texts.slice(1);
}

async function chooseRecent(page: Page, name: string): Promise<void> {
  await page.getByTestId('recent-files').selectOption({ label: name });
}

/**
 * A page script (a string: the e2e project compiles without the DOM's types) that makes a
 * DataTransfer holding one file with these bytes.
 */
function dataTransferScript(name: string, bytes: Buffer): string {
  return `(() => {
    const binary = atob(${JSON.stringify(bytes.toString('base64'))});
    const data = new Uint8Array(binary.length);
    for (let n = 0; n < binary.length; n++) data[n] = binary.charCodeAt(n);
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], ${JSON.stringify(name)}));
    return transfer;
  })()`;
}

/** Drops a file with these bytes on the views (a DataTransfer made in the page, as a real drop carries). */
async function dropFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  const transfer = await page.evaluateHandle(dataTransferScript(name, bytes));
  const target = page.getByTestId('view-axial');
  await target.dispatchEvent('dragenter', { dataTransfer: transfer });
  await expect(page.locator('html')).toHaveAttribute('data-drop-target', 'active');
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await target.dispatchEvent('drop', { dataTransfer: transfer });
  await expect(page.locator('html')).toHaveAttribute('data-drop-target', 'idle');
}

test('files: roots and typed folders in the browser, a dropped image, recent files and the last folder after a restart', async () => {
  const testInfo = test.info();
  const knees = join(base, 'knees');
  const others = join(base, 'others');
  const output = join(base, 'exports');
  const state = join(base, 'state');
  const series = join(knees, 'series');
  const plain = join(others, 'plain');
  for (const folder of [knees, others, output, state, series, plain]) mkdirSync(folder, { recursive: true });
  const sample = join(repoRoot, 'resources', 'sample', 'knee-sample.nii.gz');
  copyFileSync(sample, join(knees, 'knee.nii.gz'));
  await writeSyntheticSeries(series, { uid: '1.2.826.77', count: 5, rows: 16, columns: 12 });

  server = await startServer([knees, others], output, state);
  const port = new URL(server.url).port;
  browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  let page = await openPage(context, server.url);

  // The browser starts at the first root; up stops there; the picker crosses to every root.
  let dialog = await openBrowser(page);
  await expect(dialog).toHaveAttribute('data-folder', knees);
  await expect(page.getByTestId('file-browser-up')).toBeDisabled();
  const picker = page.getByTestId('file-browser-root');
  await expect(picker.locator('option')).toHaveText([knees, others, `${output} (exports)`]);
  await picker.selectOption(others);
  await expect(dialog).toHaveAttribute('data-folder', others);
  await expect(page.getByTestId('file-browser-up')).toBeDisabled();

  // A typed folder without DICOM is browsed (not "holds no DICOM images"); up goes back to its root.
  await typePath(page, plain);
  await expect(dialog).toHaveAttribute('data-folder', plain);
  await expect(page.getByTestId('file-browser-error')).toHaveText('No images here.');
  await expect(picker).toHaveValue(others);
  await page.getByTestId('file-browser-up').click();
  await expect(dialog).toHaveAttribute('data-folder', others);
  // A typed path above the roots stays in the dialog, refused.
  await typePath(page, join(others, '..'));
  await expect(page.getByTestId('file-browser-error')).toContainText(
    'outside the folders this session may open',
  );
  await expect(dialog).toHaveAttribute('data-folder', others);
  await saveScreenshot(page, testInfo, 'files-browser-roots', '[data-testid=file-browser] .modal-box');

  // A typed folder holding a DICOM series opens the series.
  await typePath(page, series);
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('status-size')).toContainText('12 × 16 × 5');
  await idle(page);

  // The next browser starts in the last folder (the series' folder), and opens an image there.
  dialog = await openBrowser(page);
  await expect(dialog).toHaveAttribute('data-folder', knees);
  await dialog.locator('[data-testid=file-entry][data-name="knee.nii.gz"]').dblclick();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('status-volume')).toContainText('knee.nii.gz');
  await idle(page);
  expect(await recentNames(page)).toEqual(['knee.nii.gz', 'series']);

  // A dropped image file is copied to the output folder and opened; what cannot open says why.
  await dropFile(page, 'dropped-knee.nii.gz', readFileSync(sample));
  await expect(page.getByTestId('status-volume')).toContainText('dropped-knee.nii.gz');
  await idle(page);
  expect(readFileSync(join(output, 'dropped', 'dropped-knee.nii.gz')).equals(readFileSync(sample))).toBe(
    true,
  );
  await dropFile(page, 'notes.txt', Buffer.from('not an image'));
  await expect(page.getByTestId('status-notice')).toContainText(
    'notes.txt is not an image iSeg reads from a drop',
  );
  await expect(page.getByTestId('status-volume')).toContainText('dropped-knee.nii.gz');
  // The drop target, as a user dragging a file over the window sees it.
  const hover = await page.evaluateHandle(dataTransferScript('scan.nii.gz', Buffer.from('x')));
  await page.getByTestId('view-axial').dispatchEvent('dragenter', { dataTransfer: hover });
  await saveScreenshot(page, testInfo, 'files-drop-target');
  await page.getByTestId('view-axial').dispatchEvent('dragleave', { dataTransfer: hover });
  await expect(page.locator('html')).toHaveAttribute('data-drop-target', 'idle');

  // A restart: the page closes, the server stops and starts again on its port.
  await page.close();
  server.child.kill('SIGTERM');
  await new Promise((resolve) => server?.child.once('exit', resolve));
  server = await startServer([knees, others], output, state, Number(port));
  page = await openPage(context, server.url);
  expect(await recentNames(page)).toEqual(['dropped-knee.nii.gz', 'knee.nii.gz', 'series']);
  dialog = await openBrowser(page);
  await expect(dialog).toHaveAttribute('data-folder', join(output, 'dropped'));
  await page.getByTestId('file-browser-cancel').click();

  // An entry whose file is gone says so in one sentence and leaves the list.
  rmSync(join(knees, 'knee.nii.gz'));
  await chooseRecent(page, 'knee.nii.gz');
  await expect(page.getByTestId('status-notice')).toHaveText(
    `knee.nii.gz is no longer at ${join(knees, 'knee.nii.gz')}, so it was removed from the recent files.`,
  );
  expect(await recentNames(page)).toEqual(['dropped-knee.nii.gz', 'series']);
  // Reopening an entry moves it to the top.
  await chooseRecent(page, 'series');
  await expect(page.getByTestId('status-size')).toContainText('12 × 16 × 5');
  await idle(page);
  expect(await recentNames(page)).toEqual(['series', 'dropped-knee.nii.gz']);
  await saveScreenshot(page, testInfo, 'files-recent', '[data-testid=file-panel]');
});
