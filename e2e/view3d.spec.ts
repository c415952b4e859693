import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { test, expect, saveScreenshot } from './fixtures';
import { differingFraction } from './pixels';
import { choosePath, dragView, idle, ready, SLOW_START, repoRoot, segmentRow } from './workspace-helpers';

const sampleLabels = join(repoRoot, 'resources', 'sample', 'knee-sample_labels.nii.gz');

/** Fraction of pixels whose hue matches a segment colour (ratios survive diffuse shading). */
function colourFraction(png: Buffer, rgb: readonly [number, number, number], tolerance = 0.07): number {
  const image = PNG.sync.read(png);
  const [gr, br] = [rgb[1] / rgb[0], rgb[2] / rgb[0]];
  let matching = 0;
  const count = image.width * image.height;
  for (let p = 0; p < count; p++) {
    const r = image.data[4 * p] ?? 0;
    if (r < 50) continue;
    const g = (image.data[4 * p + 1] ?? 0) / r;
    const b = (image.data[4 * p + 2] ?? 0) / r;
    if (Math.abs(g - gr) < tolerance && Math.abs(b - br) < tolerance) matching++;
  }
  return matching / count;
}

async function segmentColour(page: Page, value: number): Promise<[number, number, number]> {
  const hex = await segmentRow(page, value).getByTestId('segment-color').inputValue();
  return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [number, number, number];
}

async function surfacesReady(page: Page): Promise<void> {
  await idle(page);
  await expect(page.getByTestId('view-3d')).toHaveAttribute('data-surface-state', 'ready');
}

test('the 3D view shows the sample femur and tibia, rotates, resets, locates and follows edits', async ({ app }, testInfo) => {
  test.skip(!existsSync(sampleLabels), 'resources/sample/knee-sample_labels.nii.gz is not generated yet');
  // Meshing four segments takes seconds on the shared two-core test machine.
  test.setTimeout(240_000);
  const { page } = app;
  await ready(page, SLOW_START);
  await expect(page.getByTestId('view-3d')).toBeHidden();
  await choosePath(page, 'labels-load', sampleLabels);
  await expect(segmentRow(page, 1)).toBeVisible();

  await page.getByTestId('layout').selectOption('three-3d');
  const view = page.getByTestId('view-3d');
  await expect(view).toBeVisible();
  await surfacesReady(page);
  await expect(view).toHaveAttribute('data-off-thread', 'true');
  const built = (await view.getAttribute('data-rebuilt'))?.split(',').map(Number) ?? [];
  expect(built).toEqual(expect.arrayContaining([1, 3]));
  console.log(
    `sample labels in 3D: first surfaces ${await view.getAttribute('data-first-surface-ms')} ms ` +
      `(worker ${await view.getAttribute('data-worker-ms')} ms), segments ${built.join(',')}`,
  );

  const front = await saveScreenshot(page, testInfo, 'view3d-femur-tibia', '[data-testid=view-3d]');
  // Femur and tibia (values 1 and 3) in their table colours.
  const femurColour = await segmentColour(page, 1);
  const tibiaColour = await segmentColour(page, 3);
  expect(colourFraction(front, femurColour)).toBeGreaterThan(0.01);
  expect(colourFraction(front, tibiaColour)).toBeGreaterThan(0.01);
  await saveScreenshot(page, testInfo, 'view3d-three-plus-3d');

  // Left-drag rotates; "Reset 3D" brings the front view back.
  const box = await view.boundingBox();
  if (!box) throw new Error('3D view is not on screen');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.5, { steps: 8 });
  await page.mouse.up();
  await idle(page);
  const rotated = await view.screenshot();
  expect(differingFraction(front, rotated)).toBeGreaterThan(0.02);
  await page.getByTestId('view3d-reset').click();
  await idle(page);
  expect(differingFraction(front, await view.screenshot())).toBeLessThan(0.01);

  // A click on a surface moves the cursor there: the slice views follow.
  const cursorBefore = await page.getByTestId('status-cursor').innerText();
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await idle(page);
  await expect(view).toHaveAttribute('data-located-value', /^[1-9]\d*$/);
  expect(await page.getByTestId('status-cursor').innerText()).not.toBe(cursorBefore);

  // An edit to the femur rebuilds the femur's surface only.
  await segmentRow(page, 1).getByTestId('segment-select').check();
  await page.getByTestId('tool-brush').click();
  await dragView(page, 'axial', [
    [0.3, 0.5],
    [0.7, 0.5],
  ]);
  await surfacesReady(page);
  await expect(view).toHaveAttribute('data-rebuilt', '1');
  console.log(`femur edit: surfaces updated in ${await view.getAttribute('data-update-ms')} ms (worker ${await view.getAttribute('data-worker-ms')} ms)`);

  // Hiding a segment hides its surface without a rebuild.
  await segmentRow(page, 3).getByTestId('segment-visible').uncheck();
  await idle(page);
  expect(colourFraction(await view.screenshot(), tibiaColour)).toBeLessThan(0.002);

  await page.getByTestId('layout').selectOption('3d');
  await idle(page);
  await expect(page.getByTestId('view-axial')).toBeHidden();
  await expect(view).toBeVisible();
});
