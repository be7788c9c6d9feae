/**
 * Details and notes: Enter (or the row's details button) opens a pane with the todo's text,
 * multi-line notes, times and sync state; typing saves by itself; Esc closes and focus returns
 * to the row; a change from elsewhere reaches untouched fields; the notes counter near the limit.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { TODO_LIMITS } from '../../common/todo-limits';
import { addTodo, row, syncNow, waitForAppReady } from './support/app-page';
import { REPO_ROOT } from './support/build';
import { useAppHarness } from './support/harness';

const harness = useAppHarness();

async function storedNotes(text: string): Promise<string | null | undefined> {
  const page = await harness().services.handlers['todos:query']({ filter: 'all', skip: 0, take: 100 });
  return page.items.find((item) => item.text === text)?.notes;
}

function pane(page: Page) {
  return page.getByRole('complementary', { name: 'Details' });
}

test('Enter opens the details; notes save by themselves and sync; Esc closes back to the row', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await addTodo(page, 'Call the plumber');

  await row(page, 'Call the plumber').click();
  await page.keyboard.press('Enter');
  const details = pane(page);
  await expect(details).toBeVisible();
  await expect(details.getByRole('textbox', { name: 'Todo' })).toBeFocused();
  await expect(details.getByRole('textbox', { name: 'Todo' })).toHaveValue('Call the plumber');
  await expect(details.getByTestId('details-sync')).toHaveText(/not synced yet/);

  const notes = details.getByRole('textbox', { name: 'Notes' });
  await notes.click();
  await page.keyboard.type('Leak under the kitchen sink');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Landlord pays');
  await expect(details.getByTestId('details-saving')).toHaveText('Saved');
  await expect.poll(() => storedNotes('Call the plumber')).toBe('Leak under the kitchen sink\nLandlord pays');
  // The row shows the first line of the notes.
  await expect(row(page, 'Call the plumber')).toContainText('Leak under the kitchen sink');

  await syncNow(page);
  await expect(details.getByTestId('details-sync')).toHaveText('Synced.');
  // The pull brings this row back as the server stored it: that is not news from elsewhere.
  await expect(page.getByTestId('toast')).toContainText('Synced: 1 change sent.');
  await expect(page.getByTestId('toast')).not.toContainText('received');
  await expect(details.getByTestId('details-created')).not.toHaveText(/Not on the server/);
  const onServer = (await harness().server.list()).find((item) => item.text === 'Call the plumber');
  expect(onServer?.notes).toBe('Leak under the kitchen sink\nLandlord pays');

  mkdirSync(path.join(REPO_ROOT, 'test-results', 'screenshots'), { recursive: true });
  await page.screenshot({
    path: path.join(REPO_ROOT, 'test-results', 'screenshots', 'details.png'),
    caret: 'hide',
    animations: 'disabled',
  });

  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  await expect(row(page, 'Call the plumber')).toBeFocused();
  expect(app.problems).toEqual([]);
  await app.close();
});

test('the details button opens it too; typing is saved on close even before the pause', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await addTodo(page, 'Renew passport');
  await row(page, 'Renew passport').hover();
  await row(page, 'Renew passport').getByRole('button', { name: 'Details of “Renew passport”' }).click();
  const details = pane(page);
  const text = details.getByRole('textbox', { name: 'Todo' });
  await text.fill('Renew passport before June');
  await details.getByRole('button', { name: 'Close details' }).click();
  await expect(details).toHaveCount(0);
  await expect(row(page, 'Renew passport before June')).toHaveCount(1);
  const stored = await harness().services.handlers['todos:query']({ filter: 'all', skip: 0, take: 100 });
  expect(stored.items.map((item) => item.text)).toContain('Renew passport before June');
  await app.close();
});

test('a change from another device reaches the open pane, and typing after it is saved', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await syncNow(page);
  const server = harness().server;
  const plumber = (await server.list()).find((item) => item.text === 'Call the plumber');
  if (!plumber) throw new Error('the plumber todo should be on the server');

  await row(page, 'Call the plumber').click();
  await page.keyboard.press('Enter');
  const details = pane(page);
  const text = details.getByRole('textbox', { name: 'Todo' });
  await expect(text).toBeFocused();

  await server.update(plumber.id, { notes: 'Use the spare key' });
  await syncNow(page);
  // Nothing was typed here: the open pane shows the other device's notes.
  await expect(details.getByRole('textbox', { name: 'Notes' })).toHaveValue('Use the spare key');
  await text.click();
  await page.keyboard.press('End');
  await page.keyboard.type(' today');
  await page.keyboard.press('Escape');
  await expect(row(page, 'Call the plumber today')).toHaveCount(1);
  expect(await storedNotes('Call the plumber today')).toBe('Use the spare key');
  await app.close();
});

test('notes are limited to what the contract accepts, with a counter near the limit', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await row(page, 'Renew passport before June').click();
  await page.keyboard.press('Enter');
  const details = pane(page);
  const notes = details.getByRole('textbox', { name: 'Notes' });
  const limit = TODO_LIMITS.notesMaxBytes;
  await expect(notes).toHaveAttribute('maxlength', String(limit));
  await notes.fill('short');
  await expect(details.getByText(/characters/)).toHaveCount(0);
  await notes.fill('x'.repeat(Math.ceil(limit * 0.9)));
  await expect(details.getByText(/\/ .* characters/)).toBeVisible();
  await expect(notes).toHaveAttribute('aria-describedby', /.+/);
  await expect
    .poll(async () => (await storedNotes('Renew passport before June'))?.length)
    .toBe(Math.ceil(limit * 0.9));
  // The limit is on the bytes the server receives: accented letters take two each.
  await notes.fill('é'.repeat(Math.ceil(limit * 0.6)));
  await expect(details.getByText(/too long for the server/)).toBeVisible();
  await expect(notes).toHaveAttribute('aria-invalid', 'true');
  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  // Too long to store: nothing was saved over the last notes that fit.
  expect((await storedNotes('Renew passport before June'))?.length).toBe(Math.ceil(limit * 0.9));
  await app.close();
});
