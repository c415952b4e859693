import type { Locator, Page } from '@playwright/test';
import { test, expect, saveScreenshot } from './fixtures';
import { clickView, dragView, historyCount, idle, previewVoxels, ready, segmentRow, voxels } from './workspace-helpers';

/** The labelled sample ready for prompts, the knee preset's femur active; the prompt read-out. */
async function kneePrompts(page: Page): Promise<Locator> {
  // The first render of three views took 44 s on this shared 2-core machine under load: wait longer than 30 s.
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready', { timeout: 120_000 });
  await ready(page);
  await page.getByTestId('segment-preset-knee').click();
  await expect(segmentRow(page, 1)).toHaveAttribute('data-active', 'true');
  return page.getByTestId('prompt-status');
}

test('box and scribble prompts give masks through the click engine', async ({ app }, testInfo) => {
  const { page } = app;
  const status = await kneePrompts(page);

  // X picks the box tool; a box around the femur (upper half of the coronal view) gives a mask.
  await page.keyboard.press('x');
  await expect(page.getByTestId('tool-box')).toHaveAttribute('aria-pressed', 'true');
  await dragView(page, 'coronal', [
    [0.06, 0.3],
    [0.5, 0.4],
    [0.95, 0.5],
  ]);
  await expect(status).toHaveAttribute('data-box', 'true');
  await expect(status).toHaveAttribute('data-clicks', '0');
  const boxed = await previewVoxels(page);
  expect(boxed).toBeGreaterThan(0);
  // The rubber band is gone once the box is sent.
  await expect(page.getByTestId('view-coronal').getByTestId('prompt-rubber-band').locator('polyline')).toHaveAttribute('points', '');
  await saveScreenshot(page, testInfo, 'coronal-box-preview', '[data-testid=view-coronal]');

  // A click on the same slice corrects the box's mask; Enter commits both as one step.
  await page.keyboard.press('c');
  await clickView(page, 'coronal', 0.35, 0.45, { button: 'right' });
  await expect(status).toHaveAttribute('data-clicks', '1');
  await expect(status).toHaveAttribute('data-box', 'true');
  const corrected = await previewVoxels(page);
  await page.keyboard.press('Enter');
  await idle(page);
  await expect(segmentRow(page, 1)).toHaveAttribute('data-voxels', String(corrected));
  expect(await historyCount(page)).toEqual({ count: 1, cursor: 1 });
  await expect(status).toHaveAttribute('data-box', 'false');

  // S picks the scribble tool: a positive stroke along the tibia (lower half), then a negative
  // stroke (Shift+drag) beside it.
  await page.keyboard.press('s');
  await expect(page.getByTestId('tool-scribble')).toHaveAttribute('aria-pressed', 'true');
  await dragView(page, 'coronal', [
    [0.42, 0.66],
    [0.5, 0.67],
    [0.58, 0.66],
  ]);
  await expect(status).toHaveAttribute('data-scribbles', '1');
  const scribbled = await previewVoxels(page);
  expect(scribbled).toBeGreaterThan(0);
  await page.keyboard.down('Shift');
  await dragView(page, 'coronal', [
    [0.3, 0.55],
    [0.36, 0.56],
  ]);
  await page.keyboard.up('Shift');
  await expect(status).toHaveAttribute('data-scribbles', '2');
  expect(await previewVoxels(page)).toBeGreaterThan(0);
  await saveScreenshot(page, testInfo, 'coronal-scribble-preview', '[data-testid=view-coronal]');

  // Esc drops the scribbles and leaves the labels as they were.
  await page.keyboard.press('Escape');
  await idle(page);
  await expect(status).toHaveAttribute('data-scribbles', '0');
  await expect(status).toHaveAttribute('data-preview-voxels', '0');
  expect(await voxels(page, 1)).toBe(corrected);
});

test('a click on a segmented slice refines its mask: a negative click takes pixels away, Enter replaces, undo restores', async ({ app }, testInfo) => {
  const { page } = app;
  const status = await kneePrompts(page);
  await page.keyboard.press('c');
  // The femur on one coronal slice, with the default engine (the click model).
  for (const [fx, fy] of [
    [0.5, 0.35],
    [0.3, 0.42],
    [0.7, 0.42],
  ] as const)
    await clickView(page, 'coronal', fx, fy);
  await page.keyboard.press('Enter');
  await idle(page);
  const segmented = await voxels(page, 1);
  expect(segmented).toBeGreaterThan(0);

  // A new prompt on that slice starts from the femur's mask: a negative click where the first
  // positive click was (inside the mask) must leave that pixel out, so the mask shrinks.
  await clickView(page, 'coronal', 0.5, 0.35, { shift: true });
  await expect(status).toHaveAttribute('data-clicks', '1');
  const refined = await previewVoxels(page);
  expect(refined).toBeGreaterThan(0);
  expect(refined).toBeLessThan(segmented);
  // What goes is shown dark over the femur until Enter.
  await saveScreenshot(page, testInfo, 'coronal-refine-preview', '[data-testid=view-coronal]');
  // Enter replaces the femur on the slice by the refined mask (adding it would have kept them all).
  await page.keyboard.press('Enter');
  await idle(page);
  expect(await voxels(page, 1)).toBe(refined);
  expect(await historyCount(page)).toEqual({ count: 2, cursor: 2 });
  await page.keyboard.press('Control+z');
  await idle(page);
  expect(await voxels(page, 1)).toBe(segmented);
});
