import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, artifactsDir } from './fixtures';
import { writeSyntheticSeries } from '../electron/node/io/test-support/synthetic-dicom';

test('a DICOM folder with two series asks which one to open', async ({ app }) => {
  test.skip(app.mode !== 'serve', 'The desktop app opens folders through the native dialog.');
  const folder = join(artifactsDir, 'dicom-two-series');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  await writeSyntheticSeries(folder, { uid: '1.2.826.1', count: 4, rows: 16, columns: 12 });
  await writeSyntheticSeries(folder, { uid: '1.2.826.2', count: 6, rows: 16, columns: 12 });
  const { page } = app;
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('open-file').click();
  await page.getByTestId('file-browser-path').fill(folder);
  await page.getByTestId('file-browser-ok').click();
  const picker = page.getByTestId('series-picker');
  await expect(picker).toBeVisible();
  await expect(picker.getByTestId('series-choice')).toHaveCount(2);
  await picker.locator('[data-uid="1.2.826.2"]').click();
  await expect(page.getByTestId('status-size')).toContainText('12 × 16 × 6');
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await expect(page.locator('html')).not.toHaveAttribute('data-busy', 'true');
});
