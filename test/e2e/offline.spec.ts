/**
 * Offline first: edits made while the server is out of reach (Work offline, or the network
 * down) stay on this computer, are marked as not synced, and reach the server exactly once
 * when the person syncs again.
 */
import { expect, test } from '@playwright/test';
import {
  addTodo,
  deleteTodo,
  editTodo,
  row,
  setWorkOffline,
  startDelete,
  syncNow,
  toggleTodo,
  waitForAppReady,
} from './support/app-page';
import { useAppHarness } from './support/harness';

const harness = useAppHarness();

function live<T extends { deleted: boolean }>(rows: T[]): T[] {
  return rows.filter((r) => !r.deleted);
}

test('add, edit, complete and delete while working offline, then sync: the server has exactly those records', async ({
  browser,
}) => {
  const { server } = harness();
  await server.insert({ id: 'plants', text: 'Water the plants' });
  await server.insert({ id: 'rent', text: 'Pay rent' });

  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await syncNow(page);
  await expect(row(page, 'Water the plants')).toHaveCount(1);
  await expect(row(page, 'Pay rent')).toHaveCount(1);

  await setWorkOffline(page, true);
  await expect(page.getByRole('button', { name: 'Sync now' })).toBeDisabled();

  await addTodo(page, 'Buy milk');
  await addTodo(page, 'Call mom');
  await editTodo(page, 'Water the plants', 'Water the plants and the herbs');
  await toggleTodo(page, 'Buy milk');
  // A second delete commits the first at once; the second goes when its undo window ends.
  await startDelete(page, 'Pay rent');
  // Added and deleted before any sync: the server never needs to hear of it.
  await deleteTodo(page, 'Call mom');
  await expect(row(page, 'Pay rent')).toHaveCount(0);

  await expect(row(page, 'Buy milk').getByTestId('pending-marker')).toBeVisible();
  await expect(row(page, 'Water the plants and the herbs').getByTestId('pending-marker')).toBeVisible();
  await expect(page.getByTestId('pending-count')).toHaveText(/^[1-9]\d* changes? not synced$/);
  await expect(page.getByRole('checkbox', { name: 'Done: Buy milk' })).toBeChecked();

  // Nothing left this computer.
  expect(live(await server.list()).map((r) => [r.id, r.text, r.complete])).toEqual([
    ['plants', 'Water the plants', false],
    ['rent', 'Pay rent', false],
  ]);

  await setWorkOffline(page, false);
  await syncNow(page);
  await expect(page.getByTestId('pending-count')).toHaveText('All changes synced');
  await expect(page.getByTestId('pending-marker')).toHaveCount(0);

  const everything = await server.list({ includeDeleted: true });
  expect(
    live(everything)
      .map((r) => ({ text: r.text, complete: r.complete }))
      .sort((a, b) => a.text.localeCompare(b.text)),
  ).toEqual([
    { text: 'Buy milk', complete: true },
    { text: 'Water the plants and the herbs', complete: false },
  ]);
  expect(everything.find((r) => r.id === 'rent')?.deleted).toBe(true);
  expect(everything.some((r) => r.text === 'Call mom')).toBe(false);
  expect(app.problems).toEqual([]);
  await app.close();
});

test('with the server unreachable, Sync now says so with Retry, edits wait, and Retry delivers them', async ({
  browser,
}) => {
  const { link, server } = harness();
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  link.down = true;
  try {
    await addTodo(page, 'Written on the train');
    await page.getByRole('button', { name: 'Sync now' }).click();
    const error = page.getByTestId('sync-error');
    await expect(error).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('connectivity')).toHaveText('Offline');
    await expect(row(page, 'Written on the train').getByTestId('pending-marker')).toBeVisible();
    // Plain words, not codes.
    await expect(error).not.toContainText(/ECONNRESET|ECONNREFUSED|fetch failed|network/);
  } finally {
    link.down = false;
  }

  await page.getByTestId('sync-error').getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByTestId('pending-count')).toHaveText('All changes synced');
  await expect(page.getByTestId('connectivity')).toHaveText('Online');
  await expect(page.getByTestId('sync-error')).toHaveCount(0);
  expect((await server.list()).filter((r) => r.text === 'Written on the train')).toHaveLength(1);
  await app.close();
});
