import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, artifactsDir, saveScreenshot } from './fixtures';
import { writeSyntheticSeries } from '../electron/node/io/test-support/synthetic-dicom';
import { choosePath, idle, ready, SLOW_START } from './workspace-helpers';

/** A small series whose voxels span air to bone in Hounsfield units, tagged with `modality`. */
async function writeHuSeries(folder: string, uid: string, modality: string): Promise<void> {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  // Air (−1000) to bone (+1199) in Hounsfield units.
  await writeSyntheticSeries(folder, { uid, count: 5, rows: 24, columns: 20, modality, value: (n, k) => -1000 + ((n * 37 + k * 11) % 2200) });
}

async function presetIds(page: Page): Promise<string[]> {
  const options = page.getByTestId('wl-preset').locator('option:not([disabled])');
  const ids: string[] = [];
  for (let n = 0; n < (await options.count()); n++) ids.push((await options.nth(n).getAttribute('value')) ?? '');
  return ids;
}

test('window/level presets follow the modality, and W/L can be typed', async ({ app }, testInfo) => {
  test.setTimeout(240_000);
  const { page } = app;
  await ready(page, SLOW_START);
  const group = page.getByTestId('wl-group');
  const readout = page.getByTestId('wl-value');

  // The sample is a NIfTI (no modality) with an MR-like range: percentile presets, no CT windows.
  await expect(group).toHaveAttribute('data-modality', 'MR');
  expect(await presetIds(page)).toEqual(['auto', 'mr-wide', 'mr-narrow', 'full']);
  const auto = await readout.innerText();
  await page.getByTestId('wl-preset').selectOption('mr-narrow');
  await idle(page);
  const narrow = await readout.innerText();
  expect(narrow).not.toBe(auto);
  await expect(page.getByTestId('wl-window')).toHaveValue(/^\d/);

  // Typed values: Enter applies them (a custom setting); nonsense is refused with a sentence.
  await page.getByTestId('wl-window').fill('150');
  await page.getByTestId('wl-level').fill('90');
  await page.getByTestId('wl-level').press('Enter');
  await idle(page);
  await expect(readout).toHaveText('W 150  L 90');
  await expect(page.getByTestId('wl-preset')).toHaveValue('custom');
  await page.getByTestId('wl-window').fill('wide');
  await page.getByTestId('wl-window').press('Enter');
  await expect(page.getByTestId('status-notice')).toContainText('The window must be a number');
  await expect(page.getByTestId('wl-window')).toHaveValue('150');
  await expect(readout).toHaveText('W 150  L 90');
  await saveScreenshot(page, testInfo, 'window-level-typed');

  // A CT series (DICOM Modality CT): the CT windows, with their standard values.
  const ct = join(artifactsDir, 'wl-ct-series');
  await writeHuSeries(ct, '1.2.826.77.1', 'CT');
  await choosePath(page, 'open-file', ct);
  await ready(page);
  await expect(group).toHaveAttribute('data-modality', 'CT');
  expect(await presetIds(page)).toEqual(['auto', 'ct-soft', 'ct-lung', 'ct-bone', 'ct-brain', 'full']);
  await page.getByTestId('wl-preset').selectOption('ct-bone');
  await idle(page);
  await expect(readout).toHaveText('W 1800  L 400');
  await page.getByTestId('wl-preset').selectOption('ct-lung');
  await expect(readout).toHaveText('W 1500  L -600');

  // The same values tagged MR: the tag, not the range, decides.
  const mr = join(artifactsDir, 'wl-mr-series');
  await writeHuSeries(mr, '1.2.826.77.2', 'MR');
  await choosePath(page, 'open-file', mr);
  await ready(page);
  await expect(group).toHaveAttribute('data-modality', 'MR');
  expect(await presetIds(page)).not.toContain('ct-bone');
});
