#!/usr/bin/env node
/**
 * Open-to-screen benchmark: serve mode + Debian's Chromium with software WebGL, as in the e2e tests.
 * Prints figures, asserts nothing.
 *
 *   npm run bench:open -- [image] [--runs N]
 *
 * For each run: the server's time for `volume.openFile` (read + range + framing, from ISEG_TRACE),
 * when the voxels were in the renderer and ready to draw (the app's own console line), and when all
 * three views had drawn the new volume (data-busy back to false).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath, startServe } from './serve-chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
const image = resolve(args[0] ?? resolve(root, 'resources/sample/knee-sample.nii.gz'));
if (!existsSync(image) || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: npm run bench:open -- [image] [--runs N]');
  process.exit(2);
}
let serverLog = '';
const { url, child: server } = await startServe({
  extraArgs: ['--root', dirname(image)],
  env: { ...process.env, ISEG_TRACE: '1' },
  onOutput: (text) => (serverLog += text),
});
const handledTimes = () => [...serverLog.matchAll(/volume\.openFile: handled in (\d+) ms/g)].map((m) => Number(m[1]));

const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const appLines = [];
  page.on('console', (m) => {
    if (m.text().startsWith('[iseg] opened')) appLines.push(m.text());
  });
  await page.goto(url);
  await page.waitForSelector('html[data-app-state=ready][data-busy=false]');
  console.log(`image: ${image}`);
  for (let run = 1; run <= runs; run++) {
    await page.getByTestId('open-file').click();
    await page.waitForSelector('[data-testid=file-browser][data-loading=false]');
    await page.getByTestId('file-browser-path').fill(image);
    const before = appLines.length;
    const started = Date.now();
    await page.getByTestId('file-browser-ok').click();
    await page.waitForSelector('html[data-busy=true]');
    await page.waitForSelector('html[data-app-state=ready][data-busy=false]', { timeout: 120_000 });
    const displayed = Date.now() - started;
    while (appLines.length === before) await new Promise((r) => setTimeout(r, 20));
    const line = appLines[appLines.length - 1] ?? '';
    const [inRenderer, ready] = [...line.matchAll(/(\d+) ms/g)].map((m) => Number(m[1]));
    const handled = handledTimes().at(-1);
    console.log(
      `run ${run}: server handled ${handled} ms; voxels in the renderer ${inRenderer} ms; ready to draw ${ready} ms; ` +
        `drawn in three views ${displayed} ms (software WebGL)`,
    );
  }
} finally {
  await browser.close();
  server.kill();
}
