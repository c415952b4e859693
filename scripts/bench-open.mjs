#!/usr/bin/env node
/**
 * Open-to-screen benchmark: serve mode + Debian's Chromium with software WebGL, as in the e2e tests.
 * Prints figures, asserts nothing.
 *
 *   npm run bench:open -- [image] [--runs N] [--no-cli] [--app DIR]
 *
 * --app DIR serves (and reads with the CLI of) another checkout's build instead of this one, e.g. a
 * build of main for a before/after in the same session: alternate the two commands.
 * First the CLI's read of the same file (`iseg bench-io --load-only`, best of 2, in the server's
 * environment: server-env.mjs), unless --no-cli.
 * Then for each run, on the page's clock from the click on OK: when the preview (the centre slices
 * sent ahead of the voxels, common/volume-preview.ts) was in the renderer and when all three views
 * had drawn it (their data-drawn="preview"), when the voxels were in the renderer and when the
 * stores were ready to draw (the app's performance measures), when all three views had drawn the
 * new volume (data-busy back to false), and the longest main-thread task from the click until the
 * page has been quiet for a second (statistics and the like run after the draw). BENCH_TASKS=1
 * lists the long tasks; BENCH_TRACE_ALL=1 every service call the server traced during the run.
 * "seen by the bench" is the same moment on the bench's wall clock, which a long task delays.
 */
/* global window, document, MutationObserver -- the functions passed to page.evaluate run in the page */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath, startServe } from './serve-chromium.mjs';
import { serverEnvironment } from './server-env.mjs';

const USAGE = 'usage: npm run bench:open -- [image] [--runs N] [--no-cli] [--app DIR]';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const noCliAt = args.indexOf('--no-cli');
const withCli = noCliAt < 0;
if (!withCli) args.splice(noCliAt, 1);
const appAt = args.indexOf('--app');
const appRoot = appAt >= 0 ? resolve(args.splice(appAt, 2)[1] ?? '') : root;
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
const image = resolve(args[0] ?? resolve(root, 'resources/sample/knee-sample.nii.gz'));
if (!existsSync(image) || !existsSync(resolve(appRoot, 'dist/electron/serve.js')) || !Number.isInteger(runs) || runs < 1 || args.length > 1) {
  console.error(USAGE);
  process.exit(2);
}

/** The CLI's best load time and best CPU time in seconds (ITK-Wasm compile included in the first of the two). */
function cliReadSeconds() {
  // In the server's environment (server-env.mjs), so the two reads allocate alike.
  const out = execFileSync(process.execPath, [resolve(appRoot, 'bin/iseg.js'), 'bench-io', image, '--runs', '2', '--load-only'], {
    encoding: 'utf8',
    env: serverEnvironment(process.env),
  });
  const best = /best ([\d.]+) s wall, ([\d.]+) s CPU/.exec(out);
  if (best === null) throw new Error(`iseg bench-io printed no load time:\n${out}`);
  return [Number(best[1]), Number(best[2])];
}

let serverLog = '';
const { url, child: server } = await startServe({
  extraArgs: ['--root', dirname(image)],
  env: { ...process.env, ISEG_TRACE: '1' },
  onOutput: (text) => (serverLog += text),
  appRoot,
});
const handledTimes = () => [...serverLog.matchAll(/volume\.openFile: handled in (\d+) ms/g)].map((m) => Number(m[1]));
/** The server's trace lines of the open's read and bulk GET (ISEG_TRACE) from `since`, where the build prints them. */
const serverPhases = (since) => [...serverLog.slice(since).matchAll(process.env.BENCH_TRACE_ALL === '1' ? /\[trace\] (.*?): (.*)/g : /\[trace\] (open phases|bulk GET): (.*)/g)].map((m) => `${m[1]}: ${m[2]}`);

