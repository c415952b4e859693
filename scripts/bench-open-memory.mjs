#!/usr/bin/env node
/**
 * What the page holds while a second image's voxels are on their way: serve mode + Debian's
 * Chromium, the same image opened twice, the second transfer held back (page.route) once its preview
 * is drawn (a build that drew no preview for the first open: at once). Renderer resident memory (ps) after a forced garbage
 * collection: with one image open, while the next one's voxels are held, and after they arrived.
 * Prints figures, asserts nothing.
 *
 *   node scripts/bench-open-memory.mjs IMAGE [--app DIR]
 */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath, startServe } from './serve-chromium.mjs';

const USAGE = 'usage: node scripts/bench-open-memory.mjs IMAGE [--app DIR]';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const appAt = args.indexOf('--app');
const appRoot = appAt >= 0 ? resolve(args.splice(appAt, 2)[1] ?? '') : root;
const image = args[0] === undefined ? '' : resolve(args[0]);
if (args.length !== 1 || !existsSync(image) || !existsSync(resolve(appRoot, 'dist/electron/serve.js'))) {
  console.error(USAGE);
  process.exit(2);
}

/** The largest Chromium renderer process's resident memory, MiB (the page's). */
function rendererMiB() {
  const lines = execSync('ps -eo rss,args', { encoding: 'utf8' }).split('\n').filter((l) => l.includes('--type=renderer'));
  return Math.max(0, ...lines.map((l) => Number(l.trim().split(/\s+/)[0]) / 1024));
}

const pause = (ms) => new Promise((resolveWait) => setTimeout(resolveWait, ms));
const { url, child: server } = await startServe({ extraArgs: ['--root', dirname(image)], appRoot });
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  const settledMiB = async () => {
    await pause(1500);
    await cdp.send('HeapProfiler.collectGarbage');
    await pause(500);
    return rendererMiB();
  };
  const open = async () => {
    await page.getByTestId('open-file').click();
    await page.waitForSelector('[data-testid=file-browser][data-loading=false]');
    await page.getByTestId('file-browser-path').fill(image);
    await page.getByTestId('file-browser-ok').click();
  };
  await page.goto(url);
  await page.waitForSelector('html[data-app-state=ready][data-busy=false]');
  await open();
  await page.waitForSelector('html[data-busy=false]', { timeout: 120_000 });
  const oneOpen = await settledMiB();

  let release = () => undefined;
  const held = new Promise((resolveHold) => (release = resolveHold));
  let holding = () => undefined;
  const isHeld = new Promise((resolveHeld) => (holding = resolveHeld));
  // A build that draws previews did so for the first open. Its preview (sent apart when over 1 MiB)
  // goes through; the voxels wait.
  const previewBuild = await page.evaluate(() => performance.getEntriesByName('iseg:open:preview-in-renderer').length > 0);
  await page.route('**/bulk/**', async (route) => {
    const previewShown = (await page.locator('[data-testid=view-axial][data-drawn=preview]').count()) > 0;
    if (previewBuild && !previewShown) return route.continue();
    holding();
    await held;
    return route.continue();
  });
  await open();
  await isHeld;
  const whileHeld = await settledMiB();
  release();
  await page.waitForSelector('html[data-busy=false]', { timeout: 120_000 });
  const after = await settledMiB();
  console.log(`image: ${image}${appRoot === root ? '' : `; app: ${appRoot}`}`);
  console.log(`renderer RSS: one image open ${oneOpen.toFixed(0)} MiB; the same image opening again, its voxels held back ${whileHeld.toFixed(0)} MiB; after they arrived ${after.toFixed(0)} MiB`);
} finally {
  await browser.close();
  server.kill();
}
