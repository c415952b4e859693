import type { Page } from '@playwright/test';
import { test, expect, saveScreenshot } from './fixtures';
import { clickView, idle, ready } from './workspace-helpers';

/** The trained click model in native-models/ (loads on the CPU). */
const MODEL = 'isegformer-swin32-cpu';
/** What "default" loads: the model's int8 copy (native-models/quantize_click.py, issue #19). */
const DEFAULT_MODEL = 'isegformer-swin32-cpu-int8';

/** Waits until the settings section has no change in flight and shows no failure. */
async function settled(page: Page): Promise<void> {
  await expect(page.getByTestId('engine-settings')).toHaveAttribute('data-state', 'ready');
  await idle(page);
}

/** One click on the axial view with the click tool, then Esc: the status bar now reports that answer. */
async function clickOnce(page: Page): Promise<void> {
  await page.getByTestId('tool-click').click();
  await clickView(page, 'axial', 0.5, 0.5);
  await expect(page.getByTestId('prompt-status')).toHaveAttribute('data-clicks', '1');
  await page.getByTestId('prompt-cancel').click();
  await idle(page);
}

test('the click engine switches to a model and back, and the choice survives a reload', async ({
  app,
}, testInfo) => {
  // The second window below needs serve mode (a second browser context on the same server).
  testInfo.skip(app.mode !== 'serve', 'needs a second page on the same service (serve mode)');
  const { page } = app;
  await ready(page);
  await settled(page);
  const engine = page.getByTestId('status-engine');
  const model = page.getByTestId('engine-model');
  const ep = page.getByTestId('engine-ep');

  // The trained click model (its int8 copy) is the app's default; propagation models are not offered.
  await expect(engine).toHaveAttribute('data-kind', 'onnx');
  await expect(model).toHaveValue(DEFAULT_MODEL);
  await expect(model.locator(`option[value="${MODEL}"]`)).toBeEnabled();
  await expect(model.locator('option[value="classical"]')).toBeEnabled();
  await expect(model.locator('option[value="stcn-lite-cpu"]')).toHaveCount(0);
  await clickOnce(page);
  await expect(engine).toHaveAttribute('data-model', DEFAULT_MODEL);

  // Classical answers clicks once chosen.
  await model.selectOption('classical');
  await settled(page);
  await expect(engine).toHaveText('Click: classical');
  await clickOnce(page);
  await expect(engine).toHaveAttribute('data-kind', 'classical');

  // CPU, then the model: the status bar follows (not the classical answer of the last click).
  await ep.selectOption('cpu');
  await settled(page);
  await expect(ep).toHaveValue('cpu');
  await model.selectOption(MODEL);
  await settled(page);
  await expect(engine).toHaveText(`Click: ${MODEL} (CPU)`);
  await expect(engine).toHaveAttribute('data-kind', 'onnx');
  await expect(page.getByTestId('engine-settings-message')).not.toHaveAttribute('data-kind', 'error');
  await saveScreenshot(page, testInfo, 'engine-settings-model', '[data-testid=engine-settings]');
  // The model answers clicks.
  await clickOnce(page);
  await expect(engine).toHaveAttribute('data-model', MODEL);
  await expect(engine).toHaveAttribute('data-kind', 'onnx');

  // Back to classical.
  await model.selectOption('classical');
  await settled(page);
  await expect(engine).toHaveText('Click: classical');
  await expect(engine).toHaveAttribute('data-kind', 'classical');
  // A string, because the e2e project compiles without the DOM's types.
  const saved: unknown = await page.evaluate(
    "JSON.parse(localStorage.getItem('iseg.clickEngine') ?? 'null')",
  );
  expect(saved).toEqual({ ep: 'cpu', clickModel: 'classical' });

  // Another window (its own storage) switches the shared service to the model on Automatic, so
  // only this page's saved choice can bring classical on the CPU back after the reload.
  const browser = page.context().browser();
  if (browser === null) throw new Error('no browser behind the page');
  const otherContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const other = await otherContext.newPage();
    await other.goto(page.url());
    await ready(other);
    await settled(other);
    await other.getByTestId('engine-ep').selectOption('auto');
    await settled(other);
    await other.getByTestId('engine-model').selectOption(MODEL);
    await settled(other);
    await expect(other.getByTestId('status-engine')).toHaveAttribute('data-kind', 'onnx');
  } finally {
    await otherContext.close();
  }

  await page.reload();
  await ready(page);
  await settled(page);
  await expect(engine).toHaveText('Click: classical');
  await expect(model).toHaveValue('classical');
  await expect(ep).toHaveValue('cpu');
});
