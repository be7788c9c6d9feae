/**
 * Work Offline in one click from the status bar; Settings' Test connection for an address as
 * typed (a real Mobile Apps backend, nothing listening, something that is not the protocol);
 * edits not saved ask before Settings closes.
 */
import { expect, test } from '@playwright/test';
import { openSettings, waitForAppReady } from './support/app-page';
import { useAppHarness } from './support/harness';

const harness = useAppHarness();

test('Work offline is one click in the status bar, and one more goes back online', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await expect(page.getByTestId('connectivity')).toHaveText('Online');
  const toggle = page.getByTestId('status-bar').getByRole('button', { name: 'Work offline' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(page.getByTestId('connectivity')).toHaveText('Working offline');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  expect(harness().services.parts.settings.get().workOffline).toBe(true);
  await expect(page.getByTestId('announcer')).toHaveText('Working offline.');
  await toggle.click();
  await expect(page.getByTestId('connectivity')).toHaveText('Online');
  expect(harness().services.parts.settings.get().workOffline).toBe(false);
  await app.close();
});

test('Test connection tells a Mobile Apps backend from nothing and from something else', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  const dialog = await openSettings(page);
  const address = dialog.getByRole('textbox', { name: 'Server address' });
  const test = dialog.getByRole('button', { name: 'Test connection' });
  const result = dialog.getByTestId('connection-result');

  await test.click();
  await expect(result).toHaveText(/speaks ZUMO 2\.0\.0 and needs no sign-in/);

  await address.fill('http://127.0.0.1:9');
  await test.click();
  await expect(result).toHaveText(/Nothing answered at this address/);

  await address.fill(`${harness().link.url}/not-a-backend`);
  await test.click();
  await expect(result).toHaveText(/does not look like a Mobile Apps backend/);
  // Testing saved nothing.
  expect(harness().services.parts.settings.get().backendUrl).not.toContain('not-a-backend');

  await page.keyboard.press('Escape');
  await dialog.getByRole('button', { name: 'Discard changes' }).click();
  await expect(dialog).toBeHidden();
  await app.close();
});

test('closing Settings with edits not saved asks: keep editing, discard, or save and close', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  const before = harness().services.parts.settings.get().syncIntervalMinutes;
  const dialog = await openSettings(page);
  const interval = dialog.getByRole('spinbutton', { name: 'Sync every' });
  await interval.fill('45');

  await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
  const prompt = dialog.getByRole('alertdialog', { name: 'Unsaved changes' });
  await expect(prompt).toContainText('Some changes are not saved yet.');
  await prompt.getByRole('button', { name: 'Keep editing' }).click();
  await expect(interval).toHaveValue('45');

  await page.keyboard.press('Escape');
  await prompt.getByRole('button', { name: 'Discard changes' }).click();
  await expect(dialog).toBeHidden();
  expect(harness().services.parts.settings.get().syncIntervalMinutes).toBe(before);

  const again = await openSettings(page);
  await again.getByRole('spinbutton', { name: 'Sync every' }).fill('45');
  await page.keyboard.press('Escape');
  await again
    .getByRole('alertdialog', { name: 'Unsaved changes' })
    .getByRole('button', { name: 'Save and close' })
    .click();
  await expect(again).toBeHidden();
  expect(harness().services.parts.settings.get().syncIntervalMinutes).toBe(45);

  // Nothing changed: Close closes at once.
  const third = await openSettings(page);
  await third.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(third).toBeHidden();
  await app.close();
});
