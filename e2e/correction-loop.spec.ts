/**
 * The paper's loop on the embedded sample, as a user does it: clicks on two coronal slices of the
 * femur, propagate with the memory network, correct the worst slice between them with clicks,
 * propagate again. Only the slices between the corrected slice and its annotated neighbours may
 * change, Dice against the sample's labels must rise, and one undo must restore the labels as they
 * were before the re-propagation, voxel for voxel. The labels are read back from exports.
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { correctionRange } from '../electron/common/propagation/correction-range';
import { confusion, confusionPerSlice, scoresOf } from '../electron/common/propagation/metrics';
import { sliceLayout } from '../electron/common/slice';
import type { VoxelArray } from '../electron/common/volume';
import { readVolume } from '../electron/node/io/read-volume';
import { expect, saveScreenshot, test } from './fixtures';
import { clickView, exportFolder, exportTo, idle, point, ready, repoRoot, segmentRow, voxelToView, type VoxelToView } from './workspace-helpers';

const FEMUR = 1;
/** Coronal slices are along the sample's j axis. */
const AXIS = 1;
const USER_SLICES = [48, 80] as const;
const sampleLabels = join(repoRoot, 'resources', 'sample', 'knee-sample_labels.nii.gz');

async function goToSlice(page: Page, slice: number): Promise<void> {
  const view = page.getByTestId('view-coronal');
  const centre = await point(page, 'coronal', 0.5, 0.05);
  await page.mouse.move(centre.x, centre.y);
  const delta = slice - Number(await view.getAttribute('data-slice'));
  for (let n = 0; n < Math.abs(delta); n++) await page.keyboard.press(delta > 0 ? 'ArrowUp' : 'ArrowDown');
  await expect(view).toHaveAttribute('data-slice', String(slice));
}

/** The reference femur voxel of slice j nearest the femur's centroid there (inside the bone). */
function femurCentre(reference: VoxelArray, size: readonly number[], j: number): [number, number] {
  const [nx, ny, nz] = size as [number, number, number];
  const inside: [number, number][] = [];
  for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) if (reference[i + nx * (j + ny * k)] === FEMUR) inside.push([i, k]);
  const ci = inside.reduce((s, [i]) => s + i, 0) / inside.length;
  const ck = inside.reduce((s, [, k]) => s + k, 0) / inside.length;
  const d = ([i, k]: [number, number]): number => (i - ci) ** 2 + (k - ck) ** 2;
  return inside.reduce((best, v) => (d(v) < d(best) ? v : best));
}

async function clickFemur(page: Page, map: VoxelToView, voxel: [number, number]): Promise<void> {
  const { fx, fy } = map(voxel[0], voxel[1]);
  await clickView(page, 'coronal', fx, fy);
  await page.keyboard.press('Enter');
  await idle(page);
}

/**
 * Starts recording the femur's voxel count each time the segment table shows it while a
 * propagation runs; returns the function that reads the record.
 */
async function watchCountsWhileRunning(page: Page): Promise<() => Promise<number[]>> {
  // Strings, because the e2e project compiles without the DOM's types.
  await page.evaluate(`(() => {
    const row = document.querySelector('[data-testid=segment-row][data-value="${FEMUR}"]');
    const progress = document.querySelector('[data-testid=propagate-progress]');
    if (row === null || progress === null) throw new Error('no femur row or propagation progress');
    const seen = (window.countsWhileRunning = []);
    new MutationObserver(() => {
      if (progress.getAttribute('data-state') === 'running') seen.push(Number(row.getAttribute('data-voxels')));
    }).observe(row, { attributes: true, attributeFilter: ['data-voxels'] });
  })()`);
  return async () => {
    const seen: unknown = await page.evaluate('window.countsWhileRunning');
    if (!Array.isArray(seen) || !seen.every((n) => typeof n === 'number')) throw new Error('the counts were not recorded');
    return seen;
  };
}

/** Presses Propagate; returns the panel's report and the wall time until the views settled. */
async function propagate(page: Page): Promise<string> {
  const started = Date.now();
  await page.getByTestId('propagate-run').click();
  await expect(page.getByTestId('propagate-progress')).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  await idle(page);
  const report = (await page.getByTestId('propagate-status').textContent()) ?? '';
  return `${report} (${((Date.now() - started) / 1000).toFixed(1)} s from the press until the views settled)`;
}

/** The working labels, through an export (what the user would save). */
async function exported(page: Page, name: string): Promise<VoxelArray> {
  const path = join(exportFolder(), `${name}.nii.gz`);
  await exportTo(page, path);
  return (await readVolume(path)).voxels;
}

