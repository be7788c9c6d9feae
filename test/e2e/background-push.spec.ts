/**
 * Pushes the scheduler starts by itself shortly after an edit (no Sync now): what they leave
 * for the person shows on the row as soon as they end. This server refuses any text containing
 * "#reject".
 */
import { expect, test } from '@playwright/test';
import { addTodo, row, waitForAppReady } from './support/app-page';
import { useAppHarness } from './support/harness';

const harness = useAppHarness({ rejectText: '#reject', pushDebounceMs: 300 });

test('a change refused by an automatic push shows its Refused chip as soon as that push ends', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  await addTodo(page, 'Order tickets #reject');
  // Nobody presses Sync now: the debounced push runs, the server refuses, and the row says so.
  await expect(page.getByTestId('rejected-banner')).toHaveText(/The server refused 1 change/);
  const target = row(page, 'Order tickets #reject');
  await expect(target.getByRole('button', { name: /refused the change/ })).toBeVisible();
  await expect(target.getByTestId('pending-marker')).toHaveCount(0);

  // An accepted one in the same way ends synced, with neither chip nor marker.
  await addTodo(page, 'Order the concert tickets');
  await expect
    .poll(async () => (await harness().server.list()).map((record) => record.text), { timeout: 15_000 })
    .toEqual(['Order the concert tickets']);
  await expect(row(page, 'Order the concert tickets').getByTestId('pending-marker')).toHaveCount(0);
  // Only the refused change is still waiting (for the person).
  await expect(page.getByTestId('pending-count')).toHaveText('1 change not synced');
  expect(app.problems).toEqual([]);
  await app.close();
});
