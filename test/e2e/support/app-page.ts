/**
 * How a person uses the app, as locators by role and accessible name: if a control loses its
 * name, these stop finding it and the specs fail.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** The todos in the list: its items, less the Completed section's header row. */
export function todoRows(page: Page): Locator {
  return page.getByRole('list', { name: 'Todos' }).getByRole('listitem').and(page.locator('.todo-row'));
}

export function row(page: Page, text: string): Locator {
  return todoRows(page).filter({ has: page.getByText(text, { exact: true }) });
}

export async function waitForAppReady(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Todo Sync' })).toBeVisible();
  await expect(page.getByTestId('connectivity')).toBeVisible();
}

export async function addTodo(page: Page, text: string): Promise<void> {
  const field = page.getByRole('textbox', { name: 'New todo' });
  await field.fill(text);
  await field.press('Enter');
  await expect(row(page, text)).toHaveCount(1);
}

export async function toggleTodo(page: Page, text: string): Promise<void> {
  await row(page, text)
    .getByRole('checkbox', { name: `Done: ${text}` })
    .click();
}

export async function editTodo(page: Page, text: string, next: string): Promise<void> {
  await row(page, text).getByText(text, { exact: true }).dblclick();
  const input = page.getByRole('textbox', { name: `Edit “${text}”` });
  await input.fill(next);
  await input.press('Enter');
  await expect(row(page, next)).toHaveCount(1);
}

/** Clicks Delete; the row stays, struck out with Undo, until the undo window passes. */
export async function startDelete(page: Page, text: string): Promise<void> {
  await row(page, text).hover();
  await row(page, text)
    .getByRole('button', { name: `Delete “${text}”` })
    .click();
  await expect(page.getByTestId('toast')).toContainText(`Deleted “${text}”`);
}

/** Deletes and lets the undo window pass, so the remove really happens. */
export async function deleteTodo(page: Page, text: string): Promise<void> {
  await startDelete(page, text);
  await expect(row(page, text)).toHaveCount(0, { timeout: 15_000 });
}

export async function syncNow(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: /Sync now|Syncing/ });
  await expect(button).toBeEnabled();
  await button.click();
  await expect(page.getByTestId('toast')).toContainText(/Synced|up to date|Sync/);
  await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled();
}

export async function openSettings(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('textbox', { name: 'Server address' })).toBeVisible();
  return dialog;
}

export async function setWorkOffline(page: Page, on: boolean): Promise<void> {
  const dialog = await openSettings(page);
  await dialog.getByRole('switch', { name: 'Work offline' }).setChecked(on);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('Saved.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('connectivity')).toHaveText(on ? 'Working offline' : 'Online');
}
