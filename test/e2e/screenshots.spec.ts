/**
 * Pictures of the main states for people to judge, written to test-results/screenshots/:
 * the list, syncing with progress, the conflict dialog, refused edits, settings, dark theme and
 * a narrow window. Each step also checks the state is really on screen before the picture.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openSettings, todoRows, waitForAppReady } from './support/app-page';
import { REPO_ROOT } from './support/build';
import { useAppHarness } from './support/harness';
import { buildLivedInApp, CONFLICT_MINE, REFUSED_WORD } from './support/scenes';
import { seedServer } from './support/seed';

const SHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');
const harness = useAppHarness({ rejectText: REFUSED_WORD, settings: { conflictPolicy: 'ask' } });

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // The caret blinks: hide it so pictures only change when the UI does.
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), caret: 'hide', animations: 'disabled' });
}

test('the main states, light and dark', async ({ browser }) => {
  test.setTimeout(120_000);
  const app = await harness().openApp(browser, { viewport: { width: 960, height: 720 } });
  const { page } = app;
  await waitForAppReady(page);
  await buildLivedInApp(page, harness());
  await page.getByRole('textbox', { name: 'New todo' }).blur();
  await shoot(page, 'list');

  await page.getByTestId('conflict-banner').getByRole('button', { name: 'Review' }).click();
  const conflict = page.getByRole('dialog', { name: /conflict/i });
  await expect(conflict).toContainText(CONFLICT_MINE);
  await shoot(page, 'conflict-dialog');
  await page.keyboard.press('Escape');

  await page.getByTestId('rejected-banner').getByRole('button', { name: 'Review' }).click();
  const panel = page.getByRole('dialog', { name: 'Changes the server refused' });
  await expect(panel.getByTestId('rejected-item')).toHaveCount(1);
  await shoot(page, 'rejected-edits');
  await page.keyboard.press('Escape');

  await page.setViewportSize({ width: 960, height: 900 });
  await openSettings(page);
  await shoot(page, 'settings');
  await page.keyboard.press('Escape');
  await app.close();

  const dark = await harness().openApp(browser, {
    colorScheme: 'dark',
    viewport: { width: 960, height: 720 },
  });
  await waitForAppReady(dark.page);
  // The waiting conflict never opens by itself: the banner leads to it. Picture the dialog, then the list.
  await dark.page.getByTestId('conflict-banner').getByRole('button', { name: 'Review' }).click();
  await expect(dark.page.getByRole('dialog', { name: /conflict/i })).toBeVisible();
  await shoot(dark.page, 'dark-conflict-dialog');
  await dark.page.keyboard.press('Escape');
  await expect(dark.page.getByRole('dialog')).toHaveCount(0);
  await dark.page.getByRole('textbox', { name: 'New todo' }).blur();
  await shoot(dark.page, 'dark');
  await dark.close();

  const narrow = await harness().openApp(browser, { viewport: { width: 400, height: 760 } });
  await waitForAppReady(narrow.page);
  await narrow.page.getByTestId('conflict-banner').getByRole('button', { name: 'Review' }).click();
  await expect(narrow.page.getByRole('dialog', { name: /conflict/i })).toBeVisible();
  await shoot(narrow.page, 'narrow-conflict-dialog');
  await narrow.page.keyboard.press('Escape');
  await expect(narrow.page.getByRole('dialog')).toHaveCount(0);
  await narrow.page.getByRole('textbox', { name: 'New todo' }).blur();
  await shoot(narrow.page, 'narrow');
  await narrow.close();
});

test('syncing with progress: a long pull shows records so far of the total', async ({ browser }) => {
  test.setTimeout(180_000);
  const { link, server } = harness();
  await seedServer(server, 1500, 'bulk');
  const app = await harness().openApp(browser, { viewport: { width: 960, height: 720 } });
  const { page } = app;
  await waitForAppReady(page);
  await page.keyboard.press('Escape');

  // A slow network: each request takes a while, so the pull is long enough to watch.
  link.latencyMs = 1500;
  try {
    await page.getByRole('button', { name: 'Sync now' }).click();
    const progress = page.getByTestId('sync-progress');
    await expect(progress).toContainText(/Syncing… [\d,]+ of 1,5\d\d records/, { timeout: 30_000 });
    await expect(progress.getByRole('progressbar', { name: 'Sync progress' })).toBeVisible();
    await page.getByRole('textbox', { name: 'New todo' }).blur();
    await shoot(page, 'syncing');
  } finally {
    link.latencyMs = 0;
  }
  await expect(page.getByTestId('last-synced')).toHaveText(/Synced just now/, { timeout: 60_000 });
  await app.close();
});

test('server out of reach, and a delete waiting for Undo', async ({ browser }) => {
  const { link } = harness();
  const app = await harness().openApp(browser, { viewport: { width: 960, height: 720 } });
  const { page } = app;
  await waitForAppReady(page);
  await page.keyboard.press('Escape');
  link.down = true;
  try {
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByTestId('sync-error')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('toast')).toHaveCount(0, { timeout: 15_000 });
    const first = todoRows(page).nth(1);
    await first.hover();
    await first.getByRole('button', { name: /^Delete/ }).click();
    await expect(page.getByTestId('toast')).toContainText('Deleted “');
    await page.mouse.move(0, 0);
    await shoot(page, 'offline-and-undo');
    await page.getByTestId('toast').getByRole('button', { name: 'Undo' }).click();
  } finally {
    link.down = false;
  }
  await app.close();
});
