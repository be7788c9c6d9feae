/**
 * Undo and redo, several levels: add, rename, complete and delete, with Ctrl+Z and
 * Shift+Ctrl+Z (and the Edit menu's commands, sent as the shell sends them). Undoing a change
 * that already synced is a new change that syncs like any other.
 */
import { expect, test, type Page } from '@playwright/test';
import { addTodo, editTodo, row, syncNow, todoRows, toggleTodo, waitForAppReady } from './support/app-page';
import { useAppHarness } from './support/harness';

const harness = useAppHarness();

async function storedTexts(): Promise<string[]> {
  const page = await harness().services.handlers['todos:query']({ filter: 'all', skip: 0, take: 100 });
  return page.items.map((item) => `${item.text}${item.complete ? ' ✓' : ''}`).sort();
}

/** What the Edit menu's Undo and Redo send to the window (main/shell/menu.ts). */
async function menuCommand(page: Page, command: 'undo' | 'redo' | 'select-all' | 'show-shortcuts') {
  await page.evaluate((name) => {
    const target = globalThis as unknown as { __todoSyncEmit(channel: string, payload: unknown): void };
    target.__todoSyncEmit('app:command', { command: name });
  }, command);
}

test('Ctrl+Z undoes add, rename, complete and delete in reverse order; Shift+Ctrl+Z redoes', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await addTodo(page, 'Buy oat milk');
  await addTodo(page, 'Water the plants');
  await editTodo(page, 'Water the plants', 'Water the balcony plants');
  await toggleTodo(page, 'Buy oat milk');
  await expect(page.getByRole('checkbox', { name: 'Done: Buy oat milk' })).toBeChecked();
  await row(page, 'Water the balcony plants').click();
  await page.keyboard.press('Delete');
  await expect(row(page, 'Water the balcony plants')).toContainText('Deleted');

  // Focus on the list (not in a text field): Ctrl+Z is the app's undo.
  await page.keyboard.press('Control+z');
  await expect(row(page, 'Water the balcony plants')).not.toContainText('Deleted');
  await expect(page.getByTestId('announcer')).toContainText('Undid: Deleted “Water the balcony plants”');
  await page.keyboard.press('Control+z');
  await expect(page.getByRole('checkbox', { name: 'Done: Buy oat milk' })).not.toBeChecked();
  await page.keyboard.press('Control+z');
  await expect(row(page, 'Water the plants')).toHaveCount(1);
  await page.keyboard.press('Control+z');
  await expect(row(page, 'Water the plants')).toHaveCount(0);
  await expect.poll(storedTexts).toEqual(['Buy oat milk']);

  await page.keyboard.press('Control+Shift+z');
  await expect(row(page, 'Water the plants')).toHaveCount(1);
  await page.keyboard.press('Control+Shift+z');
  await expect(row(page, 'Water the balcony plants')).toHaveCount(1);
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByRole('checkbox', { name: 'Done: Buy oat milk' })).toBeChecked();
  await expect.poll(storedTexts).toEqual(['Buy oat milk ✓', 'Water the balcony plants']);
  expect(app.problems).toEqual([]);
  await app.close();
});

test('the Edit menu undoes and redoes too, and a text field keeps its own undo', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await toggleTodo(page, 'Water the balcony plants');
  await expect(page.getByRole('checkbox', { name: 'Done: Water the balcony plants' })).toBeChecked();
  await row(page, 'Buy oat milk').click();
  await menuCommand(page, 'undo');
  await expect(page.getByRole('checkbox', { name: 'Done: Water the balcony plants' })).not.toBeChecked();
  await menuCommand(page, 'redo');
  await expect(page.getByRole('checkbox', { name: 'Done: Water the balcony plants' })).toBeChecked();

  // In the add field Ctrl+Z undoes typing, not the last todo change.
  const field = page.getByRole('textbox', { name: 'New todo' });
  await field.click();
  await page.keyboard.type('Call Sam');
  await page.keyboard.press('Control+z');
  await expect(page.getByRole('checkbox', { name: 'Done: Water the balcony plants' })).toBeChecked();
  await field.fill('');
  await app.close();
});

test('undoing a delete that already synced adds the todo again, and that syncs', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await syncNow(page);
  await row(page, 'Buy oat milk').click();
  await page.keyboard.press('Delete');
  // Let the delete go out: the undo window passes and the sync sends it.
  await expect(row(page, 'Buy oat milk')).toHaveCount(0, { timeout: 15_000 });
  await syncNow(page);
  expect((await harness().server.list()).map((item) => item.text)).not.toContain('Buy oat milk');

  await page.getByRole('list', { name: 'Todos' }).focus();
  await page.keyboard.press('Control+z');
  await expect(row(page, 'Buy oat milk')).toHaveCount(1);
  await expect(page.getByRole('checkbox', { name: 'Done: Buy oat milk' })).toBeChecked();
  await syncNow(page);
  const onServer = (await harness().server.list()).filter((item) => item.text === 'Buy oat milk');
  expect(onServer).toHaveLength(1);
  expect(onServer[0]?.complete).toBe(true);
  await expect(todoRows(page)).toHaveCount(2);
  await app.close();
});
