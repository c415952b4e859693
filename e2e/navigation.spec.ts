import type { Page } from '@playwright/test';
import { test, expect, saveScreenshot } from './fixtures';
import { differingFraction, pixelStats } from './pixels';

type View = 'axial' | 'sagittal' | 'coronal';

async function idle(page: Page): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-busy', 'false');
}

async function slices(page: Page): Promise<Record<View, number>> {
  const read = async (view: View): Promise<number> =>
    Number(await page.getByTestId(`view-${view}`).getAttribute('data-slice'));
  return { axial: await read('axial'), sagittal: await read('sagittal'), coronal: await read('coronal') };
}

async function hover(page: Page, view: View, fx = 0.5, fy = 0.5): Promise<void> {
  const box = await page.getByTestId(`view-${view}`).boundingBox();
  if (!box) throw new Error(`${view} view is not on screen`);
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
}

test('linked views follow clicks, wheel and keys; window/level and layout respond', async ({
  app,
}, testInfo) => {
  const { page } = app;
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await idle(page);
  const start = await slices(page);
  const cursorText = await page.getByTestId('status-cursor').innerText();

  // A click in the axial view moves the cursor in its plane: the other two views change slice.
  await hover(page, 'axial', 0.35, 0.4);
  await page.mouse.down();
  await page.mouse.up();
  await idle(page);
  const clicked = await slices(page);
  expect(clicked.axial).toBe(start.axial);
  expect(clicked.sagittal).not.toBe(start.sagittal);
  expect(clicked.coronal).not.toBe(start.coronal);
  await expect(page.getByTestId('status-cursor')).not.toHaveText(cursorText);

  // One wheel notch over the coronal view scrolls it by one slice and nothing else.
  await hover(page, 'coronal');
  await page.mouse.wheel(0, -100);
  // mouse.wheel does not wait for the page to handle the event: wait for its effect.
  await expect(page.getByTestId('view-coronal')).not.toHaveAttribute('data-slice', String(clicked.coronal));
  await idle(page);
  const wheeled = await slices(page);
  expect(Math.abs(wheeled.coronal - clicked.coronal)).toBe(1);
  expect(wheeled.axial).toBe(clicked.axial);
  expect(wheeled.sagittal).toBe(clicked.sagittal);
  const count = Number(await page.getByTestId('view-coronal').getAttribute('data-slice-count'));
  await expect(page.getByTestId('view-coronal').getByTestId('slice-label')).toHaveText(
    `${wheeled.coronal + 1} / ${count}`,
  );

  // Keys go to the view under the pointer: up then down comes back; Page Down jumps further.
  await hover(page, 'axial');
  await page.keyboard.press('ArrowUp');
  await idle(page);
  const up = (await slices(page)).axial;
  expect(Math.abs(up - wheeled.axial)).toBe(1);
  await page.keyboard.press('ArrowDown');
  await idle(page);
  expect((await slices(page)).axial).toBe(wheeled.axial);
  await page.keyboard.press('PageDown');
  await idle(page);
  expect(Math.abs((await slices(page)).axial - wheeled.axial)).toBeGreaterThanOrEqual(1);

  // Right-drag changes window/level and the pixels; the Auto preset restores it.
  const autoText = await page.getByTestId('wl-value').innerText();
  const before = await page.getByTestId('view-axial').screenshot();
  await hover(page, 'axial');
  await page.mouse.down({ button: 'right' });
  await hover(page, 'axial', 0.8, 0.2);
  await page.mouse.up({ button: 'right' });
  await idle(page);
  await expect(page.getByTestId('wl-preset')).toHaveValue('custom');
  await expect(page.getByTestId('wl-value')).not.toHaveText(autoText);
  const after = await saveScreenshot(page, testInfo, 'axial-window-level', '[data-testid="view-axial"]');
  expect(differingFraction(before, after)).toBeGreaterThan(0.01);
  await page.getByTestId('wl-preset').selectOption('auto');
  await idle(page);
  await expect(page.getByTestId('wl-value')).toHaveText(autoText);

  // A single-view layout hides the others and still draws the image.
  await page.getByTestId('layout').selectOption('sagittal');
  await idle(page);
  await expect(page.getByTestId('view-axial')).toBeHidden();
  const single = await saveScreenshot(page, testInfo, 'sagittal-only', '[data-testid="view-sagittal"]');
  expect(pixelStats(single).distinctLevels).toBeGreaterThan(20);
  await page.getByTestId('layout').selectOption('three-up');
  await idle(page);
  await expect(page.getByTestId('view-axial')).toBeVisible();
});