const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.waitForSelector('html[data-app-state=ready][data-busy=false]');
  console.log(`image: ${image}${appRoot === root ? '' : `; app: ${appRoot}`}`);
  if (withCli) {
    const [wall, cpu] = cliReadSeconds();
    console.log(`CLI read (iseg bench-io --load-only, best of 2): ${Math.round(wall * 1000)} ms (best CPU ${Math.round(cpu * 1000)} ms)`);
  }
  for (let run = 1; run <= runs; run++) {
    await page.getByTestId('open-file').click();
    await page.waitForSelector('[data-testid=file-browser][data-loading=false]');
    await page.getByTestId('file-browser-path').fill(image);
    // Page-side clock: the click on OK, each busy → not busy, each long task, the app's measures.
    await page.evaluate(() => {
      const w = /** @type {any} */ (window);
      performance.clearMeasures();
      w.__bench?.observer?.disconnect();
      w.__bench?.previewObserver?.disconnect();
      w.__bench = { clicked: undefined, idle: [], tasks: [] };
      document.querySelector('[data-testid=file-browser-ok]')?.addEventListener('click', () => (w.__bench.clicked = performance.now()), { capture: true, once: true });
      w.__bench.observer = new MutationObserver(() => {
        if (document.documentElement.dataset.busy === 'false') w.__bench.idle.push(performance.now());
      });
      w.__bench.observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-busy'] });
      // When each view first drew the preview (the centre slices sent ahead of the voxels).
      w.__bench.preview = {};
      w.__bench.previewObserver = new MutationObserver((records) => {
        for (const r of records) {
          const view = /** @type {HTMLElement} */ (r.target);
          if (view.dataset.drawn === 'preview') w.__bench.preview[view.dataset.view ?? '?'] ??= performance.now();
        }
      });
      for (const view of document.querySelectorAll('[data-testid^=view-][data-view]')) w.__bench.previewObserver.observe(view, { attributes: true, attributeFilter: ['data-drawn'] });
      // One long-task observer for the page: a second would count each task twice from run 2 on.
      w.__benchTasks?.disconnect();
      w.__benchTasks = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__bench.tasks.push([e.startTime, e.duration]);
      });
      w.__benchTasks.observe({ type: 'longtask' });
    });
    const logFrom = serverLog.length;
    const started = Date.now();
    await page.getByTestId('file-browser-ok').click();
    await page.waitForSelector('html[data-busy=true]');
    await page.waitForSelector('html[data-app-state=ready][data-busy=false]', { timeout: 120_000 });
    const seen = Date.now() - started;
    // Let the work that follows the draw (statistics, autosave) run, then read the page's clock.
    let quietSince = Date.now();
    for (let lastCount = -1; Date.now() - quietSince < 1000; ) {
      await new Promise((r) => setTimeout(r, 200));
      const count = await page.evaluate(() => /** @type {any} */ (window).__bench.tasks.length);
      if (count !== lastCount) [lastCount, quietSince] = [count, Date.now()];
    }
    const figures = await page.evaluate(() => {
      const b = /** @type {any} */ (window).__bench;
      const measure = (name) => performance.getEntriesByName(name, 'measure').at(-1)?.duration;
      const after = (t) => (t === undefined ? undefined : t - b.clicked);
      const tasks = b.tasks.filter(([start]) => start >= b.clicked);
      return {
        inRenderer: measure('iseg:open:voxels-in-renderer'),
        ready: measure('iseg:open:ready-to-draw'),
        drawn: after(b.idle.find((t) => t > b.clicked)),
        previewDrawn: Object.keys(b.preview).length === 3 ? after(Math.max(...Object.values(b.preview))) : undefined,
        previewIn: measure('iseg:open:preview-in-renderer'),
        longest: Math.max(0, ...tasks.map(([, d]) => d)),
        busyMs: tasks.reduce((sum, [, d]) => sum + d, 0),
        // The bulk GET of the voxels (resource timing): asked for, first byte, last byte.
        bulk: performance
          .getEntriesByType('resource')
          .filter((e) => e.name.includes('/bulk/') && e.startTime >= b.clicked)
          .map((e) => [after(e.startTime), after(e.responseStart), after(e.responseEnd)])
          .at(-1),
        taskSpans: tasks.map(([start, d]) => [Math.round(start - b.clicked), Math.round(d)]),
      };
    });
    const ms = (v) => (v === undefined ? '?' : `${Math.round(v)} ms`);
    const preview = figures.previewDrawn === undefined ? 'no preview' : `preview in the renderer ${ms(figures.previewIn)}, drawn in three views ${ms(figures.previewDrawn)}`;
    console.log(
      `run ${run}: server handled ${handledTimes().at(-1)} ms; ${preview}; voxels in the renderer ${ms(figures.inRenderer)}; ready to draw ${ms(figures.ready)}; ` +
        `drawn in three views ${ms(figures.drawn)} (seen by the bench ${seen} ms; software WebGL); ` +
        `longest task ${ms(figures.longest)}, long tasks ${ms(figures.busyMs)} in all`,
    );
    if (figures.bulk) console.log(`  voxels over HTTP: asked ${ms(figures.bulk[0])}, first byte ${ms(figures.bulk[1])}, last byte ${ms(figures.bulk[2])}`);
    for (const line of serverPhases(logFrom)) console.log(`  server: ${line}`);
    if (process.env.BENCH_TASKS === '1') console.log(`  long tasks [start, ms]: ${JSON.stringify(figures.taskSpans)}`);
  }
} finally {
  await browser.close();
  server.kill();
}
