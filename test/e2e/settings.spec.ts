/**
 * Settings through the real settings service: a bad server address is refused with the main
 * process's message under the field (and the old value stays); reset refuses while changes are
 * unsynced unless confirmed, and offers to export them first.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { addTodo, openSettings, row, todoRows, waitForAppReady } from './support/app-page';
import { useAppHarness } from './support/harness';

const harness = useAppHarness();

test('a bad server address is refused under the field; good values are saved', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  const before = harness().services.parts.settings.view();

  const dialog = await openSettings(page);
  const address = dialog.getByRole('textbox', { name: 'Server address' });
  await expect(address).toHaveValue(before.backendUrl ?? '');
  await address.fill('ftp://files.example.com');
  await dialog.getByRole('spinbutton', { name: 'Sync every' }).fill('15');
  await dialog.getByRole('radio', { name: /Server wins/ }).check();
  await dialog.getByRole('button', { name: 'Save' }).click();

  await expect(address).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByRole('alert')).toContainText('http:// or https://');
  const after = harness().services.parts.settings.view();
  expect(after.backendUrl).toBe(before.backendUrl);
  // The other fields were fine and took effect.
  expect(after.syncIntervalMinutes).toBe(15);
  expect(after.conflictPolicy).toBe('server-wins');

  await dialog.getByRole('spinbutton', { name: 'Sync every' }).fill('0');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText(/whole number of minutes from 1/)).toBeVisible();
  expect(harness().services.parts.settings.view().syncIntervalMinutes).toBe(15);
  // Edits not saved are never dropped silently: closing asks first.
  await page.keyboard.press('Escape');
  await dialog.getByRole('button', { name: 'Discard changes' }).click();
  await expect(dialog).toBeHidden();
  await app.close();
});

test('reset with unsynced changes: refused until confirmed, export offered first', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  // Work offline so the changes stay unsynced.
  harness().services.parts.settings.update({ workOffline: true });
  await addTodo(page, 'Not on the server yet');
  await addTodo(page, 'Nor this one');

  const dialog = await openSettings(page);
  await dialog.getByRole('button', { name: 'Reset local data…' }).click();
  const confirm = dialog.getByRole('group', { name: 'Confirm reset' });
  await expect(confirm).toContainText('2 changes have not reached the server yet');

  const downloading = page.waitForEvent('download');
  await confirm.getByRole('button', { name: 'Export unsynced changes' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.json$/);
  const exported = readFileSync(await download.path(), 'utf8');
  expect(exported).toContain('Not on the server yet');
  expect(exported).toContain('Nor this one');
  expect(() => JSON.parse(exported) as unknown).not.toThrow();
  await expect(confirm).toContainText(/Saved 2 changes/);
  await expect(todoRows(page)).toHaveCount(2);

  await confirm.getByRole('button', { name: 'Delete them and reset' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('toast')).toContainText('Local data was reset');
  await expect(row(page, 'Not on the server yet')).toHaveCount(0);
  await expect(page.getByTestId('pending-count')).toHaveText(/All changes synced|not synced/);
  expect(harness().services.getStatus().pendingOperations).toBe(0);
  harness().services.parts.settings.update({ workOffline: false });
  await app.close();
});
