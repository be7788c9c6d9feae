/**
 * Playwright configuration for the benchmark's renderer scenario only (npm run bench starts it):
 * the end-to-end suite's browser and harness, one measuring test, and the build cached between
 * benchmark runs (cached-build.ts).
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
    // A trace records every frame, which would slow the frames measured.
    trace: 'off',
  },
});
