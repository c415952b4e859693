import { test, expect } from './fixtures';
import { point, ready } from './workspace-helpers';

test('the status bar shows the voxel under the pointer, and Reset view restores the view', async ({ app }) => {
  const { page } = app;
  await ready(page);
  const pointer = page.getByTestId('status-pointer');
  const inside = await point(page, 'axial', 0.5, 0.5);
  await page.mouse.move(inside.x, inside.y);
  await expect(pointer).toHaveText(/^pointer \[\d+, \d+, \d+\] = -?\d/);
  const first = await pointer.textContent();
  const moved = await point(page, 'axial', 0.6, 0.45);
  await page.mouse.move(moved.x, moved.y);
  await expect(pointer).not.toHaveText(first ?? '');
  // Off the image (the view's corner is outside the volume's extent): no readout.
  const corner = await point(page, 'axial', 0.02, 0.02);
  await page.mouse.move(corner.x, corner.y);
  await expect(pointer).toHaveText('');

  // Change window/level by right-drag, then reset.
  const a = await point(page, 'coronal', 0.5, 0.5);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down({ button: 'right' });
  await page.mouse.move(a.x + 80, a.y + 40, { steps: 4 });
  await page.mouse.up({ button: 'right' });
  await expect(page.getByTestId('wl-preset')).toHaveValue('custom');
  await page.getByTestId('reset-view').click();
  await expect(page.getByTestId('wl-preset')).toHaveValue('auto');
});
