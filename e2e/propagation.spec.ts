import { test, expect } from './fixtures';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dragView, exportFolder, exportTo, historyCount, idle, point, ready, segmentRow, voxels } from './workspace-helpers';

test('fill between two segmented slices is one undoable step that spares locked segments', async ({ app }) => {
  const { page } = app;
  await ready(page);
  await page.getByTestId('segment-preset-knee').click();
  await segmentRow(page, 3).getByTestId('segment-select').check();
  await page.getByTestId('tool-brush').click();

  // Paint the tibia on two coronal slices eight apart.
  const coronal = page.getByTestId('view-coronal');
  const first = Number(await coronal.getAttribute('data-slice'));
  const stroke: [number, number][] = [
    [0.42, 0.66],
    [0.58, 0.66],
    [0.58, 0.7],
    [0.42, 0.7],
  ];
  await dragView(page, 'coronal', stroke);
  const centre = await point(page, 'coronal', 0.5, 0.2);
  await page.mouse.move(centre.x, centre.y);
  for (let n = 0; n < 8; n++) await page.keyboard.press('ArrowUp');
  await expect(coronal).toHaveAttribute('data-slice', String(first + 8));
  await dragView(page, 'coronal', stroke);
  const painted = await voxels(page, 3);
  expect(painted).toBeGreaterThan(0);
  const before = await historyCount(page);

  // A locked femur segment with voxels in between must not change.
  await segmentRow(page, 1).getByTestId('segment-select').check();
  await page.mouse.move(centre.x, centre.y);
  for (let n = 0; n < 4; n++) await page.keyboard.press('ArrowDown');
  await dragView(page, 'coronal', [
    [0.49, 0.68],
    [0.51, 0.68],
  ]);
  const femur = await voxels(page, 1);
  expect(femur).toBeGreaterThan(0);
  await segmentRow(page, 1).getByTestId('segment-lock').check();

  await page.getByTestId('propagate-axis').selectOption('coronal');
  await page.getByTestId('fill-between').click();
  await expect(page.getByTestId('propagate-progress')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await idle(page);
  const filled = await voxels(page, 3);
  // Seven slices in between are filled (minus the locked femur voxels).
  expect(filled).toBeGreaterThan(painted * 3);
  expect(await voxels(page, 1)).toBe(femur);
  const after = await historyCount(page);
  expect(after.count).toBe(before.count + 2);

  await page.keyboard.press('Control+z');
  await idle(page);
  expect(await voxels(page, 3)).toBe(painted);
  await page.keyboard.press('Control+y');
  await idle(page);
  expect(await voxels(page, 3)).toBe(filled);

  // The export's sidecar says how the labels were made: this run, its method and axis.
  const path = join(exportFolder(), 'propagation.nii.gz');
  await exportTo(page, path);
  const sidecar = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as {
    provenance: { propagation?: { runs: { method: string; view: string; propagatedLabels: number[] }[] } };
  };
  expect(sidecar.provenance.propagation?.runs).toEqual([expect.objectContaining({ method: 'interpolation', view: 'coronal', propagatedLabels: [3] })]);
});
