/**
 * The moments a sync meets the person (policy "Ask me"): a conflict found by a background sync
 * while they type, a todo deleted on another device and edited here, and an inline edit saved
 * while another device changed the same todo.
 */
import { expect, test, type Page } from '@playwright/test';
import { editTodo, row, syncNow, waitForAppReady } from './support/app-page';
import { useAppHarness } from './support/harness';

const harness = useAppHarness({ settings: { conflictPolicy: 'ask' } });

/** A full sync started by the scheduler, as the interval timer or a wake from sleep would. */
async function backgroundSync(): Promise<void> {
  harness().services.parts.scheduler.requestFullSync();
}

/** A synced todo changed here (not sent yet) and, differently, on the server. */
async function prepareConflict(page: Page, id: string, base: string, mine: string, theirs: string) {
  const { server } = harness();
  await server.insert({ id, text: base });
  await syncNow(page);
  await expect(row(page, base)).toHaveCount(1);
  await editTodo(page, base, mine);
  await server.update(id, { text: theirs });
}

test('a conflict found by a background sync while typing in the add field: nothing typed is lost, focus stays', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await prepareConflict(page, 'bg-add', 'Water the plants', 'Water the balcony plants', 'Water the garden');

  const field = page.getByRole('textbox', { name: 'New todo' });
  await field.click();
  await page.keyboard.type('Call the');
  await backgroundSync();
  const banner = page.getByTestId('conflict-banner');
  await expect(banner).toHaveText(/1 conflict needs you/);
  await expect(
    row(page, 'Water the balcony plants').getByRole('button', { name: /Conflict on/ }),
  ).toBeVisible();

  // The dialog did not open by itself, and the keyboard still types into the field.
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(field).toBeFocused();
  await page.keyboard.type(' plumber');
  await expect(field).toHaveValue('Call the plumber');
  await page.keyboard.press('Enter');
  await expect(row(page, 'Call the plumber')).toHaveCount(1);

  // The dialog opens when the person asks.
  await banner.getByRole('button', { name: 'Review' }).click();
  const dialog = page.getByRole('dialog', { name: /conflict/i });
  await expect(dialog).toContainText('Water the garden');
  await dialog.getByRole('button', { name: 'Keep mine' }).click();
  await expect(dialog).toBeHidden();
  expect(app.problems).toEqual([]);
  await app.close();
});

test('a conflict found by a background sync while editing a todo inline: the edit keeps its text and focus', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await prepareConflict(page, 'bg-edit', 'Fix the fence', 'Fix the garden fence', 'Paint the fence');

  await row(page, 'Call the plumber').getByText('Call the plumber', { exact: true }).dblclick();
  const editor = page.getByRole('textbox', { name: 'Edit “Call the plumber”' });
  await expect(editor).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.type(' about');
  await backgroundSync();
  await expect(page.getByTestId('conflict-banner')).toHaveText(/1 conflict needs you/);
  await expect(row(page, 'Fix the garden fence').getByRole('button', { name: /Conflict on/ })).toBeVisible();

  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(editor).toBeFocused();
  await page.keyboard.type(' the leak');
  await expect(editor).toHaveValue('Call the plumber about the leak');
  await page.keyboard.press('Enter');
  await expect(row(page, 'Call the plumber about the leak')).toHaveCount(1);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(app.problems).toEqual([]);
  await app.close();
});
