import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, artifactsDir, saveScreenshot } from './fixtures';
import { writeSyntheticSeries } from '../electron/node/io/test-support/synthetic-dicom';
import { dragView, idle, ready, segmentRow, voxels } from './workspace-helpers';

async function browseTo(page: import('@playwright/test').Page, button: string, path: string): Promise<void> {
  await page.getByTestId(button).click();
  await page.getByTestId('file-browser-path').fill(path);
  await page.getByTestId('file-browser-ok').click();
}

test('labels drawn on a DICOM series go out as a DICOM SEG and an RTSTRUCT, and come back from the SEG', async ({ app }, testInfo) => {
  test.skip(app.mode !== 'serve', 'The desktop app chooses paths through native dialogs.');
  // The SEG writer and reader are WebAssembly pipelines compiled on first use: seconds each, more on a busy machine.
  test.setTimeout(240_000);
  const folder = join(artifactsDir, 'dicom-seg-series');
  const segPath = join(artifactsDir, 'exports', 'dicom-seg-series.seg.dcm');
  const rtPath = join(artifactsDir, 'exports', 'dicom-seg-series.rtstruct.dcm');
  rmSync(folder, { recursive: true, force: true });
  rmSync(segPath, { force: true });
  rmSync(rtPath, { force: true });
  mkdirSync(folder, { recursive: true });
  mkdirSync(join(artifactsDir, 'exports'), { recursive: true });
  await writeSyntheticSeries(folder, { uid: '1.2.826.0.1.3680043.99.7', count: 8, rows: 32, columns: 24 });
  const { page } = app;
  await ready(page);
  await browseTo(page, 'open-file', folder);
  await expect(page.getByTestId('status-size')).toContainText('24 × 32 × 8');
  await ready(page);

  // Two segments brushed on the axial slice.
  await page.getByTestId('segment-preset-knee').click();
  await page.getByTestId('tool-brush').click();
  await dragView(page, 'axial', [
    [0.3, 0.3],
    [0.7, 0.3],
  ]);
  await segmentRow(page, 3).getByTestId('segment-select').check();
  await dragView(page, 'axial', [
    [0.3, 0.7],
    [0.7, 0.7],
  ]);
  const femur = await voxels(page, 1);
  const tibia = await voxels(page, 3);
  expect(femur).toBeGreaterThan(0);
  expect(tibia).toBeGreaterThan(0);

  await page.getByTestId('dicom-seg-path').fill(segPath);
  await page.getByTestId('dicom-seg-export').click();
  await expect(page.getByTestId('dicom-seg-status')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(page.getByTestId('dicom-seg-status')).toContainText('(2 segments)');
  expect(existsSync(segPath)).toBe(true);
  await saveScreenshot(page, testInfo, 'dicom-seg-exported', '[data-testid=dicom-seg-panel]');

  // The same labels as RTSTRUCT contours: one ROI per segment, one contour per slice holding it.
  await page.getByTestId('rtstruct-path').fill(rtPath);
  await page.getByTestId('rtstruct-export').click();
  await expect(page.getByTestId('rtstruct-status')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(page.getByTestId('rtstruct-status')).toContainText(/\(2 ROIs, \d+ contours\)/);
  expect(existsSync(rtPath)).toBe(true);
  await saveScreenshot(page, testInfo, 'rtstruct-exported', '[data-testid=dicom-seg-panel]');

  // Reopen the series (empty labels, default segment names), then load the SEG as labels.
  await browseTo(page, 'open-file', folder);
  await ready(page);
  await expect(segmentRow(page, 1)).toHaveAttribute('data-voxels', '0');
  await browseTo(page, 'labels-load', segPath);
  await expect(segmentRow(page, 1)).toHaveAttribute('data-voxels', String(femur), { timeout: 90_000 });
  await idle(page);
  await expect(segmentRow(page, 3)).toHaveAttribute('data-voxels', String(tibia));

  // A slice of the series is not a SEG: one sentence, and the labels stay as they are.
  await browseTo(page, 'labels-load', join(folder, '1.2.826.0.1.3680043.99.7-0.dcm'));
  await idle(page);
  await expect(page.getByTestId('status-notice')).toContainText('is a DICOM MR object, not a DICOM SEG');
  await expect(segmentRow(page, 1)).toHaveAttribute('data-voxels', String(femur));
});
