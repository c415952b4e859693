import { defineConfig } from '@playwright/test';
import type { AppMode } from './fixtures';

/**
 * The same journeys run against serve mode in Debian's Chromium and, where an Electron binary is
 * installed, through Playwright's _electron. Screenshots land in e2e/artifacts/.
 */
export default defineConfig<{ appMode: AppMode }>({
  testDir: '.',
  outputDir: './artifacts/results',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['html', { outputFolder: './artifacts/report', open: 'never' }]],
  projects: [
    { name: 'serve-chromium', use: { appMode: 'serve' } },
    { name: 'electron', use: { appMode: 'electron' } },
  ],
});
