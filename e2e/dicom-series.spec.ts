import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, artifactsDir } from './fixtures';
import { writeSyntheticDicom } from '../electron/node/io/test-support/synthetic-dicom';

test('a DICOM folder with two series asks which one to open', async ({ app }) => {
  test.skip(app.mode !== 'serve', 'The desktop app opens folders through the native dialog.');
  const folder = join(artifactsDir, 'dicom-two-series');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const [uid, count] of [['1.2.826.1', 4], ['1.2.826.2', 6]] as const) {
    for (let k = 0; k < count; k++) {
      await writeSyntheticDicom(join(folder, `${uid}-${k}.dcm`), {
        seriesUid: uid,
        seriesNumber: count,
        description: `Series of ${count}`,
        instanceNumber: k + 1,
        position: [0, 0, 2 * k],
        orientation: [1, 0, 0, 0, 1, 0],
        rows: 16,
        columns: 12,
        pixelSpacing: [0.5, 0.5],
        pixels: Int16Array.from({ length: 192 }, (_, n) => (n * 7 + k * 13) % 200),
      });
    }
  }
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
