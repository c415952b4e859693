import { test, expect, saveScreenshot } from './fixtures';
import { idle, ready, SLOW_START } from './workspace-helpers';

test('? and F1 open the help with every gesture and key; the first-run hint and tooltips name keys', async ({ app }, testInfo) => {
  test.setTimeout(240_000);
  const { page } = app;
  await ready(page, SLOW_START);

  // First run: the views are empty of labels, so the hint shows, naming the tool keys.
  const hint = page.getByTestId('first-run-hint');
  await expect(hint).toBeVisible();
  await expect(hint).toContainText('press C');
  await saveScreenshot(page, testInfo, 'first-run-hint');

  const help = page.getByTestId('help-overlay');
  await expect(help).toBeHidden();
  await page.keyboard.press('Shift+?');
  await expect(help).toBeVisible();
  for (const text of ['Ctrl+Z', 'Ctrl+Shift+Z / Ctrl+Y', 'Enter', 'Esc', 'F1', 'Right drag', 'Page Up', 'Mouse — Brush', 'Mouse — 3D view'])
    await expect(help).toContainText(text);
  await saveScreenshot(page, testInfo, 'help-overlay');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await page.keyboard.press('F1');
  await expect(help).toBeVisible();
  await page.getByTestId('help-close').click();
  await expect(help).toBeHidden();

  // Tooltips name their keys, from the same table.
  await expect(page.getByTestId('reset-view')).toHaveAttribute('title', /\(R\)$/);
  await expect(page.getByTestId('help-open')).toHaveAttribute('title', /\(\? \/ F1\)$/);

  // R resets the views: the cursor goes back to the centre after scrolling away.
  const centred = await page.getByTestId('status-cursor').innerText();
  await page.getByTestId('view-axial').hover();
  await page.keyboard.press('PageUp');
  await idle(page);
  expect(await page.getByTestId('status-cursor').innerText()).not.toBe(centred);
  await page.keyboard.press('r');
  await idle(page);
  expect(await page.getByTestId('status-cursor').innerText()).toBe(centred);

  // Dismissed once, the hint stays away after a reload; so do the layout and label opacity chosen.
  await page.getByTestId('first-run-hint-dismiss').click();
  await expect(hint).toBeHidden();
  await page.getByTestId('layout').selectOption('coronal');
  await page.getByTestId('overlay-opacity').fill('0.8');
  await idle(page);
  await page.reload();
  await ready(page, SLOW_START);
  await expect(hint).toBeHidden();
  await expect(page.getByTestId('layout')).toHaveValue('coronal');
  await expect(page.getByTestId('view-axial')).toBeHidden();
  await expect(page.getByTestId('overlay-opacity')).toHaveValue('0.8');
});
