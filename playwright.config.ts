/**
 * End-to-end tests: the built renderer in Chromium, with window.todoSync wired to the real
 * main-process dispatcher, services and server (test/e2e/support/harness.ts).
 */
import { defineConfig } from '@playwright/test';
import { chromiumExecutablePath, CHROMIUM_ARGS } from './test/e2e/support/browser';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './test/e2e/support/build.ts',
  // Each file runs its own server and services; two cores run one file at a time reliably.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI
    ? [['list'], ['html', { open: 'never', outputFolder: 'test-results/playwright-report' }]]
    : 'list',
  // Screenshots and the perf figures live in test-results/ too; Playwright may only clear its own folder.
  outputDir: 'test-results/playwright',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: chromiumExecutablePath(), args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
