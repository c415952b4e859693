// Issue 18: the click engines on the real knee MRI (sagittal DESS, no reference labels). The
// screenshots are for a reader's eyes (how good the masks are cannot be asserted without labels);
// the assertions check what holds without a reference: each object gets a mask after its 3 clicks,
// smaller than a quarter of the slice, and Enter commits exactly the preview.
import type { Page } from '@playwright/test';
import { test, expect, saveScreenshot } from './fixtures';
import { clickView, idle, previewVoxels, ready, segmentRow, SLOW_START, voxels, voxelToView, type VoxelToView } from './workspace-helpers';

test.use({ firstRunSample: 'knee-mri' });

// Voxel (i, j) positions on sagittal slice k = 55 of the 256×256×80 sample, through the medial
// condyle, read off the image (i runs anterior → posterior, j superior → inferior): the femur's dark
// marrow above the joint line, the tibia's below, the femoral cartilage the bright band, 2–4 voxels
// thick, on the femur's lower edge (checked against the voxel values of the file).
const SLICE = 55; // shown as "56 / 80"
const OBJECTS = [
  { name: 'femur', value: 1, clicks: [[128, 114], [100, 100], [140, 110]] },
  { name: 'femoral-cartilage', value: 2, clicks: [[128, 159], [102, 156], [153, 161]] },
  { name: 'tibia', value: 3, clicks: [[128, 186], [117, 199], [156, 181]] },
] as const;
const SLICE_PIXELS = 512 * 512;

/** What the default engine loads: the click model's int8 copy (issue #19). */
const MODEL = 'isegformer-swin32-cpu-int8';

/** Clicks each object on the slice and commits it; returns the committed pixels per object. */
async function segmentObjects(
  page: Page,
  at: VoxelToView,
  engine: string,
  testInfo: Parameters<typeof saveScreenshot>[1],
): Promise<Record<string, number>> {
  const areas: Record<string, number> = {};
  for (const object of OBJECTS) {
    await segmentRow(page, object.value).getByTestId('segment-select').check();
    // As after renaming it: the keyboard is in the cartilage's name field. The press in the view
    // must take it back, or Enter below would go to the field and commit nothing.
    if (object.name === 'femoral-cartilage') await segmentRow(page, object.value).getByTestId('segment-name').click();
    await expect(segmentRow(page, object.value)).toHaveAttribute('data-active', 'true');
    for (const [i, j] of object.clicks) {
      const { fx, fy } = at(i, j);
      await clickView(page, 'sagittal', fx, fy);
    }
    await expect(page.getByTestId('prompt-status')).toHaveAttribute('data-clicks', String(object.clicks.length));
    const preview = await previewVoxels(page);
    expect(preview, `${engine}, ${object.name}: a mask after ${object.clicks.length} clicks`).toBeGreaterThan(0);
    expect(preview, `${engine}, ${object.name}: not the whole slice`).toBeLessThan(0.25 * SLICE_PIXELS);
    await saveScreenshot(page, testInfo, `real-knee-${engine}-${object.name}`, '[data-testid="view-sagittal"]');
    await page.keyboard.press('Enter');
    await idle(page);
    areas[object.name] = await voxels(page, object.value);
    expect(areas[object.name], `${engine}, ${object.name}: the committed mask is the preview`).toBe(preview);
  }
  await saveScreenshot(page, testInfo, `real-knee-${engine}-three-objects`, '[data-testid="view-sagittal"]');
  return areas;
}

test('femur, tibia and femoral cartilage on the real knee after 3 clicks each, default engine (the click model) and classical', async ({ app }, testInfo) => {
  test.setTimeout(300_000);
  const { page } = app;
  await ready(page, SLOW_START);
  await page.getByTestId('layout').selectOption('sagittal');
  await ready(page);
  const box = await page.getByTestId('view-sagittal').boundingBox();
  if (!box) throw new Error('the sagittal view is not on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await ready(page);
  const { at, index } = await voxelToView(page, 'sagittal', [0, 1]);
  expect(index[2]).toBe(SLICE);
  await page.getByTestId('segment-preset-knee').click();
  await page.getByTestId('tool-click').click();

  // The default engine (what a new user gets): the trained click model.
  await expect(page.getByTestId('engine-settings')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('engine-model')).toHaveValue(MODEL);
  const model = await segmentObjects(page, at, 'default', testInfo);
  await expect(page.getByTestId('status-engine')).toHaveAttribute('data-model', MODEL);
  testInfo.annotations.push({ type: 'default engine (click model): committed pixels', description: JSON.stringify(model) });

  // The same clicks with the classical segmenter (GrowCut), from empty segments.
  for (let n = 0; n < OBJECTS.length; n++) await page.getByTestId('undo').click();
  await idle(page);
  for (const object of OBJECTS) expect(await voxels(page, object.value)).toBe(0);
  await page.getByTestId('engine-model').selectOption('classical');
  await expect(page.getByTestId('engine-settings')).toHaveAttribute('data-state', 'ready');
  await idle(page);
  const classical = await segmentObjects(page, at, 'classical', testInfo);
  await expect(page.getByTestId('status-engine')).toHaveAttribute('data-kind', 'classical');
  testInfo.annotations.push({ type: 'classical engine: committed pixels', description: JSON.stringify(classical) });
  console.log(`real knee, slice ${SLICE}: default (model) ${JSON.stringify(model)} / classical ${JSON.stringify(classical)}`);
});
