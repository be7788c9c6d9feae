/**
 * 10,000 todos: how long until the first rows are on screen, and how smooth scrolling is.
 * Figures are printed and written to test-results/renderer-perf.json for the benchmark notes;
 * the only assertions are sanity (it rendered, and only the rows in view are in the DOM), since
 * timings on a shared machine are not a pass/fail signal.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { REPO_ROOT } from './support/build';
import { useAppHarness } from './support/harness';
import { sampleText, seedLocalStore } from './support/seed';

const ITEMS = 10_000;
// A trace records a screencast of every frame, which would double the frame times measured here.
test.use({ trace: 'off' });
const harness = useAppHarness();

interface FrameStats {
  frames: number;
  meanMs: number;
  p95Ms: number;
  slowestMs: number;
}

/** The page-side globals the measurements use; tsconfig.node has no DOM types. */
interface PerfPage {
  performance: { now(): number; getEntriesByName(name: string): { startTime: number }[] };
  requestAnimationFrame(callback: (now: number) => void): number;
  document: {
    querySelector(selector: string): PerfElement | null;
    querySelectorAll(selector: string): { length: number };
  };
  MutationObserver: new (callback: () => void) => {
    observe(target: unknown, options: unknown): void;
    disconnect(): void;
  };
  __perf?: { firstRowsAt?: number; firstRowsPaintedAt?: number };
}
interface PerfElement {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

/**
 * Runs `frames` animation frames in the page, doing one scroll step per frame, and returns the
 * frame-to-frame intervals. The rendering the step causes lands in the next interval.
 */
async function measureFrames(
  page: Page,
  mode: 'idle' | 'steady' | 'jump',
  frames: number,
): Promise<FrameStats> {
  return page.evaluate(
    async ({ mode, frames }): Promise<FrameStats> => {
      const scope = globalThis as unknown as PerfPage;
      const viewport = scope.document.querySelector('[data-testid="todo-list"]');
      if (!viewport) throw new Error('The list is not on the page');
      const deltas: number[] = [];
      let seed = 7;
      const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
      await new Promise<void>((resolve) => {
        let last = scope.performance.now();
        let count = 0;
        const step = (now: number) => {
          deltas.push(now - last);
          last = now;
          if (mode === 'steady') viewport.scrollTop += 520;
          if (mode === 'jump')
            viewport.scrollTop = random() * (viewport.scrollHeight - viewport.clientHeight);
          const atEnd =
            mode === 'steady' && viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight;
          if (++count < frames && !atEnd) scope.requestAnimationFrame(step);
          else resolve();
        };
        scope.requestAnimationFrame(step);
      });
      const sorted = deltas.slice(1).sort((a, b) => a - b);
      return {
        frames: sorted.length,
        meanMs: sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length),
        p95Ms: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
        slowestMs: sorted[sorted.length - 1] ?? 0,
      };
    },
    { mode, frames },
  );
}

test('10,000 todos: first rows painted and scroll frames measured; only visible rows in the DOM', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  seedLocalStore(harness().services, ITEMS);

  const app = await harness().openApp(browser, { viewport: { width: 1000, height: 800 } });
  const { page } = app;
  // Installed before the app's scripts: notes when the first real row appears, and its paint.
  await page.addInitScript(() => {
    const scope = globalThis as unknown as PerfPage;
    scope.__perf = {};
    const observer = new scope.MutationObserver(() => {
      if (scope.__perf?.firstRowsAt !== undefined) return;
      if (!scope.document.querySelector('.todo-row:not(.is-placeholder)')) return;
      scope.__perf = { firstRowsAt: scope.performance.now() };
      observer.disconnect();
      scope.requestAnimationFrame(() => {
        if (scope.__perf) scope.__perf.firstRowsPaintedAt = scope.performance.now();
      });
    });
    observer.observe(scope.document, { childList: true, subtree: true });
  });
  await page.reload();
  await expect(page.getByRole('tab', { name: /^All/ })).toContainText('10,000');
  await expect
    .poll(() => page.evaluate(() => (globalThis as unknown as PerfPage).__perf?.firstRowsPaintedAt))
    .toBeTruthy();

  const firstPaint = await page.evaluate(() => {
    const scope = globalThis as unknown as PerfPage;
    return {
      firstContentfulPaintMs:
        scope.performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      firstRowsMs: scope.__perf?.firstRowsAt ?? null,
      firstRowsPaintedMs: scope.__perf?.firstRowsPaintedAt ?? null,
    };
  });

  const list = page.getByRole('list', { name: 'Todos' });
  const rowsInDom = () => page.locator('.todo-row').count();
  const visibleRowCapacity = Math.ceil(800 / 52);
  expect(await rowsInDom()).toBeLessThanOrEqual(visibleRowCapacity + 2 * 6 + 2);
  await expect(list.getByRole('listitem').first()).toHaveAttribute('aria-setsize', String(ITEMS));

  // Idle frames first: what this machine gives an animation when the app does nothing.
  const idle = await measureFrames(page, 'idle', 90);
  // Steady scrolling: one step per animation frame, like a fast trackpad fling.
  const scroll = await measureFrames(page, 'steady', 600);
  // Jumps: scrollbar drags to far-apart places, each needing a page the list has not fetched.
  const jumps = await measureFrames(page, 'jump', 120);

  // After the jumps settle: still only a window of rows, and real ones (pages were fetched).
  await expect(page.locator('.todo-row.is-placeholder')).toHaveCount(0);
  expect(await rowsInDom()).toBeLessThanOrEqual(visibleRowCapacity + 2 * 6 + 2);

  // The very end is reachable and holds the oldest todo (newest first).
  await page.evaluate(() => {
    const viewport = (globalThis as unknown as PerfPage).document.querySelector('[data-testid="todo-list"]');
    if (viewport) viewport.scrollTop = viewport.scrollHeight;
  });
  await expect(
    list.getByRole('listitem').filter({ has: page.getByText(sampleText(0), { exact: true }) }),
  ).toHaveCount(1);
  await expect(list.locator(`[aria-posinset="${ITEMS}"]`)).toHaveCount(1);

  const figures = {
    items: ITEMS,
    viewport: { width: 1000, height: 800 },
    ...firstPaint,
    domRowsInView: await rowsInDom(),
    idleFrames: idle,
    steadyScroll: scroll,
    jumpScroll: jumps,
    chromium: browser.version(),
    measuredAt: new Date().toISOString(),
  };
  const round = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(1)} ms`);
  console.log(
    [
      `Renderer with ${ITEMS.toLocaleString('en')} todos (Chromium ${browser.version()}):`,
      `  first contentful paint ${round(figures.firstContentfulPaintMs)}, first rows painted ${round(figures.firstRowsPaintedMs)}`,
      `  idle frames:   ${idle.frames} frames, mean ${round(idle.meanMs)}, p95 ${round(idle.p95Ms)}, slowest ${round(idle.slowestMs)} (machine baseline)`,
      `  steady scroll: ${scroll.frames} frames, mean ${round(scroll.meanMs)}, p95 ${round(scroll.p95Ms)}, slowest ${round(scroll.slowestMs)}`,
      `  jump scroll:   ${jumps.frames} frames, mean ${round(jumps.meanMs)}, p95 ${round(jumps.p95Ms)}, slowest ${round(jumps.slowestMs)}`,
      `  rows in the DOM: ${figures.domRowsInView}`,
    ].join('\n'),
  );
  const out = path.join(REPO_ROOT, 'test-results', 'renderer-perf.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
  expect(app.problems).toEqual([]);
  await app.close();
});
