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

  // Settle it, so the next tests start without a waiting conflict.
  await page.getByTestId('conflict-banner').getByRole('button', { name: 'Review' }).click();
  await page
    .getByRole('dialog', { name: /conflict/i })
    .getByRole('button', { name: 'Keep server' })
    .click();
  await expect(page.getByTestId('conflict-banner')).toHaveCount(0);
  expect(app.problems).toEqual([]);
  await app.close();
});

/** A synced todo edited here while another device deleted it; Sync now meets the deletion. */
async function deletedThereEditedHere(page: Page, id: string, base: string, mine: string) {
  const { server } = harness();
  await server.insert({ id, text: base });
  await syncNow(page);
  await editTodo(page, base, mine);
  await server.remove(id);
  await page.getByRole('button', { name: 'Sync now' }).click();
  const banner = page.getByTestId('conflict-banner');
  await expect(banner).toBeVisible();
  await banner.getByRole('button', { name: 'Review' }).click();
  const dialog = page.getByRole('dialog', { name: /conflict/i });
  await expect(dialog).toContainText(`“${mine}” was deleted on the server`);
  // Not an ordinary edit: no field-by-field choice, and no plain "Keep mine".
  await expect(dialog).not.toContainText('fields differ');
  await expect(dialog).not.toContainText('field differs');
  await expect(dialog.getByRole('button', { name: 'Keep mine' })).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Apply choices' })).toHaveCount(0);
  await expect(dialog.getByRole('radio')).toHaveCount(0);
  await expect(dialog).toContainText('Deleted there');
  return dialog;
}

test('deleted on another device, edited here: "Restore mine" brings it back on the server, and says so', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  const dialog = await deletedThereEditedHere(
    page,
    'gone-restore',
    'Return the library books',
    'Return the library books to the branch',
  );
  await dialog.getByRole('button', { name: 'Restore mine' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('toast')).toContainText('will be restored on the server');
  await syncNow(page);
  await expect(page.getByTestId('pending-count')).toHaveText('All changes synced');

  const record = await harness().server.get('gone-restore');
  expect({ text: record.text, deleted: record.deleted }).toEqual({
    text: 'Return the library books to the branch',
    deleted: false,
  });
  await expect(row(page, 'Return the library books to the branch')).toHaveCount(1);
  expect(app.problems).toEqual([]);
  await app.close();
});

test('deleted on another device, edited here: "Let it go" removes it here too', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  const dialog = await deletedThereEditedHere(
    page,
    'gone-let-go',
    'Cancel the gym',
    'Cancel the gym membership',
  );
  await dialog.getByRole('button', { name: 'Let it go' }).click();
  await expect(dialog).toBeHidden();
  await expect(row(page, 'Cancel the gym membership')).toHaveCount(0);
  await syncNow(page);
  await expect(page.getByTestId('pending-count')).toHaveText('All changes synced');
  await expect(page.getByTestId('conflict-banner')).toHaveCount(0);

  const tombstone = (await harness().server.list({ includeDeleted: true })).find(
    (record) => record.id === 'gone-let-go',
  );
  expect(tombstone).toMatchObject({ deleted: true, text: 'Cancel the gym' });
  await expect(row(page, 'Cancel the gym')).toHaveCount(0);
  await app.close();
});

/** Waits until a sync has brought `expected` into the local store (the editor stays open meanwhile). */
async function arrivedLocally(id: string, expected: Record<string, unknown>): Promise<void> {
  await expect
    .poll(async () => {
      const local = await harness().services.parts.todos.lookup(id);
      return (
        local && Object.entries(expected).every(([key, value]) => local[key as keyof typeof local] === value)
      );
    })
    .toBe(true);
}

test('an inline edit saved after another device changed the same text becomes a conflict under "Ask me"', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  const { server } = harness();
  await server.insert({ id: 'meanwhile-text', text: 'Book the venue' });
  await syncNow(page);

  await row(page, 'Book the venue').getByText('Book the venue', { exact: true }).dblclick();
  const editor = page.getByRole('textbox', { name: 'Edit “Book the venue”' });
  // Keys go to the editor only once it has focus (before, End went nowhere and the typing
  // replaced the text the double click selected).
  await expect(editor).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.type(' for the party');
  // Another device renames it while the editor is open, and a background sync brings that here.
  await server.update('meanwhile-text', { text: 'Book the bigger venue' });
  await backgroundSync();
  await arrivedLocally('meanwhile-text', { text: 'Book the bigger venue' });
  await expect(editor).toHaveValue('Book the venue for the party');
  await editor.press('Enter');

  // Nothing was overwritten silently: what was typed is kept, and the person chooses.
  await expect(row(page, 'Book the venue for the party')).toHaveCount(1);
  await expect(page.getByTestId('conflict-banner')).toHaveText(/1 conflict needs you/);
  await expect(page.getByTestId('toast')).toContainText('also changed on another device');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect((await server.get('meanwhile-text')).text).toBe('Book the bigger venue');

  await page.getByTestId('toast').getByRole('button', { name: 'Review' }).click();
  const dialog = page.getByRole('dialog', { name: /conflict/i });
  await expect(dialog.locator('tr[data-field="text"]')).toContainText('Changed on both');
  await expect(dialog.locator('tr[data-field="text"]')).toContainText('Book the venue for the party');
  await expect(dialog.locator('tr[data-field="text"]')).toContainText('Book the bigger venue');
  await dialog.getByRole('button', { name: 'Keep mine' }).click();
  await expect(dialog).toBeHidden();
  await syncNow(page);
  await expect(page.getByTestId('pending-count')).toHaveText('All changes synced');
  expect((await server.get('meanwhile-text')).text).toBe('Book the venue for the party');
  expect(app.problems).toEqual([]);
  await app.close();
});

test('an inline edit saved after another device changed other fields merges: both changes stay', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  const { server } = harness();
  await server.insert({ id: 'meanwhile-other', text: 'Pay the rent' });
  await syncNow(page);

  await row(page, 'Pay the rent').getByText('Pay the rent', { exact: true }).dblclick();
  const editor = page.getByRole('textbox', { name: 'Edit “Pay the rent”' });
  // Keys go to the editor only once it has focus (before, End went nowhere and the typing
  // replaced the text the double click selected).
  await expect(editor).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.type(' by Friday');
  await server.update('meanwhile-other', { notes: 'By transfer, not cash', complete: true });
  await backgroundSync();
  await arrivedLocally('meanwhile-other', { notes: 'By transfer, not cash', complete: true });
  await editor.press('Enter');

  await expect(row(page, 'Pay the rent by Friday')).toHaveCount(1);
  await expect(page.getByRole('checkbox', { name: 'Done: Pay the rent by Friday' })).toBeChecked();
  await syncNow(page);
  await expect(page.getByTestId('pending-count')).toHaveText('All changes synced');
  await expect(page.getByTestId('conflict-banner')).toHaveCount(0);
  const record = await server.get('meanwhile-other');
  expect({ text: record.text, notes: record.notes, complete: record.complete }).toEqual({
    text: 'Pay the rent by Friday',
    notes: 'By transfer, not cash',
    complete: true,
  });
  expect(app.problems).toEqual([]);
  await app.close();
});
