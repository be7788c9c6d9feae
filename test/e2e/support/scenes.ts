/**
 * A lived-in app for the accessibility scan and the screenshots: synced todos (some done), one
 * change not synced yet, one conflict waiting for the person, one change the server refused.
 * Needs a harness with conflictPolicy 'ask' and rejectText REFUSED_WORD.
 */
import { expect, type Page } from '@playwright/test';
import { addTodo, editTodo, syncNow, toggleTodo } from './app-page';
import type { AppHarness } from './harness';

/** The server of these scenes refuses any todo whose text contains this word. */
export const REFUSED_WORD = 'password';

const SYNCED: { id: string; text: string; complete?: boolean; notes?: string }[] = [
  { id: 'offsite', text: 'Plan the team offsite', notes: 'Ask Priya about the venue budget' },
  { id: 'bill', text: 'Pay the electricity bill', complete: true },
  { id: 'present', text: 'Buy a birthday present for Leo' },
  { id: 'report', text: 'Send the quarterly report to Mia', complete: true },
  { id: 'plumber', text: 'Call the plumber' },
  { id: 'plants', text: 'Water the plants' },
  {
    id: 'flights',
    text: 'Book flights to Lisbon',
    complete: true,
    notes: 'Window seat, leaving before 10 am',
  },
  { id: 'passport', text: 'Renew passport' },
];

export const CONFLICT_MINE = 'Call the plumber about the kitchen tap';
export const CONFLICT_THEIRS = 'Call the plumber before Friday';
export const REFUSED_TEXT = `Email the wifi ${REFUSED_WORD} to Sam`;
export const PENDING_TEXT = 'Pick up the dry cleaning';

/** Leaves the main view with both banners up and no dialog open. */
export async function buildLivedInApp(page: Page, harness: AppHarness): Promise<void> {
  for (const item of SYNCED) await harness.server.insert(item);
  await syncNow(page);

  await editTodo(page, 'Call the plumber', CONFLICT_MINE);
  await harness.server.update('plumber', {
    text: CONFLICT_THEIRS,
    notes: 'Landlord said any day but Monday',
  });
  await addTodo(page, REFUSED_TEXT);
  await page.getByRole('button', { name: 'Sync now' }).click();

  // The conflict waits behind its banner; no dialog opens by itself.
  await expect(page.getByTestId('conflict-banner')).toBeVisible();
  await expect(page.getByTestId('rejected-banner')).toBeVisible();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await addTodo(page, PENDING_TEXT);
  await toggleTodo(page, 'Water the plants');
  // Let the toast from the sync fade so the view is at rest.
  await expect(page.getByTestId('toast')).toHaveCount(0, { timeout: 10_000 });
}
