/**
 * Due dates and quick capture through the harness with the real server: a date typed in plain
 * words becomes a removable chip and is saved as the due date (and a reminder for a time), the
 * Today / Upcoming / Overdue views filter by it, it syncs; a paste of several lines offers one
 * todo per line. Screenshots: due-dates.png, quick-add.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { localDay } from '../../common/due-dates';
import { row, syncNow, todoRows, waitForAppReady } from './support/app-page';
import { REPO_ROOT } from './support/build';
import { useAppHarness } from './support/harness';

const harness = useAppHarness();
const SHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');

async function stored(text: string) {
  const page = await harness().services.handlers['todos:query']({
    filter: 'all',
    search: text,
    skip: 0,
    take: 10,
  });
  return page.items.find((item) => item.text === text);
}

function daysFromNow(days: number): string {
  const now = new Date();
  return localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() + days));
}

async function paste(page: Page, text: string): Promise<void> {
  // Runs in the page: the DOM types are not in this (Node) project's lib, hence the casts.
  await page.getByRole('textbox', { name: 'New todo' }).evaluate((input, pasted) => {
    const dom = globalThis as unknown as {
      DataTransfer: new () => { setData(type: string, value: string): void };
      ClipboardEvent: new (type: string, init: object) => Event;
    };
    const data = new dom.DataTransfer();
    data.setData('text/plain', pasted);
    input.dispatchEvent(
      new dom.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, text);
}

test('a date in the add field is a removable chip, saved, shown, filtered into views and synced', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  const field = page.getByRole('textbox', { name: 'New todo' });

  await field.fill('Call Sam tomorrow 9am');
  const chip = page.getByTestId('due-chip');
  await expect(chip).toContainText('Tomorrow');
  await expect(chip).toContainText('reminder');
  await field.press('Enter');
  await expect(row(page, 'Call Sam')).toHaveCount(1);
  await expect(row(page, 'Call Sam').getByTestId('due-badge')).toContainText('Tomorrow');
  const called = await stored('Call Sam');
  expect(called?.dueDate).toBe(`${daysFromNow(1)}T09:00`);
  expect(called?.reminderAt ? new Date(called.reminderAt).getHours() : null).toBe(9);

  // Removing the chip keeps the words as text, with no date.
  await field.fill('Read the chapter on Friday tomorrow');
  await expect(chip).toBeVisible();
  await page.getByRole('button', { name: 'Remove the date' }).click();
  await expect(chip).toHaveCount(0);
  await field.press('Enter');
  await expect(row(page, 'Read the chapter on Friday tomorrow')).toHaveCount(1);
  expect((await stored('Read the chapter on Friday tomorrow'))?.dueDate).toBeNull();

  await field.fill('Water the plants today');
  await field.press('Enter');
  await expect(row(page, 'Water the plants')).toHaveCount(1);
  // Due last week, added elsewhere in the app: late.
  await harness().services.handlers['todos:add']({
    text: 'Pay the electricity bill',
    dueDate: daysFromNow(-7),
  });
  await expect(row(page, 'Pay the electricity bill').getByTestId('due-badge')).toHaveClass(/is-overdue/);

  await page.getByRole('tab', { name: /Today/ }).click();
  await expect(todoRows(page)).toHaveText([/Water the plants/]);
  await page.getByRole('tab', { name: /Upcoming/ }).click();
  await expect(todoRows(page)).toHaveText([/Call Sam/]);
  await page.getByRole('tab', { name: /Overdue/ }).click();
  await expect(todoRows(page)).toHaveText([/Pay the electricity bill/]);
  await page.getByRole('tab', { name: /All/ }).click();

  // It syncs: the real server stores the due date and the reminder.
  await syncNow(page);
  await expect
    .poll(
      async () =>
        ((await harness().server.find(called?.id ?? '')) as { dueDate?: unknown } | undefined)?.dueDate,
    )
    .toBe(`${daysFromNow(1)}T09:00`);

  // A dated todo deleted for good and brought back with Ctrl+Z keeps its date and reminder.
  await row(page, 'Call Sam').click();
  await page.keyboard.press('Delete');
  await expect(row(page, 'Call Sam')).toHaveCount(0, { timeout: 20_000 });
  await page.keyboard.press('Control+z');
  await expect(row(page, 'Call Sam').getByTestId('due-badge')).toContainText('Tomorrow');
  const restored = await stored('Call Sam');
  expect(restored?.dueDate).toBe(`${daysFromNow(1)}T09:00`);
  expect(restored?.reminderAt ? new Date(restored.reminderAt).getHours() : null).toBe(9);

  await field.fill('Book flights next friday');
  await expect(chip).toBeVisible();
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'due-dates.png'), caret: 'hide', animations: 'disabled' });
  await field.fill('');
});

test('pasting several lines offers one todo per line; keeping them as one is a choice', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  const field = page.getByRole('textbox', { name: 'New todo' });
  await field.focus();

  await paste(page, '- Buy milk tomorrow\n- Return the library books\n\n- Renew the passport\n');
  const offer = page.getByTestId('paste-offer');
  await expect(offer).toContainText('Add 3 todos, one per line?');
  await expect(offer.getByRole('listitem')).toHaveText([
    'Buy milk tomorrow',
    'Return the library books',
    'Renew the passport',
  ]);
  await expect(field).toHaveValue('');
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'quick-add.png'), caret: 'hide', animations: 'disabled' });

  await offer.getByRole('button', { name: 'Add 3 todos' }).click();
  await expect(offer).toHaveCount(0);
  for (const text of ['Buy milk', 'Return the library books', 'Renew the passport']) {
    await expect(row(page, text)).toHaveCount(1);
  }
  expect((await stored('Buy milk'))?.dueDate).toBe(daysFromNow(1));

  await paste(page, 'first line\nsecond line');
  await offer.getByRole('button', { name: 'Keep as one todo' }).click();
  await expect(field).toHaveValue('first line second line');

  // One line is an ordinary paste.
  await field.fill('');
  await paste(page, 'just one line');
  await expect(offer).toHaveCount(0);
});
