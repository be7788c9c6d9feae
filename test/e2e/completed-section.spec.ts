/**
 * The Completed section: in All, completed todos move below the active ones under a header that
 * collapses; Clear completed deletes them all at once, and Ctrl+Z brings them back.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { addTodo, row, todoRows, toggleTodo, waitForAppReady } from './support/app-page';
import { REPO_ROOT } from './support/build';
import { useAppHarness } from './support/harness';

const harness = useAppHarness();

async function stored(): Promise<string[]> {
  const page = await harness().services.handlers['todos:query']({ filter: 'all', skip: 0, take: 100 });
  return page.items.map((item) => `${item.text}${item.complete ? ' ✓' : ''}`).sort();
}

test('completed todos move to a collapsible section at the end; Clear completed is undoable', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  for (const text of [
    'Pay the electricity bill',
    'Call the plumber',
    'Book flights to Lisbon',
    'Renew passport',
  ]) {
    await addTodo(page, text);
  }
  await toggleTodo(page, 'Pay the electricity bill');
  await toggleTodo(page, 'Book flights to Lisbon');

  const header = page.getByTestId('completed-header');
  await expect(header).toContainText('Completed');
  await expect(header).toContainText('2');
  // Active first (newest first), then the completed ones under the header.
  await expect(todoRows(page)).toHaveText([
    /Renew passport/,
    /Call the plumber/,
    /Book flights to Lisbon/,
    /Pay the electricity bill/,
  ]);
  const headerBox = await header.boundingBox();
  const plumberBox = await row(page, 'Call the plumber').boundingBox();
  const flightsBox = await row(page, 'Book flights to Lisbon').boundingBox();
  expect(plumberBox && headerBox && plumberBox.y < headerBox.y).toBe(true);
  expect(flightsBox && headerBox && flightsBox.y > headerBox.y).toBe(true);

  mkdirSync(path.join(REPO_ROOT, 'test-results', 'screenshots'), { recursive: true });
  await page.getByRole('textbox', { name: 'New todo' }).blur();
  await page.screenshot({
    path: path.join(REPO_ROOT, 'test-results', 'screenshots', 'completed-section.png'),
    caret: 'hide',
    animations: 'disabled',
  });

  const toggle = header.getByRole('button', { name: /Completed/ });
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(todoRows(page)).toHaveCount(2);
  await toggle.click();
  await expect(todoRows(page)).toHaveCount(4);

  await header.getByRole('button', { name: 'Clear completed' }).click();
  await expect(page.getByTestId('toast')).toContainText('Deleted 2 completed todos');
  await expect(todoRows(page)).toHaveCount(2);
  await expect(header).toHaveCount(0);
  await expect.poll(stored).toEqual(['Call the plumber', 'Renew passport']);

  await page.getByTestId('toast').getByRole('button', { name: 'Undo' }).click();
  await expect(todoRows(page)).toHaveCount(4);
  await expect(page.getByTestId('completed-header')).toContainText('2');
  await expect
    .poll(stored)
    .toEqual([
      'Book flights to Lisbon ✓',
      'Call the plumber',
      'Pay the electricity bill ✓',
      'Renew passport',
    ]);
  expect(app.problems).toEqual([]);
  await app.close();
});

test('the Completed tab shows only completed todos, without the section header', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await page.getByRole('tab', { name: /^Completed/ }).click();
  await expect(todoRows(page)).toHaveCount(2);
  await expect(page.getByTestId('completed-header')).toHaveCount(0);
  await app.close();
});
