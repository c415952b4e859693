import { test, expect, saveScreenshot } from './fixtures';
import { dragView, idle, ready, segmentRow, voxels } from './workspace-helpers';

function statisticsRow(page: import('@playwright/test').Page, value: number) {
  return page.locator(`[data-testid=statistics-row][data-value="${value}"]`);
}

test('segment statistics follow each edit, give mL from the spacing, and copy as CSV', async ({ app }, testInfo) => {
  const { page } = app;
  await ready(page);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await expect(page.getByTestId('statistics-row')).toHaveCount(0);

  // Brush the femur and the tibial cartilage on the axial slice.
  await page.getByTestId('segment-preset-knee').click();
  await page.getByTestId('tool-brush').click();
  await segmentRow(page, 1).getByTestId('segment-select').check();
  await dragView(page, 'axial', [
    [0.35, 0.4],
    [0.65, 0.4],
  ]);
  await segmentRow(page, 4).getByTestId('segment-select').check();
  await dragView(page, 'axial', [
    [0.3, 0.6],
    [0.5, 0.6],
    [0.7, 0.6],
  ]);
  const femur = await voxels(page, 1);
  const cartilage = await voxels(page, 4);
  expect(femur).toBeGreaterThan(20);
  expect(cartilage).toBeGreaterThan(20);
  await expect(statisticsRow(page, 1)).toHaveAttribute('data-voxels', String(femur));
  await expect(statisticsRow(page, 4)).toHaveAttribute('data-voxels', String(cartilage));
  await expect(page.getByTestId('statistics-row')).toHaveCount(2);

  // mL = voxels × the voxel volume the status bar shows (rounded there to 0.001 mm).
  const spacing = ((await page.getByTestId('status-spacing').textContent()) ?? '').match(/[\d.]+/g)?.map(Number) ?? [];
  expect(spacing).toHaveLength(3);
  const voxelMl = spacing.reduce((a, b) => a * b, 1) / 1000;
  const ml = Number(await statisticsRow(page, 4).getAttribute('data-ml'));
  expect(Math.abs(ml / (cartilage * voxelMl) - 1)).toBeLessThan(0.005);
  // Both strokes lie on the one axial slice the view shows.
  const slices = page.locator('[data-testid=statistics-slices][data-value="4"]');
  await expect(slices).toHaveText(/^slices A (\d+)–\1 · S \d+–\d+ · C \d+–\d+$/);

  // An erase updates the table (live), and so does undo.
  await page.getByTestId('tool-eraser').click();
  await dragView(page, 'axial', [
    [0.45, 0.6],
    [0.55, 0.6],
  ]);
  const erased = await voxels(page, 4);
  expect(erased).toBeLessThan(cartilage);
  await expect(statisticsRow(page, 4)).toHaveAttribute('data-voxels', String(erased));
  await page.keyboard.press('Control+z');
  await idle(page);
  await expect(statisticsRow(page, 4)).toHaveAttribute('data-voxels', String(cartilage));
  await expect(page.getByTestId('statistics-table')).toHaveAttribute('data-state', 'current');
  await expect(page.getByTestId('statistics-timing')).toHaveText(/computed in \d+ ms \(worker\)/);

  // Copy as CSV: a header and one line per segment, with the same numbers.
  await page.getByTestId('statistics-copy').click();
  await expect(page.getByTestId('statistics-copy-status')).toHaveAttribute('data-state', 'copied');
  // A string, because the e2e project compiles without the DOM's types.
  const csv = String(await page.evaluate('navigator.clipboard.readText()'));
  const lines = csv.trim().split('\n');
  expect(lines[0]).toBe(
    'segment,value,voxels,volume_ml,mean,sd,min,max,axial_first_slice,axial_last_slice,sagittal_first_slice,sagittal_last_slice,coronal_first_slice,coronal_last_slice',
  );
  expect(lines).toHaveLength(3);
  const fields = (lines[2] ?? '').split(',');
  expect(fields.slice(0, 3)).toEqual(['Tibial cartilage', '4', String(cartilage)]);
  expect(Math.abs(Number(fields[3]) - ml)).toBeLessThanOrEqual(0.0005);

  await saveScreenshot(page, testInfo, 'statistics-table', '[data-testid=statistics-panel]');
});
