/**
 * Conflicts the person decides (policy "ask"): the dialog shows Mine and Server field by field,
 * and each choice ends with the right record on the server after the next sync.
 */
import { expect, test, type Page } from '@playwright/test';
import { editTodo, row, syncNow, toggleTodo, waitForAppReady } from './support/app-page';
import { useAppHarness } from './support/harness';

const harness = useAppHarness({ settings: { conflictPolicy: 'ask' } });

/**
 * The same todo changed on both sides: here the text (and, with `toggleHere`, its status);
 * on the server the text, the status and the notes. Sync now then meets a 412 and asks.
 */
async function makeConflict(
  page: Page,
  id: string,
  {
    base,
    mine,
    theirs,
    toggleHere = false,
  }: { base: string; mine: string; theirs: string; toggleHere?: boolean },
) {
  const { server } = harness();
  await server.insert({ id, text: base });
  await syncNow(page);
  await editTodo(page, base, mine);
  if (toggleHere) await toggleTodo(page, mine);
  await server.update(id, { text: theirs, complete: !toggleHere, notes: 'Changed on the laptop' });
  await page.getByRole('button', { name: 'Sync now' }).click();
  // The conflict waits for the person: the banner leads to the dialog, which never opens by itself.
  await expect(page.getByTestId('conflict-banner')).toBeVisible();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.getByTestId('conflict-banner').getByRole('button', { name: 'Review' }).click();
  const dialog = page.getByRole('dialog', { name: /conflict/i });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(mine);
  await expect(dialog).toContainText(theirs);
  return dialog;
}

test('Keep mine: my version goes to the server', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  const dialog = await makeConflict(page, 'c-mine', {
    base: 'Book a table',
    mine: 'Book a table for four',
    theirs: 'Book a table at Luigi’s',
  });
  // Each field says who changed it since the version both started from.
  await expect(dialog.locator('tr[data-field="text"]')).toContainText('Changed on both');
  await expect(dialog.locator('tr[data-field="complete"]')).toContainText('Changed on the server');
  await expect(dialog.locator('tr[data-field="notes"]')).toContainText('Changed on the server');

  await dialog.getByRole('button', { name: 'Keep mine' }).click();
  await expect(dialog).toBeHidden();
  await syncNow(page);
  await expect(page.getByTestId('pending-count')).toHaveText('All changes synced');

  const record = await harness().server.get('c-mine');
  expect({ text: record.text, complete: record.complete, notes: record.notes }).toEqual({
    text: 'Book a table for four',
    complete: false,
    notes: null,
  });
  await expect(row(page, 'Book a table for four')).toHaveCount(1);
  expect(app.problems).toEqual([]);
  await app.close();
});

test('Keep server: the server version stays and replaces mine here', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  const dialog = await makeConflict(page, 'c-server', {
    base: 'Renew insurance',
    mine: 'Renew car insurance',
    theirs: 'Renew home insurance',
  });
  const before = await harness().server.get('c-server');
  await dialog.getByRole('button', { name: 'Keep server' }).click();
  await expect(dialog).toBeHidden();
  await expect(row(page, 'Renew home insurance')).toHaveCount(1);
  await expect(row(page, 'Renew car insurance')).toHaveCount(0);
  await syncNow(page);

  const after = await harness().server.get('c-server');
  expect(after).toEqual(before);
  await expect(page.getByTestId('pending-count')).toHaveText('All changes synced');
  await app.close();
});

test('a choice per field: Apply combines them, and the result reaches the server', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  const dialog = await makeConflict(page, 'c-fields', {
    base: 'Plan the trip',
    mine: 'Plan the trip to Porto',
    theirs: 'Plan the trip to Lisbon',
    toggleHere: true,
  });
  // Preselected: each side's own edits; mine where both edited.
  await expect(dialog.getByRole('radio', { name: 'Text: keep mine' })).toBeChecked();
  await expect(dialog.getByRole('radio', { name: 'Status: keep mine' })).toBeChecked();
  await expect(dialog.getByRole('radio', { name: 'Notes: keep the server’s' })).toBeChecked();
  await dialog.getByRole('radio', { name: 'Text: keep the server’s' }).check();
  await dialog.getByRole('radio', { name: 'Status: keep mine' }).check();
  await dialog.getByRole('radio', { name: 'Notes: keep the server’s' }).check();
  await dialog.getByRole('button', { name: 'Apply choices' }).click();
  await expect(dialog).toBeHidden();
  await syncNow(page);
  await expect(page.getByTestId('pending-count')).toHaveText('All changes synced');

  const record = await harness().server.get('c-fields');
  expect({ text: record.text, complete: record.complete, notes: record.notes }).toEqual({
    text: 'Plan the trip to Lisbon',
    complete: true,
    notes: 'Changed on the laptop',
  });
  await expect(page.getByRole('checkbox', { name: 'Done: Plan the trip to Lisbon' })).toBeChecked();
  await app.close();
});

test('Esc closes the dialog without choosing; the banner and the row marker lead back to it', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  const dialog = await makeConflict(page, 'c-later', {
    base: 'Fix the gate',
    mine: 'Fix the garden gate',
    theirs: 'Fix the gate hinge',
  });

  // Focus stays inside while tabbing around.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((element) => element.contains(element.ownerDocument.activeElement))).toBe(
      true,
    );
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  const banner = page.getByTestId('conflict-banner');
  await expect(banner).toHaveText(/1 conflict needs you/);
  const marker = row(page, 'Fix the garden gate').getByRole('button', { name: /Conflict on/ });
  await expect(marker).toBeVisible();
  // Nothing was decided: the server still has its version.
  expect((await harness().server.get('c-later')).text).toBe('Fix the gate hinge');

  await marker.click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await banner.getByRole('button', { name: 'Review' }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Keep mine' }).click();
  await expect(banner).toBeHidden();
  await app.close();
});
