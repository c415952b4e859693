/**
 * The paper's loop on the embedded sample, as a user does it: segments the femur on two coronal
 * slices with clicks, propagates, corrects the worst slice between them with clicks, propagates
 * again. Each slice is clicked as the interactive-segmentation protocol does (RITM's): the next click
 * goes to the centre of the largest error, positive or negative, and Enter commits after each, until
 * the slice's Dice reaches DICE_BAR or MAX_CLICKS were placed; a click on a segmented slice refines
 * what is there. Only the slices between the corrected slice and its annotated neighbours may
 * change, the corrected slice's and the volume's Dice against the sample's labels must rise, and
 * one undo must restore the labels as they were before the re-propagation, voxel for voxel. The
 * labels are read back from exports.
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { nextClick } from '../electron/common/click/protocol';
import { correctionRange } from '../electron/common/propagation/correction-range';
import { confusion, confusionPerSlice, scoresOf } from '../electron/common/propagation/metrics';
import { readSlice, sliceLayout } from '../electron/common/slice';
import type { VoxelArray } from '../electron/common/volume';
import { readVolume } from '../electron/node/io/read-volume';
import { expect, saveScreenshot, test } from './fixtures';
import { clickView, exportFolder, exportTo, idle, point, ready, repoRoot, segmentRow, voxelToView, type VoxelToView } from './workspace-helpers';

const FEMUR = 1;
/** Coronal slices are along the sample's j axis. */
const AXIS = 1;
const USER_SLICES = [48, 80] as const;
/** A slice is done when its Dice reaches this, or after MAX_CLICKS clicks. */
const DICE_BAR = 0.9;
const MAX_CLICKS = 6;
const sampleLabels = join(repoRoot, 'resources', 'sample', 'knee-sample_labels.nii.gz');

async function goToSlice(page: Page, slice: number): Promise<void> {
  const view = page.getByTestId('view-coronal');
  const centre = await point(page, 'coronal', 0.5, 0.05);
  await page.mouse.move(centre.x, centre.y);
  const delta = slice - Number(await view.getAttribute('data-slice'));
  for (let n = 0; n < Math.abs(delta); n++) await page.keyboard.press(delta > 0 ? 'ArrowUp' : 'ArrowDown');
  await expect(view).toHaveAttribute('data-slice', String(slice));
}

/** 1 where coronal slice j of `labels` holds the femur (x = i, y = k). */
function femurSlice(labels: VoxelArray, size: readonly number[], j: number): Uint8Array {
  const layout = sliceLayout(size as [number, number, number], AXIS);
  const slice = readSlice(labels, layout, j, new Uint8Array(layout.width * layout.height));
  for (let n = 0; n < slice.length; n++) slice[n] = slice[n] === FEMUR ? 1 : 0;
  return slice;
}

function sliceDice(a: Uint8Array, b: Uint8Array): number {
  let both = 0;
  let sum = 0;
  for (let n = 0; n < a.length; n++) {
    both += a[n] !== 0 && b[n] !== 0 ? 1 : 0;
    sum += (a[n] !== 0 ? 1 : 0) + (b[n] !== 0 ? 1 : 0);
  }
  return sum === 0 ? 1 : (2 * both) / sum;
}

/**
 * Clicks coronal slice j as the protocol does (see the header), committing after each click;
 * returns the slice's Dice before and after each click, and the labels at the end.
 */
