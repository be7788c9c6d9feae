/** Changes made elsewhere (another device, through the server) appear after Sync now. */
import { expect, test } from '@playwright/test';
import { row, syncNow, waitForAppReady } from './support/app-page';
import { useAppHarness } from './support/harness';

const harness = useAppHarness();

test('a change made by another client appears after Sync now', async ({ browser }) => {
  const { server } = harness();
  await server.insert({ id: 'groceries', text: 'Groceries for the week' });
  await server.insert({ id: 'dentist', text: 'Dentist appointment' });

  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await syncNow(page);
  await expect(row(page, 'Groceries for the week')).toHaveCount(1);
  await expect(row(page, 'Dentist appointment')).toHaveCount(1);

  // The other device: an insert, an update and a delete, straight to the server.
  await server.insert({ id: 'from-phone', text: 'Added on my phone', notes: 'Remember the charger' });
  await server.update('groceries', { text: 'Groceries for the week (and coffee)', complete: true });
  await server.remove('dentist');

  // Nothing arrives by itself in the meantime (no background pull in this window)...
  await expect(row(page, 'Added on my phone')).toHaveCount(0);

  // ...until the person asks.
  await syncNow(page);
  await expect(row(page, 'Added on my phone')).toHaveCount(1);
  await expect(
    page.getByRole('checkbox', { name: 'Done: Groceries for the week (and coffee)' }),
  ).toBeChecked();
  await expect(row(page, 'Dentist appointment')).toHaveCount(0);
  await expect(page.getByRole('tab', { name: /^All/ })).toContainText('2');
  await expect(page.getByRole('tab', { name: /^Completed/ })).toContainText('1');

  // Search reaches what came from the server, notes included.
  await page.getByRole('searchbox', { name: 'Search todos' }).fill('charger');
  await expect(row(page, 'Added on my phone')).toHaveCount(1);
  await expect(row(page, 'Groceries for the week (and coffee)')).toHaveCount(0);
  expect(app.problems).toEqual([]);
  await app.close();
});
