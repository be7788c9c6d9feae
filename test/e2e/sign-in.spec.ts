/**
 * Signing in end to end, against the real server started with --auth: signed out, sign in from
 * Settings (the harness follows the sign-in URLs as the shell's window would), sync as that
 * person, the session ending ("Sign in again to resume syncing" with the queue kept), signing in
 * again from the banner, and signing out. Screenshots of the three states in
 * test-results/screenshots/.
 */
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expiredToken } from '../support/tokens';
import { addTodo, openSettings, row, waitForAppReady } from './support/app-page';
import { useAppHarness } from './support/harness';

const SHOTS = path.resolve(__dirname, '..', '..', 'test-results', 'screenshots');
const person = { name: 'e2e-dana' };
const harness = useAppHarness({ auth: { loginHint: () => person.name } });

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), caret: 'hide', animations: 'disabled' });
}

test('sign in from Settings, sync, the session ends, sign in again, sign out', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  // Signed out: the server refuses the table without a token, and Settings offers the providers.
  await expect(page.getByTestId('sign-in-banner')).toBeVisible();
  let dialog = await openSettings(page);
  const account = dialog.getByTestId('account-section');
  await expect(account.getByTestId('signed-out')).toHaveText('Not signed in.');
  await expect(account.getByRole('combobox', { name: 'Sign in with' })).toBeVisible();
  await shot(page, 'signed-out');

  await account.getByRole('combobox', { name: 'Sign in with' }).selectOption('google');
  await account.getByRole('button', { name: 'Sign in…' }).click();
  await expect(account.getByTestId('signed-in-as')).toContainText('sid:e2e-dana');
  await expect(account.getByText(/The session ends/)).toBeVisible();
  await shot(page, 'signed-in');
  await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();

  // Syncing works as that person: the banner goes once the next sync is accepted.
  await addTodo(page, 'Dana’s first todo');
  await page.getByRole('button', { name: /Sync now/ }).click();
  await expect(page.getByTestId('sign-in-banner')).toBeHidden();
  await expect.poll(() => harness().services.getStatus().pendingOperations).toBe(0);

  // The session ends (as time would end the token): the next sync is refused and waits.
  const { settings } = harness().services.parts;
  const session = settings.getSession();
  if (!session) throw new Error('not signed in');
  settings.setSession({ ...session, token: expiredToken(harness().backend.authSecret(), 'sid:e2e-dana') });
  await addTodo(page, 'Written after the session ended');
  await page.getByRole('button', { name: /Sync now/ }).click();
  const banner = page.getByTestId('sign-in-banner');
  await expect(banner).toContainText('Sign in again to resume syncing');
  await expect(banner).toContainText('1 waiting');
  await expect(row(page, 'Written after the session ended')).toBeVisible();
  await shot(page, 'session-expired');

  // The banner's button signs in again (the stub has no /.auth/refresh) and the queue goes out.
  await banner.getByRole('button', { name: 'Sign in' }).click();
  await expect(banner).toBeHidden();
  await expect.poll(() => harness().services.getStatus().pendingOperations).toBe(0);

  // Signing out with nothing unsynced needs no confirmation; the person's todos leave the list.
  dialog = await openSettings(page);
  await dialog.getByTestId('account-section').getByRole('button', { name: 'Sign out' }).click();
  await expect(dialog.getByTestId('signed-out')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
  await expect(row(page, 'Dana’s first todo')).toBeHidden();
  expect(app.problems).toEqual([]);
  await app.close();
});