async function correctSlice(
  page: Page,
  map: VoxelToView,
  labels: VoxelArray,
  reference: { voxels: VoxelArray; size: readonly number[] },
  j: number,
): Promise<{ dice: number[]; labels: VoxelArray }> {
  const truth = femurSlice(reference.voxels, reference.size, j);
  const { width, height } = sliceLayout(reference.size as [number, number, number], AXIS);
  const clicked = new Uint8Array(width * height);
  let current = labels;
  const dice = [sliceDice(femurSlice(current, reference.size, j), truth)];
  while (dice.length <= MAX_CLICKS && (dice.at(-1) ?? 0) < DICE_BAR) {
    const click = nextClick(femurSlice(current, reference.size, j), truth, clicked, width, height);
    if (click === undefined) break;
    clicked[click.y * width + click.x] = 1;
    const { fx, fy } = map(click.x, click.y);
    await clickView(page, 'coronal', fx, fy, { shift: !click.positive });
    await page.keyboard.press('Enter');
    await idle(page);
    current = await exported(page, `loop-slice${j}-click${dice.length}`);
    dice.push(sliceDice(femurSlice(current, reference.size, j), truth));
  }
  return { dice, labels: current };
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

  let labels: VoxelArray = new Uint8Array(reference.voxels.length);
  const userClicks: string[] = [];
  for (const j of USER_SLICES) {
    await goToSlice(page, j);
    const result = await correctSlice(page, map, labels, { voxels: reference.voxels, size }, j);
    labels = result.labels;
    userClicks.push(`slice ${j}: ${result.dice.length - 1} clicks, Dice ${result.dice.map((d) => d.toFixed(3)).join(' → ')}`);
  }
  await page.getByTestId('propagate-axis').selectOption('coronal');
  await expect(page.locator(`[data-testid=propagate-plan] li[data-value="${FEMUR}"]`)).toHaveAttribute('data-kind', 'all');
  const clicked = Number(await segmentRow(page, FEMUR).getAttribute('data-voxels'));
  const countsWhileRunning = await watchCountsWhileRunning(page);
  const first = await propagate(page);
  // What the gate chose between the clicked slices. Growing alone (from one slice) decides slice
  // after slice, so slices appear while the run goes on (counts between the clicked slices' and the
  // result's); interpolation and the consensus (which waits for every vote) stream at the end.
  const final = Number(await segmentRow(page, FEMUR).getAttribute('data-voxels'));
  const partial = (await countsWhileRunning()).filter((n) => n > clicked && n < final);
  const chosen = await page.locator(`[data-testid=propagate-gate] li[data-value="${FEMUR}"]`).getAttribute('data-method');
  if (chosen === 'grow') expect(partial.length).toBeGreaterThan(0);
  else expect(['interpolation', 'consensus']).toContain(chosen);
  const propagated = await exported(page, 'loop-propagated');
  const layout = sliceLayout(size, AXIS);
  const perSlice = confusionPerSlice(propagated, reference.voxels, FEMUR, layout).map((c) => scoresOf(c).dsc);
  const diceBefore = scoresOf(confusion(propagated, reference.voxels, FEMUR)).dsc;

  // The worst slice between the two clicked ones is the one to correct.
  let worst: number = USER_SLICES[0] + 1;
  for (let j = USER_SLICES[0] + 1; j < USER_SLICES[1]; j++) if ((perSlice[j] ?? 1) < (perSlice[worst] ?? 1)) worst = j;
  await goToSlice(page, worst);
  const correction = await correctSlice(page, map, propagated, { voxels: reference.voxels, size }, worst);
  const expected = correctionRange([...USER_SLICES, worst], worst, size[AXIS]);
  const planned = page.locator(`[data-testid=propagate-plan] li[data-value="${FEMUR}"]`);
  await expect(planned).toHaveAttribute('data-kind', 'range');
  await expect(planned).toHaveAttribute('data-first', String(expected.first));
  await expect(planned).toHaveAttribute('data-last', String(expected.last));
  const corrected = correction.labels;
  await saveScreenshot(page, testInfo, 'correction-loop-plan');

  const again = await propagate(page);
  const chosenAgain = await page.locator(`[data-testid=propagate-gate] li[data-value="${FEMUR}"]`).textContent();
  const repropagated = await exported(page, 'loop-repropagated');
  const changed = changedSlices(corrected, repropagated, size);
  const diceAfter = scoresOf(confusion(repropagated, reference.voxels, FEMUR)).dsc;
  await saveScreenshot(page, testInfo, 'correction-loop');
  console.log(
    `correction loop on the sample (femur, coronal): ${userClicks.join('; ')}; first propagation ${first}; ` +
      `${partial.length} partial counts shown while it ran (gate: ${chosen}); worst slice ${worst}: ${correction.dice.length - 1} clicks, ` +
      `Dice ${correction.dice.map((d) => d.toFixed(3)).join(' → ')}; re-propagation ${again} (${chosenAgain ?? '?'}), ` +
      `changed slices ${changed[0]}–${changed.at(-1)} (${changed.length}) of allowed ${expected.first}–${expected.last}; ` +
      `volume Dice ${diceBefore.toFixed(4)} → corrected ${scoresOf(confusion(corrected, reference.voxels, FEMUR)).dsc.toFixed(4)} → re-propagated ${diceAfter.toFixed(4)}`,
  );
  // The correction took the slice further than the propagation had (clicks refine what is there).
  expect(correction.dice.at(-1) ?? 0).toBeGreaterThan(correction.dice[0] ?? 1);
  expect(changed.length).toBeGreaterThan(0);
  expect(changed.every((s) => s >= expected.first && s <= expected.last && s !== worst)).toBe(true);
  expect(diceAfter).toBeGreaterThan(diceBefore);

  // One undo takes the re-propagation back, voxel for voxel.
  await page.keyboard.press('Control+z');
  await idle(page);
  const undone = await exported(page, 'loop-undone');
  expect(changedSlices(corrected, undone, size)).toEqual([]);
});
