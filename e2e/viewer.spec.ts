import { test, expect, saveScreenshot } from './fixtures';
import { pixelStats } from './pixels';

const VIEWS = ['axial', 'sagittal', 'coronal'] as const;

test('opens the sample volume in three non-blank views', async ({ app }, testInfo) => {
  const { page } = app;
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await expect(page.locator('html')).not.toHaveAttribute('data-busy', 'true');
  await saveScreenshot(page, testInfo, 'window');
  for (const view of VIEWS) {
    const shot = await saveScreenshot(page, testInfo, `view-${view}`, `[data-testid="view-${view}"]`);
    const stats = pixelStats(shot);
    // A rendered slice of the knee has many grey levels and real contrast; a blank or
    // single-colour canvas has neither.
    expect(stats.width, `${view} view has a size`).toBeGreaterThan(100);
    expect(stats.distinctLevels, `${view} view shows an image`).toBeGreaterThan(20);
    expect(stats.stdLuminance, `${view} view has contrast`).toBeGreaterThan(10);
  }
});

test('keeps working when the inference worker is killed', async ({ app }) => {
  test.skip(app.mode !== 'serve', 'Killing the worker from the test needs its pid, which serve mode reports.');
  const { page } = app;
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  const status = page.getByTestId('inference-status');
  await expect(status).toContainText(/ready/i);
  const pid = Number(await status.getAttribute('data-pid'));
  expect(pid).toBeGreaterThan(0);
  process.kill(pid, 'SIGKILL');
  await expect(status).toHaveAttribute('data-restarts', '1');
  await expect(status).toContainText(/ready/i);
  expect(Number(await status.getAttribute('data-pid'))).not.toBe(pid);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
});
