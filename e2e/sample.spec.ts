// The first start opens the real knee MRI; the labelled sample is one click away.
import { test, expect, saveScreenshot } from './fixtures';
import { pixelStats } from './pixels';
import { ready } from './workspace-helpers';

test.use({ firstRunSample: 'knee-mri' });

test('the first-run sample is the real knee MRI, and the labelled sample opens from the toolbar', async ({ app }, testInfo) => {
  const { page } = app;
  await ready(page);
  await expect(page.getByTestId('status-volume')).toContainText('Sample knee MRI (real, sagittal DESS)');
  const shot = await saveScreenshot(page, testInfo, 'first-run-sample-real-knee', '[data-testid="view-sagittal"]');
  const stats = pixelStats(shot);
  expect(stats.distinctLevels).toBeGreaterThan(20);
  expect(stats.stdLuminance).toBeGreaterThan(10);

  await page.getByTestId('open-labelled-sample').click();
  await ready(page);
  await expect(page.getByTestId('status-volume')).toContainText('Sample knee (simulated MR)');
});
