/**
 * Shortcut help ("?" and Help → Keyboard Shortcuts list every shortcut) and what a screen reader
 * hears: a row once, with its state; adds, completions, deletions and sync results in a polite
 * live region. axe over the new parts (details pane, selection, shortcuts help).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { SHORTCUT_GROUPS } from '../../renderer/shortcuts';
import { addTodo, row, startDelete, syncNow, toggleTodo, waitForAppReady } from './support/app-page';
import { REPO_ROOT } from './support/build';
import { useAppHarness } from './support/harness';

const harness = useAppHarness();

async function scan(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    blocking.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `${name}: serious or critical accessibility violations`,
  ).toEqual([]);
}

test('"?" and the Help menu command open a list of every shortcut', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await addTodo(page, 'Call the plumber');
  await row(page, 'Call the plumber').click();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  for (const group of SHORTCUT_GROUPS) {
    for (const shortcut of group.shortcuts) {
      await expect(
        help.getByRole('row', { name: new RegExp(shortcut.action.replace(/[()]/g, '.')) }),
      ).toHaveCount(1);
    }
  }
  await expect(help.getByRole('row', { name: /Undo the last change/ })).toContainText('Ctrl+Z');
  await scan(page, 'shortcuts help');
  mkdirSync(path.join(REPO_ROOT, 'test-results', 'screenshots'), { recursive: true });
  await page.screenshot({
    path: path.join(REPO_ROOT, 'test-results', 'screenshots', 'shortcuts.png'),
    caret: 'hide',
    animations: 'disabled',
  });
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  // "?" typed in a field is text, not the help.
  const field = page.getByRole('textbox', { name: 'New todo' });
  await field.fill('Why?');
  await expect(help).toHaveCount(0);
  await field.fill('');

  // What Help → Keyboard Shortcuts sends (main/shell/menu.ts).
  await page.evaluate(() => {
    const target = globalThis as unknown as { __todoSyncEmit(channel: string, payload: unknown): void };
    target.__todoSyncEmit('app:command', { command: 'show-shortcuts' });
  });
  await expect(help).toBeVisible();
  await help.getByRole('button', { name: 'Done' }).click();
  await app.close();
});

test('a row is announced once with its state; changes and sync results reach a polite live region', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  const live = page.getByTestId('announcer');
  await expect(live).toHaveAttribute('aria-live', 'polite');

  await expect(row(page, 'Call the plumber')).toHaveAccessibleName('Not done: Call the plumber, not synced');
  await addTodo(page, 'Water the plants');
  await expect(live).toHaveText('Added “Water the plants”.');
  await toggleTodo(page, 'Water the plants');
  await expect(live).toHaveText('Completed “Water the plants”.');
  await expect(row(page, 'Water the plants')).toHaveAccessibleName('Done: Water the plants, not synced');

  await syncNow(page);
  // The background push may have sent the changes already: then there is nothing left to send.
  await expect(live).toHaveText(/^(Synced|Everything is up to date)/);
  await expect(row(page, 'Call the plumber')).toHaveAccessibleName('Not done: Call the plumber, synced');

  await startDelete(page, 'Water the plants');
  await expect(live).toHaveText('Deleted “Water the plants”.');
  await page.getByTestId('toast').getByRole('button', { name: 'Undo' }).click();
  await expect(live).toHaveText('Kept “Water the plants”.');

  // The new parts stay clean for axe: a selection with its bar, and the details pane.
  await row(page, 'Call the plumber').click();
  await row(page, 'Water the plants').click({ modifiers: ['Control'] });
  await row(page, 'Call the plumber').click({ modifiers: ['Control'] });
  await expect(page.getByRole('toolbar', { name: 'Selected todos' })).toContainText('2 selected');
  await scan(page, 'selection');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('complementary', { name: 'Details' })).toBeVisible();
  await scan(page, 'details pane');
  await app.close();
});
