/** Helpers shared by the annotation journeys: waiting on the app's own state, reading test ids. */
import type { Page, TestInfo } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from './fixtures';
import { differingFraction } from './pixels';

export type View = 'axial' | 'sagittal' | 'coronal';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const baselineDir = join(repoRoot, 'e2e', 'baselines');

export async function idle(page: Page): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-busy', 'false');
}

/** For ready(): start-up can take over the default 30 s when the shared test machine is busy. */
export const SLOW_START = { timeout: 120_000 };

export async function ready(page: Page, options: { timeout?: number } = {}): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready', options);
  await idle(page);
}

export async function point(page: Page, view: View, fx: number, fy: number): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId(`view-${view}`).boundingBox();
  if (!box) throw new Error(`${view} view is not on screen`);
  return { x: box.x + box.width * fx, y: box.y + box.height * fy };
}

/** A click in a view at a fraction of its size; waits until the app is idle again. */
export async function clickView(
  page: Page,
  view: View,
  fx: number,
  fy: number,
  options: { button?: 'left' | 'right'; shift?: boolean } = {},
): Promise<void> {
  const { x, y } = await point(page, view, fx, fy);
  if (options.shift === true) await page.keyboard.down('Shift');
  await page.mouse.click(x, y, { button: options.button ?? 'left' });
  if (options.shift === true) await page.keyboard.up('Shift');
  await idle(page);
}

/** A voxel's two in-plane index components → fractions of a view. */
export type VoxelToView = (a: number, b: number) => { fx: number; fy: number };

/**
 * Maps the in-plane voxel index components `axes` (0 = i, 1 = j, 2 = k; horizontal, then vertical)
 * of the slice a view shows to fractions of the view, from two read-outs of the status bar's
 * pointer voxel. Also returns the first read-out's full index (its third component is the slice).
 */
export async function voxelToView(
  page: Page,
  view: View,
  axes: readonly [0 | 1 | 2, 0 | 1 | 2],
): Promise<{ at: VoxelToView; index: [number, number, number] }> {
  const pointer = page.getByTestId('status-pointer');
  const read = async (fx: number, fy: number): Promise<[number, number, number]> => {
    const p = await point(page, view, fx, fy);
    await page.mouse.move(p.x, p.y);
    await expect(pointer).toHaveText(/^pointer \[/);
    const m = /\[(-?\d+), (-?\d+), (-?\d+)\]/.exec((await pointer.textContent()) ?? '');
    if (m === null) throw new Error('the pointer read-out shows no voxel');
    return [Number(m[1]), Number(m[2]), Number(m[3])];
  };
  const first = await read(0.3, 0.3);
  const second = await read(0.7, 0.7);
  const [h, v] = axes;
  const [h0, v0, h1, v1] = [first[h], first[v], second[h], second[v]];
  return { at: (a, b) => ({ fx: 0.3 + ((a - h0) * 0.4) / (h1 - h0), fy: 0.3 + ((b - v0) * 0.4) / (v1 - v0) }), index: first };
}

/** A left-button drag through the given points (fractions of the view). */
export async function dragView(page: Page, view: View, points: readonly (readonly [number, number])[]): Promise<void> {
  const first = points[0];
  if (first === undefined) return;
  const start = await point(page, view, first[0], first[1]);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  for (const [fx, fy] of points.slice(1)) {
    const p = await point(page, view, fx, fy);
    await page.mouse.move(p.x, p.y, { steps: 4 });
  }
  await page.mouse.up();
  await idle(page);
}

export function segmentRow(page: Page, value: number) {
  return page.locator(`[data-testid=segment-row][data-value="${value}"]`);
}

export async function voxels(page: Page, value: number): Promise<number> {
  return Number(await segmentRow(page, value).getAttribute('data-voxels'));
}

export async function previewVoxels(page: Page): Promise<number> {
  return Number(await page.getByTestId('prompt-status').getAttribute('data-preview-voxels'));
}

export async function historyCount(page: Page): Promise<{ count: number; cursor: number }> {
  const list = page.getByTestId('history-list');
  return { count: Number(await list.getAttribute('data-count')), cursor: Number(await list.getAttribute('data-cursor')) };
}

/**
 * Compares a screenshot with the stored baseline e2e/baselines/<name>.png; writes the baseline
 * when it is missing (and says so), so the first run on a new renderer records it.
 */
export function compareWithBaseline(shot: Buffer, name: string, testInfo: TestInfo, tolerance = 0.03): number | undefined {
  const path = join(baselineDir, `${name}.png`);
  if (!existsSync(path) || process.env.ISEG_UPDATE_BASELINES === '1') {
    mkdirSync(baselineDir, { recursive: true });
    writeFileSync(path, shot);
    const message = `baseline ${name}.png was missing (or ISEG_UPDATE_BASELINES=1): wrote e2e/baselines/${name}.png`;
    console.log(message);
    testInfo.annotations.push({ type: 'baseline-written', description: message });
    return undefined;
  }
  const fraction = differingFraction(readFileSync(path), shot);
  console.log(`baseline ${name}.png: ${(100 * fraction).toFixed(2)}% of pixels differ (tolerance ${(100 * tolerance).toFixed(0)}%)`);
  testInfo.annotations.push({ type: 'baseline', description: `${name}: ${(100 * fraction).toFixed(2)}% of pixels differ` });
  expect(fraction, `${name} differs from e2e/baselines/${name}.png in ${(100 * fraction).toFixed(2)}% of pixels`).toBeLessThan(tolerance);
  return fraction;
}

/** A folder under the served root the journeys may write into. */
/** Exports the working labels to `path` with the file panel and waits for the write. */
export async function exportTo(page: Page, path: string): Promise<void> {
  await page.getByTestId('export-path').fill(path);
  await page.getByTestId('export-labels').click();
  await expect(page.getByTestId('export-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('export-status')).toHaveAttribute('data-path', /.+/);
  await idle(page);
}

export function exportFolder(): string {
  const dir = join(repoRoot, 'e2e', 'artifacts', 'exports');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Opens a file-browser dialog with the button `opener`, types `path` and confirms it; does not wait for what follows. */
export async function submitPath(page: Page, opener: string, path: string): Promise<void> {
  await page.getByTestId(opener).click();
  const browser = page.getByTestId('file-browser');
  await expect(browser).toBeVisible();
  await expect(browser).toHaveAttribute('data-loading', 'false');
  await page.getByTestId('file-browser-path').fill(path);
  await page.getByTestId('file-browser-ok').click();
  await expect(browser).toHaveCount(0);
}

/** Opens a file-browser dialog with the button `opener`, types `path`, confirms it and waits until the page is idle. */
export async function choosePath(page: Page, opener: string, path: string): Promise<void> {
  await submitPath(page, opener, path);
  await idle(page);
}