function changedSlices(a: VoxelArray, b: VoxelArray, size: readonly number[]): number[] {
  const [nx, ny] = size as [number, number, number];
  const slices = new Set<number>();
  for (let n = 0; n < a.length; n++) if (a[n] !== b[n]) slices.add(Math.floor(n / nx) % ny);
  return [...slices].sort((x, y) => x - y);
}

test('correct the worst slice and re-propagate: only its range changes, Dice rises, one undo restores it', async ({ app }, testInfo) => {
  test.setTimeout(600_000);
  const { page } = app;
  const reference = await readVolume(sampleLabels);
  const size = reference.geometry.size;
  await ready(page);
  await page.getByTestId('segment-preset-knee').click();
  await segmentRow(page, FEMUR).getByTestId('segment-select').check();
  await page.getByTestId('tool-click').click();
  const { at: map } = await voxelToView(page, 'coronal', [0, 2]);

  for (const j of USER_SLICES) {
    await goToSlice(page, j);
    await clickFemur(page, map, femurCentre(reference.voxels, size, j));
  }
  await page.getByTestId('propagate-axis').selectOption('coronal');
  await expect(page.locator(`[data-testid=propagate-plan] li[data-value="${FEMUR}"]`)).toHaveAttribute('data-kind', 'all');
  const clicked = Number(await segmentRow(page, FEMUR).getAttribute('data-voxels'));
  const countsWhileRunning = await watchCountsWhileRunning(page);
  const first = await propagate(page);
  // What the gate chose between the clicked slices. Memory decides slice after slice, so slices
  // appear while the run goes on (counts between the clicked slices' and the result's);
  // interpolation decides the whole object at once and then streams it.
  const final = Number(await segmentRow(page, FEMUR).getAttribute('data-voxels'));
  const partial = (await countsWhileRunning()).filter((n) => n > clicked && n < final);
  const chosen = await page.locator(`[data-testid=propagate-gate] li[data-value="${FEMUR}"]`).getAttribute('data-method');
  if (chosen === 'memory') expect(partial.length).toBeGreaterThan(0);
  else expect(chosen).toBe('interpolation');
  const propagated = await exported(page, 'loop-propagated');
  const layout = sliceLayout(size, AXIS);
  const perSlice = confusionPerSlice(propagated, reference.voxels, FEMUR, layout).map((c) => scoresOf(c).dsc);
  const diceBefore = scoresOf(confusion(propagated, reference.voxels, FEMUR)).dsc;

  // The worst slice between the two clicked ones is the one to correct.
  let worst: number = USER_SLICES[0] + 1;
  for (let j = USER_SLICES[0] + 1; j < USER_SLICES[1]; j++) if ((perSlice[j] ?? 1) < (perSlice[worst] ?? 1)) worst = j;
  await goToSlice(page, worst);
  await clickFemur(page, map, femurCentre(reference.voxels, size, worst));
  const expected = correctionRange([...USER_SLICES, worst], worst, size[AXIS]);
  const planned = page.locator(`[data-testid=propagate-plan] li[data-value="${FEMUR}"]`);
  await expect(planned).toHaveAttribute('data-kind', 'range');
  await expect(planned).toHaveAttribute('data-first', String(expected.first));
  await expect(planned).toHaveAttribute('data-last', String(expected.last));
  const corrected = await exported(page, 'loop-corrected');
  await saveScreenshot(page, testInfo, 'correction-loop-plan');

  const again = await propagate(page);
  const repropagated = await exported(page, 'loop-repropagated');
  const changed = changedSlices(corrected, repropagated, size);
  const diceAfter = scoresOf(confusion(repropagated, reference.voxels, FEMUR)).dsc;
  await saveScreenshot(page, testInfo, 'correction-loop');
  console.log(
    `correction loop on the sample (femur, coronal): clicked slices ${USER_SLICES.join(' and ')}; first propagation ${first}; ` +
      `${partial.length} partial counts shown while it ran; worst slice ${worst} (slice Dice ${perSlice[worst]?.toFixed(4)}); re-propagation ${again}, ` +
      `changed slices ${changed[0]}–${changed.at(-1)} (${changed.length}) of allowed ${expected.first}–${expected.last}; ` +
      `volume Dice ${diceBefore.toFixed(4)} → corrected ${scoresOf(confusion(corrected, reference.voxels, FEMUR)).dsc.toFixed(4)} → re-propagated ${diceAfter.toFixed(4)}`,
  );
  expect(changed.length).toBeGreaterThan(0);
  expect(changed.every((s) => s >= expected.first && s <= expected.last && s !== worst)).toBe(true);
  expect(diceAfter).toBeGreaterThan(diceBefore);

  // One undo takes the re-propagation back, voxel for voxel.
  await page.keyboard.press('Control+z');
  await idle(page);
  const undone = await exported(page, 'loop-undone');
  expect(changedSlices(corrected, undone, size)).toEqual([]);
});
