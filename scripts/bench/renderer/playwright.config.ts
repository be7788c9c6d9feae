/**
 * Playwright configuration for the benchmark's renderer scenario only (npm run bench starts it):
 * the same build step, browser and harness as the end-to-end tests, one measuring test.
 */
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumExecutablePath, CHROMIUM_ARGS } from '../../../test/e2e/support/browser';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

export default defineConfig({
  testDir: __dirname,
  testMatch: '*.perf.ts',
  globalSetup: path.join(__dirname, 'cached-build.ts'),
  workers: 1,
  timeout: 180_000,
  reporter: 'line',
  outputDir: path.join(repoRoot, 'test-results', 'bench-renderer'),
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: chromiumExecutablePath(), args: CHROMIUM_ARGS },
  },
});
