/**
 * The page stays responsive during and at the end of a propagation: streamed slices are written a
 * few per task (stores/slice-stream.ts), the final merge and the undo diff run in the
 * propagation-merge worker. Prints the page's long main-thread tasks (PerformanceObserver
 * 'longtask') during a fill between two coronal slices 40 apart: the longest in the first second
 * (the run's start), while the slices stream in, and in the last second before the run was done
 * (where the final merge and diff used to run).
 * ISEG_MERGE_IMAGE=<path under the repository> opens that image first (e.g. the 384×384×160 knee).
 */
import { test, expect } from './fixtures';
import { choosePath, dragView, idle, point, ready, segmentRow, voxels } from './workspace-helpers';

interface Timings {
  readonly tasks: { start: number; duration: number }[];
  readonly started: number;
  readonly done: number;
  /** The progress line as it changed (ms since the click, text). */
  readonly progress: string[];
}

test('the end of a propagation holds up the page for no long task of its own', async ({ app }) => {
  const { page } = app;
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  // What the run moves between page and server: WebSocket frames both ways, and the large reply
  // buffers the page fetches apart over HTTP (/bulk/), counted from the click to the end.
  const transfer = { counting: false, sent: 0, received: 0, bulk: 0 };
  const frameBytes = (payload: string | Buffer): number => (typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength);
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      if (transfer.counting) transfer.sent += frameBytes(payload);
    });
    socket.on('framereceived', ({ payload }) => {
      if (transfer.counting) transfer.received += frameBytes(payload);
    });
  });
  page.on('response', (response) => {
    if (!transfer.counting || !new URL(response.url()).pathname.startsWith('/bulk/')) return;
    // The body's size as the network saw it (reading a body of tens of MB back can fail).
    void response
      .request()
      .sizes()
      .then(
        (sizes) => (transfer.bulk += sizes.responseBodySize),
        () => (transfer.bulk += Number(response.headers()['content-length'] ?? 0)),
      );
  });
  await ready(page);
  const image = process.env.ISEG_MERGE_IMAGE;
  if (image !== undefined) await choosePath(page, 'open-file', image);
  await page.getByTestId('segment-preset-knee').click();
  await segmentRow(page, 3).getByTestId('segment-select').check();
  await page.getByTestId('tool-brush').click();

  const coronal = page.getByTestId('view-coronal');
  const centre = await point(page, 'coronal', 0.5, 0.2);
  await page.mouse.move(centre.x, centre.y);
  // From 20 slices below the middle one to 20 above it (any image with 41 coronal slices).
  const middle = Number(await coronal.getAttribute('data-slice'));
  for (let n = 0; n < 20; n++) await page.keyboard.press('ArrowDown');
  const sliceNow = async (): Promise<number> => Number(await coronal.getAttribute('data-slice'));
  // Which way a key moves depends on the image's orientation.
  await expect.poll(async () => Math.abs((await sliceNow()) - middle)).toBe(20);
  const first = await sliceNow();
  const stroke: [number, number][] = [
    [0.3, 0.5],
    [0.7, 0.5],
    [0.7, 0.7],
    [0.3, 0.7],
  ];
  await dragView(page, 'coronal', stroke);
  await page.mouse.move(centre.x, centre.y);
  for (let n = 0; n < 40; n++) await page.keyboard.press('ArrowUp');
  await expect.poll(sliceNow).toBe(2 * middle - first);
  await dragView(page, 'coronal', stroke);
  const painted = await voxels(page, 3);
  await page.getByTestId('propagate-axis').selectOption('coronal');

  // A script string: the spec is compiled without the DOM's types.
  await page.evaluate(`(() => {
    const record = { tasks: [], started: performance.now(), done: 0, progress: [] };
    window.mergeTimings = record;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) record.tasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask' });
    const progress = document.querySelector('[data-testid="propagate-progress"]');
    if (progress === null) throw new Error('no propagation progress element');
    new MutationObserver(() => {
      const now = performance.now();
      if (progress.getAttribute('data-state') === 'done' && record.done === 0) record.done = now;
      const line = (progress.getAttribute('data-state') ?? '') + ' ' + progress.getAttribute('data-done') + '/' + progress.getAttribute('data-total');
      if (!(record.progress.at(-1) ?? '').endsWith(line)) record.progress.push((now - record.started).toFixed(0) + ' ' + line);
    }).observe(progress, { attributes: true, attributeFilter: ['data-state', 'data-done', 'data-total'] });
  })()`);
  transfer.counting = true;
  await page.getByTestId('fill-between').click();
  await expect(page.getByTestId('propagate-progress')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await idle(page);
  transfer.counting = false;
  const timings = JSON.parse(String(await page.evaluate('JSON.stringify(window.mergeTimings)'))) as Timings;
  const longest = Math.max(0, ...timings.tasks.map((t) => t.duration));
  const atEnd = Math.max(0, ...timings.tasks.filter((t) => t.start + t.duration > timings.done - 1000 && t.start < timings.done).map((t) => t.duration));
  // The first second after the click is the run's start (the labels copied before it, the seeds sent).
  const atStart = Math.max(0, ...timings.tasks.filter((t) => t.start < timings.started + 1000).map((t) => t.duration));
  const streaming = Math.max(
    0,
    ...timings.tasks.filter((t) => t.start >= timings.started + 1000 && t.start + t.duration <= timings.done - 1000).map((t) => t.duration),
  );
  console.log(
    `propagation main thread: run ${(timings.done - timings.started).toFixed(0)} ms, ${timings.tasks.length} long tasks, ` +
      `longest ${longest.toFixed(0)} ms, longest at the start ${atStart.toFixed(0)} ms, longest while streaming ${streaming.toFixed(0)} ms, ` +
      `longest in the last second before done ${atEnd.toFixed(0)} ms; ` +
      `tasks ${timings.tasks.map((t) => `${(t.start - timings.started).toFixed(0)}+${t.duration.toFixed(0)}`).join(' ')}; ` +
      `progress ${timings.progress.join(' | ')}`,
  );
  console.log(`propagation transfer: sent ${transfer.sent} B over the WebSocket, received ${transfer.received} B over it and ${transfer.bulk} B over /bulk/`);
  expect(await voxels(page, 3)).toBeGreaterThan(painted * 10);
  expect(workers.some((url) => url.endsWith('/propagation-merge-worker.js'))).toBe(true);
});
