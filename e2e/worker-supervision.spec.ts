import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { clickView, idle, ready } from './workspace-helpers';

/** The trained click model in native-models/ (loads on the CPU). */
const MODEL = 'isegformer-swin32-cpu';

// One worker: the journey follows that worker's restarts and cool-down (a pool's status stays
// ready while any worker is; electron/node/inference-pool.test.ts covers the pool).
test.use({ inferenceWorkers: '1' });

async function workerPid(page: Page): Promise<number> {
  const status = page.getByTestId('inference-status');
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  return Number(await status.getAttribute('data-pid'));
}

test('the worker killed again and again comes back, and the page says why it is away and who answered', async ({ app }) => {
  test.skip(app.mode !== 'serve', 'Killing the worker from the test needs its pid, which serve mode reports.');
  test.setTimeout(240_000);
  const { page } = app;
  // On a loaded machine the first start alone can pass the default 30 s.
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready', { timeout: 120_000 });
  await ready(page);
  const engine = page.getByTestId('status-engine');
  await page.getByTestId('engine-model').selectOption(MODEL);
  await expect(page.getByTestId('engine-settings')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await expect(engine).toHaveText(`Click: ${MODEL} (CPU)`);

  // Six kills within a minute make a burst: the worker is then left to cool down, not given up.
  const status = page.getByTestId('inference-status');
  for (let kill = 1; kill <= 6; kill++) {
    process.kill(await workerPid(page), 'SIGKILL');
    await expect(status).toHaveAttribute('data-restarts', String(kill));
  }
  await expect(status).toContainText('unavailable: it crashed 6 times in a minute; the next start is in 10 s');

  // A click meanwhile is answered at once by the classical segmenter, and the bar says so.
  await page.getByTestId('tool-click').click();
  await clickView(page, 'axial', 0.5, 0.5);
  await expect(page.getByTestId('prompt-status')).toHaveAttribute('data-clicks', '1');
  // …in the main process, since the worker that runs classical clicks is away too.
  await expect(engine).toHaveText('Click: classical (model unavailable; in the main process)');
  await expect(engine).toHaveAttribute('title', /inference worker is unavailable: it crashed 6 times/);
  await page.getByTestId('prompt-cancel').click();
  await idle(page);

  // After the cool-down it is back, and the model answers the next click again.
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await expect(status).toHaveText('AI: ready (6 restarts)');
  await clickView(page, 'axial', 0.5, 0.5);
  await expect(page.getByTestId('prompt-status')).toHaveAttribute('data-clicks', '1');
  await expect(engine).toHaveAttribute('data-kind', 'onnx', { timeout: 30_000 });
  await expect(engine).toHaveAttribute('data-model', MODEL);
  await expect(engine).not.toContainText('model unavailable');
});
