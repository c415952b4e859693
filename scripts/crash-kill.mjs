#!/usr/bin/env node
/**
 * kill -9 of the serve-mode server at random moments of a scripted annotation session, then
 * restore in a fresh page (issue 15). Prints figures, asserts nothing; exits 1 if any restore lost
 * more than the last action.
 *
 *   node scripts/build.mjs --quiet && nice node scripts/crash-kill.mjs [--kills N] [--actions M] [--seed S]
 *
 * Each round: a fresh server and data folder, the sample, M brush strokes (one action each) made
 * back to back; a timer fires SIGKILL at a random moment between the first and the last stroke.
 * Then: the actions the page had committed at the kill (its history count once the stroke in hand
 * is done), a restart on the same port, a new page accepting the restore offer, and the actions
 * and tibia voxels it restored (which must equal the voxels the page had after that many actions).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './serve-chromium.mjs';
import { brushAction, historyState, killServer, prepareBrush, restoreInNewPage, startServer, tibiaVoxels, waitIdle, waitReady } from './crash-journey.mjs';

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) {
    console.error(`usage: node scripts/crash-kill.mjs [--kills N] [--actions M] [--seed S] (${name} must be a positive integer)`);
    process.exit(2);
  }
  return value;
}

const kills = option('--kills', 20);
const actions = option('--actions', 8);
let seed = option('--seed', 1);
/** Mulberry32: the same seed gives the same kill moments. */
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

async function round(browser, index) {
  const dataDir = mkdtempSync(join(tmpdir(), 'iseg-kill-'));
  let server = await startServer(dataDir);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    await waitReady(page);
    await prepareBrush(page);
    // Voxels after n actions, read as the session goes (n = 0 … actions).
    const counts = [0];
    // Measure one stroke first, so the kill lands somewhere inside the session.
    const started = Date.now();
    await brushAction(page, 0);
    await waitIdle(page);
    counts.push(await tibiaVoxels(page));
    const strokeMs = Date.now() - started;
    const killAfterMs = Math.round(random() * strokeMs * (actions - 1));
    const first = server;
    let killed = false;
    const killing = new Promise((resolve) => {
      setTimeout(() => {
        killed = true;
        void killServer(first.child).then(resolve);
      }, killAfterMs);
    });
    for (let n = 1; n < actions && !killed; n++) {
      await brushAction(page, n);
      await waitIdle(page);
      if (!killed) counts.push(await tibiaVoxels(page));
    }
    await killing;
    await waitIdle(page);
    const committed = (await historyState(page)).count;
    // The stroke in hand when the kill came finished in the page after it.
    if (counts.length === committed) counts.push(await tibiaVoxels(page));
    await page.close({ runBeforeUnload: false });

    const restartedAt = Date.now();
    server = await startServer(dataDir, first.port);
    const restored = await restoreInNewPage(browser, server.url);
    const restoreMs = Date.now() - restartedAt;
    const lost = committed - restored.history.cursor;
    const voxelsMatch = restored.voxels === counts[restored.history.cursor];
    await restored.page.close();
    console.log(
      `kill ${String(index + 1).padStart(2)}: after ${String(killAfterMs).padStart(5)} ms, ${committed} actions committed, ` +
        `${restored.history.cursor} restored (lost ${lost}), voxels ${restored.voxels} ${voxelsMatch ? 'match' : `≠ ${counts[restored.history.cursor]}`}, ` +
        `restart to restored ${restoreMs} ms`,
    );
    return { lost, voxelsMatch, restoreMs };
  } finally {
    await killServer(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
const results = [];
try {
  for (let n = 0; n < kills; n++) results.push(await round(browser, n));
} finally {
  await browser.close();
}
const lostCounts = results.map((r) => r.lost);
const worst = Math.max(...lostCounts);
const histogram = [0, 1, 2].map((k) => `${k}: ${lostCounts.filter((l) => (k < 2 ? l === k : l >= k)).length}`).join(', ');
const restoreTimes = results.map((r) => r.restoreMs).sort((a, b) => a - b);
console.log(`\n${results.length} kills, ${actions} actions a session: actions lost per kill ${histogram.replace('2:', '≥2:')}; worst ${worst}`);
console.log(`restored voxels equal the page's after the restored actions: ${results.filter((r) => r.voxelsMatch).length}/${results.length}`);
console.log(`restart → restored in a new page: median ${restoreTimes[Math.floor(restoreTimes.length / 2)]} ms, max ${restoreTimes.at(-1)} ms`);
process.exit(worst <= 1 && results.every((r) => r.voxelsMatch) ? 0 : 1);
