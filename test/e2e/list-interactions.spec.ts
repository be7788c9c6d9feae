/**
 * The list from the keyboard and the mouse: add (empty refused), arrows between rows, Space
 * toggles, Enter edits (Esc cancels), Delete with Undo (nothing lost), filters with counts,
 * search as you type.
 */
import { expect, test } from '@playwright/test';
import { addTodo, row, todoRows, waitForAppReady } from './support/app-page';
import { useAppHarness } from './support/harness';

const harness = useAppHarness();

test('adding: Enter adds at the top; empty text is refused with a message', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  const field = page.getByRole('textbox', { name: 'New todo' });
  await field.fill('   ');
  await field.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'Type what needs doing first.' })).toBeVisible();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(todoRows(page)).toHaveCount(0);
  await expect(page.getByText('No todos yet. Add the first one above.')).toBeVisible();

  await addTodo(page, 'First');
  await addTodo(page, 'Second');
  await addTodo(page, 'Third');
  await expect(field).toHaveValue('');
  await expect(field).toBeFocused();
  await expect(todoRows(page)).toHaveText(['Third', 'Second', 'First'].map((t) => new RegExp(t)));
  await app.close();
});

test('keyboard: arrows move, Space toggles, F2 edits and Enter saves, Esc cancels', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  await row(page, 'Third').click();
  await expect(row(page, 'Third')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'Second')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'First')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'First')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(row(page, 'Second')).toBeFocused();

  await page.keyboard.press('Space');
  await expect(page.getByRole('checkbox', { name: 'Done: Second' })).toBeChecked();
  await expect(row(page, 'Second')).toBeFocused();

  // F2 renames in place (Enter opens the details pane, see details.spec.ts).
  await page.keyboard.press('F2');
  const editor = page.getByRole('textbox', { name: 'Edit “Second”' });
  await expect(editor).toBeFocused();
  await editor.fill('Second, renamed');
  await page.keyboard.press('Escape');
  await expect(row(page, 'Second')).toHaveCount(1);
  await expect(row(page, 'Second')).toBeFocused();

  await page.keyboard.press('F2');
  await page.getByRole('textbox', { name: 'Edit “Second”' }).fill('');
  await page.keyboard.press('Enter');
  // Empty text is not saved; the editor stays with a hint.
  await expect(page.getByRole('alert').filter({ hasText: 'A todo needs some text' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Edit “Second”' }).fill('Second, renamed');
  await page.keyboard.press('Enter');
  await expect(row(page, 'Second, renamed')).toBeFocused();
  const stored = await harness().services.handlers['todos:query']({ filter: 'completed', skip: 0, take: 10 });
  expect(stored.items.map((item) => item.text)).toEqual(['Second, renamed']);

  // Tab from the row reaches its own checkbox.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('checkbox', { name: 'Done: Second, renamed' })).toBeFocused();

  // Clicking elsewhere while editing saves, and focus stays where the person clicked.
  await row(page, 'Third').getByText('Third', { exact: true }).dblclick();
  await page.getByRole('textbox', { name: 'Edit “Third”' }).fill('Third, edited');
  const search = page.getByRole('searchbox', { name: 'Search todos' });
  await search.click();
  await expect(row(page, 'Third, edited')).toHaveCount(1);
  await expect(search).toBeFocused();
  await row(page, 'Third, edited').getByText('Third, edited', { exact: true }).dblclick();
  await page.getByRole('textbox', { name: 'Edit “Third, edited”' }).fill('Third');
  await page.keyboard.press('Enter');
  await expect(row(page, 'Third')).toBeFocused();
  await app.close();
});

test('Delete shows Undo; Undo keeps the todo, waiting it out removes it', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  await row(page, 'Third').click();
  await page.keyboard.press('Delete');
  const toast = page.getByTestId('toast');
  await expect(toast).toContainText('Deleted “Third”');
  await expect(row(page, 'Third')).toContainText('Deleted');
  await expect(page.getByRole('tab', { name: /^All/ })).toContainText('2');
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(row(page, 'Third')).not.toContainText('Deleted');
  await expect(page.getByRole('tab', { name: /^All/ })).toContainText('3');
  // The undo window is over and the todo is still there: the remove was never sent.
  await page.waitForTimeout(5500);
  await expect(row(page, 'Third')).toHaveCount(1);

  await row(page, 'First').hover();
  await row(page, 'First').getByRole('button', { name: 'Delete “First”' }).click();
  await expect(row(page, 'First')).toHaveCount(0, { timeout: 15_000 });
  const all = await harness().services.handlers['todos:query']({ filter: 'all', skip: 0, take: 10 });
  expect(all.items.map((item) => item.text).sort()).toEqual(['Second, renamed', 'Third']);
  await app.close();
});

test('filters with counts, and search as you type', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await addTodo(page, 'Buy oat milk');

  const tabs = page.getByRole('tablist', { name: 'Show' });
  await expect(tabs.getByRole('tab', { name: /^All/ })).toContainText('3');
  await expect(tabs.getByRole('tab', { name: /^Active/ })).toContainText('2');
  await expect(tabs.getByRole('tab', { name: /^Completed/ })).toContainText('1');

  await tabs.getByRole('tab', { name: /^Completed/ }).click();
  await expect(todoRows(page)).toHaveText([/Second, renamed/]);
  // Arrow keys move between tabs.
  await page.keyboard.press('ArrowLeft');
  await expect(tabs.getByRole('tab', { name: /^Active/ })).toHaveAttribute('aria-selected', 'true');
  await expect(todoRows(page)).toHaveCount(2);

  await tabs.getByRole('tab', { name: /^All/ }).click();
  const search = page.getByRole('searchbox', { name: 'Search todos' });
  await search.pressSequentially('MILK', { delay: 30 });
  await expect(todoRows(page)).toHaveText([/Buy oat milk/]);
  await expect(tabs.getByRole('tab', { name: /^All/ })).toContainText('1');
  await search.press('Escape');
  await expect(search).toHaveValue('');
  await expect(todoRows(page)).toHaveCount(3);
  expect(app.problems).toEqual([]);
  await app.close();
});
