import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { dragView, exportFolder, historyCount, idle, ready, repoRoot, segmentRow, voxels } from './workspace-helpers';

async function chooseInBrowser(page: Page, opener: string, path: string): Promise<void> {
  await page.getByTestId(opener).click();
  const browser = page.getByTestId('file-browser');
  await expect(browser).toHaveAttribute('data-loading', 'false');
  await page.getByTestId('file-browser-path').fill(path);
  await page.getByTestId('file-browser-ok').click();
  await expect(browser).toHaveCount(0);
  await idle(page);
}

/** The knee preset, the tibia active, and a brush stroke across the coronal view at height `y`. */
async function brushTibia(page: Page, y: number): Promise<void> {
  await page.getByTestId('segment-preset-knee').click();
  await segmentRow(page, 3).getByTestId('segment-select').check();
  await page.getByTestId('tool-brush').click();
  await dragView(page, 'coronal', [
    [0.45, y],
    [0.55, y],
  ]);
  await idle(page);
}

/** A session path in the export folder, with no file left from an earlier run. */
function freshSession(name: string): { folder: string; session: string } {
  const folder = exportFolder();
  const session = join(folder, name);
  rmSync(session, { force: true });
  return { folder, session };
}

test('save a session and reopen it with its image, labels and segments', async ({ app }) => {
  test.skip(app.mode !== 'serve', 'The desktop app chooses session paths in native dialogs.');
  const { page } = app;
  await ready(page);
  const { folder, session } = freshSession('journey.iseg.json');

  // A session needs an image file to reopen: open the sample's file.
  await chooseInBrowser(page, 'open-file', join(repoRoot, 'resources', 'sample', 'knee-sample.nii.gz'));
  await expect(page.getByTestId('status-volume')).toContainText('knee-sample.nii.gz');
  await brushTibia(page, 0.62);
  const tibia = await voxels(page, 3);
  expect(tibia).toBeGreaterThan(0);

  await page.getByTestId('export-path').fill(join(folder, 'journey.labels.nii.gz'));
  await page.getByTestId('session-save').click();
  await expect(page.getByTestId('export-status')).toHaveAttribute('data-state', 'done');
  expect(existsSync(session)).toBe(true);
  const saved = JSON.parse(readFileSync(session, 'utf8')) as { format: string; image: string; labels: string; activeSegment: number };
  expect(saved).toMatchObject({ format: 'iseg-session', labels: 'journey.labels.nii.gz', activeSegment: 3 });

  // Start over with the bundled sample, then reopen the session.
  await page.getByTestId('open-sample').click();
  await idle(page);
  expect(await voxels(page, 3)).toBe(0);
  await chooseInBrowser(page, 'session-open', session);
  await expect(page.getByTestId('status-volume')).toContainText('knee-sample.nii.gz');
  expect(await voxels(page, 3)).toBe(tibia);
  await expect(segmentRow(page, 3).getByTestId('segment-select')).toBeChecked();
  expect((await historyCount(page)).count).toBe(0);
});

test('save a session on the embedded sample and reopen it (asking before discarding newer labels)', async ({ app }) => {
  test.skip(app.mode !== 'serve', 'The desktop app chooses session paths in native dialogs.');
  const { page } = app;
  await ready(page);
  const { folder, session } = freshSession('sample-journey.iseg.json');

  // The sample the app starts with: no image file to name, yet the session saves.
  await brushTibia(page, 0.62);
  const tibia = await voxels(page, 3);
  expect(tibia).toBeGreaterThan(0);
  await page.getByTestId('export-path').fill(join(folder, 'sample-journey.labels.nii.gz'));
  await page.getByTestId('session-save').click();
  await expect(page.getByTestId('export-status')).toHaveAttribute('data-state', 'done');
  const saved = JSON.parse(readFileSync(session, 'utf8')) as { sample?: boolean; labels: string };
  expect(saved).toMatchObject({ sample: true, labels: 'sample-journey.labels.nii.gz' });

  // A later stroke is not saved: opening the sample asks first.
  await dragView(page, 'coronal', [
    [0.45, 0.66],
    [0.55, 0.66],
  ]);
  expect(await voxels(page, 3)).toBeGreaterThan(tibia);
  await page.getByTestId('open-sample').click();
  await page.getByTestId('confirm-discard-confirm').click();
  await idle(page);
  expect(await voxels(page, 3)).toBe(0);

  await chooseInBrowser(page, 'session-open', session);
  expect(await voxels(page, 3)).toBe(tibia);
  await expect(segmentRow(page, 3).getByTestId('segment-select')).toBeChecked();
});
