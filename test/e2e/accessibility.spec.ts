/**
 * axe-core over the main view (light, dark, narrow), the conflict dialog, the refused-changes
 * panel and settings: no serious or critical violations. Everything found is printed, so
 * minor findings are visible too.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { openSettings, waitForAppReady } from './support/app-page';
import { useAppHarness } from './support/harness';
import { buildLivedInApp, REFUSED_WORD } from './support/scenes';

const harness = useAppHarness({ rejectText: REFUSED_WORD, settings: { conflictPolicy: 'ask' } });

async function scan(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  for (const violation of results.violations) {
    console.log(
      `[axe ${name}] ${violation.impact ?? 'unknown'} ${violation.id}: ${violation.help} (${violation.nodes.length}×) ` +
        violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join(' | '),
    );
  }
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    blocking.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `${name}: serious or critical accessibility violations`,
  ).toEqual([]);
}

test('main view, dialogs and settings have no serious or critical axe violations', async ({ browser }) => {
  // Building the lived-in list syncs several times and each scan walks the whole page.
  test.setTimeout(120_000);
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  await buildLivedInApp(page, harness());
  await scan(page, 'main view');

  await page.getByTestId('conflict-banner').getByRole('button', { name: 'Review' }).click();
  await expect(page.getByRole('dialog', { name: /conflict/i })).toBeVisible();
  await scan(page, 'conflict dialog');
  await page.keyboard.press('Escape');

  await page.getByTestId('rejected-banner').getByRole('button', { name: 'Review' }).click();
  const panel = page.getByRole('dialog', { name: 'Changes the server refused' });
  await expect(panel).toBeVisible();
  await panel.getByRole('button', { name: 'Edit' }).click();
  await scan(page, 'refused changes (editing)');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();

  const settings = await openSettings(page);
  await scan(page, 'settings');
  await settings.getByRole('button', { name: 'Reset local data…' }).click();
  await expect(settings.getByRole('group', { name: 'Confirm reset' })).toBeVisible();
  await scan(page, 'settings (reset confirmation)');
  await page.keyboard.press('Escape');
  await app.close();
});

test('dark theme and a narrow window have no serious or critical axe violations', async ({ browser }) => {
  const app = await harness().openApp(browser, {
    colorScheme: 'dark',
    viewport: { width: 400, height: 760 },
  });
  const { page } = app;
  await waitForAppReady(page);
  await expect(page.getByTestId('conflict-banner')).toBeVisible();
  // The conflict from the first test is still waiting behind its banner.
  await page.getByTestId('conflict-banner').getByRole('button', { name: 'Review' }).click();
  const conflict = page.getByRole('dialog', { name: /conflict/i });
  await expect(conflict).toBeVisible();
  await scan(page, 'dark narrow conflict dialog');
  await page.keyboard.press('Escape');
  await scan(page, 'dark narrow main view');
  await openSettings(page);
  await scan(page, 'dark narrow settings');
  expect(app.problems).toEqual([]);
  await app.close();
});
