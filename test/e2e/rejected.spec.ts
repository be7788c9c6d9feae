/**
 * Edits the server refuses (this server refuses any text containing "#reject") are listed with
 * the reason; Retry sends again, Edit changes the todo then retries, Discard (after confirming)
 * drops the change. Nothing disappears without the person deciding.
 */
import { expect, test, type Page } from '@playwright/test';
import { addTodo, editTodo, row, syncNow, waitForAppReady } from './support/app-page';
import { useAppHarness } from './support/harness';

const harness = useAppHarness({ rejectText: '#reject' });

async function openRejectedPanel(page: Page) {
  const banner = page.getByTestId('rejected-banner');
  await expect(banner).toBeVisible();
  await banner.getByRole('button', { name: 'Review' }).click();
  const panel = page.getByRole('dialog', { name: 'Changes the server refused' });
  await expect(panel).toBeVisible();
  return panel;
}

test('a refused new todo: listed with its reason; Edit then Retry sends the corrected text', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  await addTodo(page, 'Order tickets #reject');
  await syncNow(page);
  await expect(page.getByTestId('rejected-banner')).toHaveText(/The server refused 1 change/);
  await expect(
    row(page, 'Order tickets #reject').getByRole('button', { name: /refused the change/ }),
  ).toBeVisible();

  const panel = await openRejectedPanel(page);
  const item = panel.getByTestId('rejected-item');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('Order tickets #reject');
  // The reason, in words.
  await expect(item.locator('.rejected-reason')).not.toHaveText(/^\s*$/);

  await item.getByRole('button', { name: 'Edit' }).click();
  await item.getByRole('textbox', { name: /New text for/ }).fill('Order tickets for Friday');
  await item.getByRole('button', { name: 'Retry with changes' }).click();
  await expect(panel.getByTestId('rejected-item')).toHaveCount(0);
  await expect(panel).toContainText('Nothing is waiting');
  await panel.getByRole('button', { name: 'Done' }).click();

  await syncNow(page);
  await expect(page.getByTestId('rejected-banner')).toHaveCount(0);
  const onServer = (await harness().server.list()).map((r) => r.text);
  expect(onServer).toEqual(['Order tickets for Friday']);
  expect(app.problems).toEqual([]);
  await app.close();
});

test('Retry as is sends it again (and the server refuses again); Discard asks, then drops the new todo', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  await addTodo(page, 'Secret plan #reject');
  await syncNow(page);
  let panel = await openRejectedPanel(page);
  await panel.getByTestId('rejected-item').getByRole('button', { name: 'Retry' }).click();
  await expect(panel.getByTestId('rejected-item')).toHaveCount(0);
  await panel.getByRole('button', { name: 'Done' }).click();
  await syncNow(page);

  // Refused again: back in the list, still here locally, still not on the server.
  panel = await openRejectedPanel(page);
  const item = panel.getByTestId('rejected-item');
  await expect(item).toHaveCount(1);
  await item.getByRole('button', { name: 'Discard…' }).click();
  const confirm = item.getByRole('group', { name: 'Confirm discard' });
  await expect(confirm).toContainText('removed from this computer');
  // Changing one's mind keeps it.
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await expect(item).toHaveCount(1);
  await item.getByRole('button', { name: 'Discard…' }).click();
  await item.getByRole('group', { name: 'Confirm discard' }).getByRole('button', { name: 'Discard' }).click();
  await expect(panel.getByTestId('rejected-item')).toHaveCount(0);
  await panel.getByRole('button', { name: 'Done' }).click();

  await expect(row(page, 'Secret plan #reject')).toHaveCount(0);
  await expect(page.getByTestId('rejected-banner')).toHaveCount(0);
  expect(
    (await harness().server.list({ includeDeleted: true })).some((r) => r.text.includes('Secret plan')),
  ).toBe(false);
  await app.close();
});

test('a refused change to a synced todo: Discard brings back the server’s version', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  await harness().server.insert({ id: 'r-synced', text: 'Send the invoice' });
  await syncNow(page);
  await editTodo(page, 'Send the invoice', 'Send the invoice #reject');
  await syncNow(page);

  const panel = await openRejectedPanel(page);
  const item = panel.getByTestId('rejected-item');
  await expect(item).toContainText('Change');
  await item.getByRole('button', { name: 'Discard…' }).click();
  await expect(item.getByRole('group', { name: 'Confirm discard' })).toContainText(
    'server’s version will be kept',
  );
  await item.getByRole('group', { name: 'Confirm discard' }).getByRole('button', { name: 'Discard' }).click();
  await panel.getByRole('button', { name: 'Done' }).click();

  await expect(row(page, 'Send the invoice')).toHaveCount(1);
  await expect(row(page, 'Send the invoice #reject')).toHaveCount(0);
  await expect(page.getByTestId('pending-count')).toHaveText('All changes synced');
  expect((await harness().server.get('r-synced')).text).toBe('Send the invoice');
  await app.close();
});
