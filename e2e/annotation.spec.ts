import { test, expect, saveScreenshot } from './fixtures';
import { differingFraction, pixelStats } from './pixels';
import { clickView, compareWithBaseline, dragView, historyCount, idle, previewVoxels, ready, segmentRow, voxels, type View } from './workspace-helpers';

test('click prompts, brush and eraser, undo/redo and locks', async ({ app }, testInfo) => {
  const { page } = app;
  await ready(page);
  await expect(page.getByTestId('status-engine')).toContainText('Click:');

  // The knee preset is one click away: four segments, femur active.
  await page.getByTestId('segment-preset-knee').click();
  await expect(page.getByTestId('segment-row')).toHaveCount(4);
  await expect(segmentRow(page, 1)).toHaveAttribute('data-active', 'true');

  // Click prompts in the coronal view (femur in the upper half): a positive click gives a mask.
  await page.getByTestId('tool-click').click();
  const before = await page.getByTestId('view-coronal').screenshot();
  await clickView(page, 'coronal', 0.5, 0.38);
  await expect(page.getByTestId('prompt-status')).toHaveAttribute('data-clicks', '1');
  await expect(page.getByTestId('view-coronal').getByTestId('marker-positive')).toHaveCount(1);
  const first = await previewVoxels(page);
  expect(first).toBeGreaterThan(0);
  const withPreview = await saveScreenshot(page, testInfo, 'coronal-click-preview', '[data-testid=view-coronal]');
  // The preview is drawn: the view's pixels changed.
  expect(pixelStats(withPreview).meanLuminance).not.toBeCloseTo(pixelStats(before).meanLuminance, 1);
  await expect(page.getByTestId('status-latency')).toHaveAttribute('data-ms', /\d+/);

  // A negative click (right button) inside the mask changes it.
  await clickView(page, 'coronal', 0.3, 0.45, { button: 'right' });
  await expect(page.getByTestId('prompt-status')).toHaveAttribute('data-clicks', '2');
  await expect(page.getByTestId('view-coronal').getByTestId('marker-negative')).toHaveCount(1);
  const second = await previewVoxels(page);
  expect(second).not.toBe(first);

  // Enter commits the preview to the femur: one history step.
  await page.keyboard.press('Enter');
  await idle(page);
  await expect(segmentRow(page, 1)).toHaveAttribute('data-voxels', String(second));
  expect(await historyCount(page)).toEqual({ count: 1, cursor: 1 });
  await expect(page.getByTestId('prompt-status')).toHaveAttribute('data-clicks', '0');

  // Esc cancels a prompt without touching the labels.
  await clickView(page, 'coronal', 0.5, 0.64);
  expect(await previewVoxels(page)).toBeGreaterThan(0);
  // Shift+left is a negative click too.
  await clickView(page, 'coronal', 0.3, 0.64, { shift: true });
  await expect(page.getByTestId('prompt-status')).toHaveAttribute('data-clicks', '2');
  await expect(page.getByTestId('view-coronal').getByTestId('marker-negative')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await idle(page);
  await expect(page.getByTestId('prompt-status')).toHaveAttribute('data-preview-voxels', '0');
  expect(await voxels(page, 1)).toBe(second);

  // Undo and redo the click mask (keys and buttons).
  await page.keyboard.press('Control+z');
  await idle(page);
  await expect(segmentRow(page, 1)).toHaveAttribute('data-voxels', '0');
  await page.keyboard.press('Control+Shift+z');
  await idle(page);
  await expect(segmentRow(page, 1)).toHaveAttribute('data-voxels', String(second));

  // Brush the tibial cartilage (value 4) on the axial slice: one stroke, one step.
  await segmentRow(page, 4).getByTestId('segment-select').check();
  await page.getByTestId('tool-brush').click();
  await dragView(page, 'axial', [
    [0.3, 0.5],
    [0.5, 0.5],
    [0.7, 0.5],
  ]);
  const brushed = await voxels(page, 4);
  expect(brushed).toBeGreaterThan(20);
  expect(await historyCount(page)).toEqual({ count: 2, cursor: 2 });
  await saveScreenshot(page, testInfo, 'axial-brushed', '[data-testid=view-axial]');

  // Erase part of it, undo the erase, redo it.
  await page.getByTestId('tool-eraser').click();
  await dragView(page, 'axial', [
    [0.45, 0.5],
    [0.55, 0.5],
  ]);
  const erased = await voxels(page, 4);
  expect(erased).toBeLessThan(brushed);
  expect(erased).toBeGreaterThan(0);
  await page.getByTestId('undo').click();
  await idle(page);
  await expect(segmentRow(page, 4)).toHaveAttribute('data-voxels', String(brushed));
  await page.getByTestId('redo').click();
  await idle(page);
  await expect(segmentRow(page, 4)).toHaveAttribute('data-voxels', String(erased));
  await page.keyboard.press('Control+y'); // nothing left to redo
  await idle(page);
  await expect(segmentRow(page, 4)).toHaveAttribute('data-voxels', String(erased));
  // Undo the erase so the stroke is whole again.
  await page.keyboard.press('Control+z');
  await idle(page);
  await expect(segmentRow(page, 4)).toHaveAttribute('data-voxels', String(brushed));

  // Lock the tibial cartilage: a femur brush stroke and a femur click mask over it leave it whole.
  await segmentRow(page, 4).getByTestId('segment-lock').check();
  await expect(segmentRow(page, 4)).toHaveAttribute('data-locked', 'true');
  await segmentRow(page, 1).getByTestId('segment-select').check();
  await page.getByTestId('tool-brush').click();
  const femurBefore = await voxels(page, 1);
  await dragView(page, 'axial', [
    [0.3, 0.5],
    [0.7, 0.5],
  ]);
  expect(await voxels(page, 4)).toBe(brushed);
  expect(await voxels(page, 1)).toBeGreaterThanOrEqual(femurBefore);
  await page.getByTestId('tool-click').click();
  await clickView(page, 'axial', 0.3, 0.5);
  expect(await previewVoxels(page)).toBeGreaterThan(0);
  await page.getByTestId('prompt-finish').click();
  await idle(page);
  expect(await voxels(page, 4)).toBe(brushed);
  // The eraser on the active (femur) segment does not touch the locked one either.
  await page.getByTestId('tool-eraser').click();
  await dragView(page, 'axial', [
    [0.3, 0.5],
    [0.7, 0.5],
  ]);
  expect(await voxels(page, 4)).toBe(brushed);

  // Deleting a segment clears its voxels as one step; undo brings it back.
  await segmentRow(page, 4).getByTestId('segment-delete').click();
  await idle(page);
  await expect(segmentRow(page, 4)).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await idle(page);
  await expect(segmentRow(page, 4)).toHaveAttribute('data-voxels', String(brushed));
  await expect(page.getByTestId('history-step')).not.toHaveCount(0);
  await saveScreenshot(page, testInfo, 'workspace-after-edits');
});

test('views scroll and draw the labels like the stored baselines', async ({ app }, testInfo) => {
  const { page } = app;
  await ready(page);
  // Open the sample explicitly, as a user would.
  await page.getByTestId('open-sample').click();
  await ready(page);

  // Scroll the axial view and see a different slice.
  const slice = await page.getByTestId('view-axial').getAttribute('data-slice');
  const box = await page.getByTestId('view-axial').boundingBox();
  if (!box) throw new Error('axial view is not on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let n = 0; n < 6; n++) await page.mouse.wheel(0, -100);
  await expect(page.getByTestId('view-axial')).not.toHaveAttribute('data-slice', slice ?? '');
  await idle(page);

  // A known drawing: the knee preset, a femur stroke in the coronal view and a tibia stroke in
  // the sagittal view; then compare each view with its baseline.
  await page.getByTestId('segment-preset-knee').click();
  await page.getByTestId('tool-brush').click();
  await dragView(page, 'coronal', [
    [0.4, 0.38],
    [0.6, 0.38],
  ]);
  await segmentRow(page, 3).getByTestId('segment-select').check();
  await dragView(page, 'sagittal', [
    [0.4, 0.62],
    [0.6, 0.62],
  ]);
  await page.getByTestId('tool-navigate').click();
  await page.mouse.move(0, 0);
  await idle(page);
  for (const view of ['axial', 'sagittal', 'coronal'] as const satisfies readonly View[]) {
    const shot = await saveScreenshot(page, testInfo, `baseline-${view}`, `[data-testid=view-${view}]`);
    const stats = pixelStats(shot);
    expect(stats.distinctLevels).toBeGreaterThan(10);
    compareWithBaseline(shot, view, testInfo);
  }

  // A hidden segment is not drawn; showing it again restores the picture. Opacity changes it.
  const filled = await page.getByTestId('view-coronal').screenshot();
  await segmentRow(page, 1).getByTestId('segment-visible').uncheck();
  await idle(page);
  const hidden = await page.getByTestId('view-coronal').screenshot();
  expect(differingFraction(hidden, filled)).toBeGreaterThan(0.001);
  await segmentRow(page, 1).getByTestId('segment-visible').check();
  await idle(page);
  expect(differingFraction(await page.getByTestId('view-coronal').screenshot(), filled)).toBeLessThan(0.001);
  await page.getByTestId('overlay-opacity').fill('1');
  await idle(page);
  expect(differingFraction(await page.getByTestId('view-coronal').screenshot(), filled)).toBeGreaterThan(0.001);
  await page.getByTestId('overlay-opacity').fill('0.5');
  await idle(page);

  // Outline mode draws the edges only.
  await page.getByTestId('overlay-mode').selectOption('outline');
  await idle(page);
  const outlined = await saveScreenshot(page, testInfo, 'coronal-outline', '[data-testid=view-coronal]');
  expect(outlined.equals(filled)).toBe(false);
});
