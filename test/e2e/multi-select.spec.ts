/**
 * Multi-select: Ctrl+click adds a todo, Shift+click and Shift+arrows select a range, Ctrl+A
 * selects every todo in view; Space and the bulk bar complete them, Delete removes them, and one
 * Ctrl+Z undoes each bulk change.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { addTodo, row, todoRows, waitForAppReady } from './support/app-page';
import { REPO_ROOT } from './support/build';
import { useAppHarness } from './support/harness';

const harness = useAppHarness();
const TEXTS = ['Buy oat milk', 'Call the plumber', 'Water the plants', 'Renew passport', 'Pay the bill'];

async function stored(): Promise<string[]> {
  const page = await harness().services.handlers['todos:query']({ filter: 'all', skip: 0, take: 100 });
  return page.items.map((item) => `${item.text}${item.complete ? ' ✓' : ''}`).sort();
}

test('Ctrl+click, Shift+click and Shift+arrows select; the bulk bar completes and Ctrl+Z undoes', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  for (const text of TEXTS) await addTodo(page, text);
  // Newest first: Pay the bill, Renew passport, Water the plants, Call the plumber, Buy oat milk.
  await row(page, 'Pay the bill').click();
  await row(page, 'Water the plants').click({ modifiers: ['Control'] });
  const bar = page.getByRole('toolbar', { name: 'Selected todos' });
  await expect(bar).toContainText('1 selected');
  await row(page, 'Pay the bill').click({ modifiers: ['Control'] });
  await expect(bar).toContainText('2 selected');
  await expect(row(page, 'Pay the bill')).toHaveAccessibleName(/^Selected\. Not done: Pay the bill/);

  // Shift+click: from the anchor (the last Ctrl+click) to the clicked row.
  await row(page, 'Call the plumber').click({ modifiers: ['Shift'] });
  await expect(bar).toContainText('4 selected');
  await expect(row(page, 'Buy oat milk')).not.toHaveClass(/is-selected/);

  mkdirSync(path.join(REPO_ROOT, 'test-results', 'screenshots'), { recursive: true });
  await page.screenshot({
    path: path.join(REPO_ROOT, 'test-results', 'screenshots', 'multi-select.png'),
    caret: 'hide',
    animations: 'disabled',
  });

  await bar.getByRole('button', { name: 'Complete' }).click();
  await expect(page.getByTestId('toast')).toContainText('Completed 4 todos');
  await expect
    .poll(stored)
    .toEqual([
      'Buy oat milk',
      'Call the plumber ✓',
      'Pay the bill ✓',
      'Renew passport ✓',
      'Water the plants ✓',
    ]);
  await page.getByRole('list', { name: 'Todos' }).focus();
  await page.keyboard.press('Control+z');
  await expect.poll(stored).toEqual(TEXTS.slice().sort());

  // Esc clears; Shift+arrows select from the focused row.
  await row(page, 'Buy oat milk').click();
  await expect(bar).toHaveCount(0);
  await page.keyboard.press('Shift+ArrowUp');
  await page.keyboard.press('Shift+ArrowUp');
  await expect(bar).toContainText('3 selected');
  await page.keyboard.press('Space');
  await expect
    .poll(stored)
    .toEqual([
      'Buy oat milk ✓',
      'Call the plumber ✓',
      'Pay the bill',
      'Renew passport',
      'Water the plants ✓',
    ]);
  await page.keyboard.press('Escape');
  await expect(bar).toHaveCount(0);
  expect(app.problems).toEqual([]);
  await app.close();
});

test('Ctrl+A selects every todo in view; Delete removes them all and Ctrl+Z brings them back', async ({
  browser,
}) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await page.getByRole('tab', { name: /^Active/ }).click();
  await expect(todoRows(page)).toHaveCount(2);
  await row(page, 'Pay the bill').click();
  await page.keyboard.press('Control+a');
  const bar = page.getByRole('toolbar', { name: 'Selected todos' });
  await expect(bar).toContainText('2 selected');
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('toast')).toContainText('Deleted 2 todos');
  await expect(todoRows(page)).toHaveCount(0);
  await expect.poll(stored).toEqual(['Buy oat milk ✓', 'Call the plumber ✓', 'Water the plants ✓']);
  await page.keyboard.press('Control+z');
  await expect(todoRows(page)).toHaveCount(2);
  await expect
    .poll(stored)
    .toEqual([
      'Buy oat milk ✓',
      'Call the plumber ✓',
      'Pay the bill',
      'Renew passport',
      'Water the plants ✓',
    ]);
  await app.close();
});
