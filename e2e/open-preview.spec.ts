import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, artifactsDir, saveScreenshot } from './fixtures';
import { differingFraction, pixelStats } from './pixels';
import { writeVolume } from '../electron/node/io/write-volume';
import { idle, ready, SLOW_START, submitPath } from './workspace-helpers';

const VIEWS = ['axial', 'sagittal', 'coronal'] as const;

/**
 * A 160 × 144 × 96 float32 image (8.4 MiB, enough for a preview) in LPS with flipped i and j, whose
 * value varies differently along each axis, so each view's centre slice is a pattern of its own.
 */
async function writeLargeImage(path: string): Promise<void> {
  const size: [number, number, number] = [160, 144, 96];
  const voxels = new Float32Array(size[0] * size[1] * size[2]);
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++)
        voxels[i + size[0] * (j + size[1] * k)] = 100 * Math.sin(i / 9) + 60 * Math.cos(j / 13) + 2 * k + (i > 100 && j < 40 ? 300 : 0);
  await writeVolume({ geometry: { size, spacing: [0.8, 0.7, 1.5], origin: [40, -20, 10], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] }, componentType: 'float32', voxels }, path);
}

test('a large image shows its centre slices before its voxels arrive, exactly as the volume then draws them', async ({ app }, testInfo) => {
  test.skip(app.mode !== 'serve', 'The desktop app chooses paths through native dialogs.');
  test.setTimeout(180_000);
  const { page } = app;
  await ready(page, SLOW_START);
  const folder = join(artifactsDir, 'open-preview');
  mkdirSync(folder, { recursive: true });
  const image = join(folder, 'large.nii.gz');
  await writeLargeImage(image);

  // The voxels are held back until the preview has been looked at.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/bulk/**', async (route) => {
    await held;
    await route.continue();
  });
  // What each view drew, in order, from the click on OK.
  await page.evaluate(`(() => {
    const drawn = {};
    window.drawnLog = drawn;
    new MutationObserver((records) => {
      for (const r of records) {
        const view = r.target;
        const seen = (drawn[view.dataset.view ?? '?'] ??= []);
        if (view.dataset.drawn !== undefined && seen.at(-1) !== view.dataset.drawn) seen.push(view.dataset.drawn);
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-drawn'] });
  })()`);

  await submitPath(page, 'open-file', image);
  for (const view of VIEWS) await expect(page.getByTestId(`view-${view}`)).toHaveAttribute('data-drawn', 'preview', { timeout: 60_000 });
  await expect(page.getByTestId('status-volume')).toContainText('large.nii.gz');
  await expect(page.locator('html')).toHaveAttribute('data-busy', 'true');
  const previews = await Promise.all(VIEWS.map((view) => page.locator(`[data-testid=view-${view}] canvas`).screenshot()));
  await saveScreenshot(page, testInfo, 'open-preview-centre-slices');

  release();
  await idle(page);
  for (const view of VIEWS) await expect(page.getByTestId(`view-${view}`)).toHaveAttribute('data-drawn', 'volume');
  const log = await page.evaluate<Record<string, string[] | undefined>>('window.drawnLog');
  // Whatever the view drew before OK, it then drew the preview and then the volume.
  for (const view of VIEWS) expect(log[view]?.slice(-2)).toEqual(['preview', 'volume']);
  const volumes = await Promise.all(VIEWS.map((view) => page.locator(`[data-testid=view-${view}] canvas`).screenshot()));
  await saveScreenshot(page, testInfo, 'open-preview-volume');
  VIEWS.forEach((view, n) => {
    const [preview, volume] = [previews[n], volumes[n]];
    if (preview === undefined || volume === undefined) throw new Error(`no screenshot of the ${view} view`);
    // The image is drawn (not a black canvas), and the preview is the volume's own slice, pixel for pixel.
    expect(pixelStats(volume).distinctLevels, `${view} view is drawn`).toBeGreaterThan(20);
    expect(differingFraction(preview, volume), `${view} preview against the volume`).toBe(0);
  });
  await page.unroute('**/bulk/**');

  // Voxels that never come after the preview (the transfer fails): a sentence, and no half-open
  // image on screen; the same file then opens.
  await page.route('**/bulk/**', async (route) => {
    const previewShown = await page.getByTestId('view-axial').getAttribute('data-drawn');
    if (previewShown === 'preview') await route.abort();
    else await route.continue();
  });
  await submitPath(page, 'open-file', image);
  await expect(page.getByTestId('status-notice')).toContainText(/could not|lost|failed/i, { timeout: 60_000 });
  await idle(page);
  for (const view of VIEWS) await expect(page.getByTestId(`view-${view}`)).not.toHaveAttribute('data-drawn');
  const cleared = await page.locator('[data-testid=view-axial] canvas').screenshot();
  // Black but for the view's name and orientation letters.
  expect(pixelStats(cleared).meanLuminance, 'the failed open left no image drawn').toBeLessThan(3);
  await page.unroute('**/bulk/**');
  await submitPath(page, 'open-file', image);
  await idle(page);
  for (const view of VIEWS) await expect(page.getByTestId(`view-${view}`)).toHaveAttribute('data-drawn', 'volume');
});
