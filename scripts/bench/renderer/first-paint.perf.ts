/**
 * The measuring half of renderer-first-paint-10k (../renderer-scenario.ts runs it through
 * Playwright and reads the figures it writes to $BENCH_RENDERER_OUT).
 *
 * The built renderer in Chromium through the end-to-end harness (the real preload, dispatcher,
 * services and server) with 10,000 todos in the local store, measured the way
 * test/e2e/large-list.spec.ts does: first paint is from navigation start to the animation frame
 * that paints the first real rows; scroll frames are frame-to-frame intervals while the list is
 * scrolled one step per frame like a fast trackpad fling, beside the same number of idle frames
 * (what the machine gives an animation when the app does nothing). Only measurement here: the
 * end-to-end suite owns the assertions.
 */
import { writeFileSync } from 'node:fs';
import { test, type Page } from '@playwright/test';
import { AppHarness } from '../../../test/e2e/support/harness';
import { seedLocalStore } from '../../../test/e2e/support/seed';

const ITEMS = Number(process.env.BENCH_RENDERER_ITEMS ?? 10_000);
const NAVIGATIONS = 3;
const FRAMES = 240;
const FLING_STEP_PX = 520;

export interface FrameFigures {
  frames: number;
  p95Ms: number;
  slowestMs: number;
}

export interface RendererFigures {
  items: number;
  /** One per navigation, ms from navigation start. */
  firstRowsPaintedMs: number[];
  idle: FrameFigures;
  scroll: FrameFigures;
}

/** The page-side globals used below; this file is compiled without DOM types. */
interface PageGlobals {
  document: { querySelector(selector: string): PageElement | null };
  requestAnimationFrame(callback: (now: number) => void): number;
  MutationObserver: new (callback: () => void) => {
    observe(target: unknown, options: { childList: boolean; subtree: boolean }): void;
    disconnect(): void;
  };
  __benchFirstRowsPainted?: number;
}
interface PageElement {
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
}

/** Runs in the page before its own scripts, on every navigation. */
function recordFirstRowsPainted(): void {
  const page = globalThis as unknown as PageGlobals;
  const observer = new page.MutationObserver(() => {
    if (!page.document.querySelector('.todo-row:not(.is-placeholder)')) return;
    observer.disconnect();
    // The frame that paints the rows starts with this callback.
    page.requestAnimationFrame(() => {
      page.__benchFirstRowsPainted = performance.now();
    });
  });
  observer.observe(page.document, { childList: true, subtree: true });
}

async function firstRowsPainted(page: Page): Promise<number> {
  await page.reload();
  const handle = await page.waitForFunction(
    () => (globalThis as unknown as PageGlobals).__benchFirstRowsPainted,
  );
  return (await handle.jsonValue()) as number;
}

async function frames(page: Page, scrollStepPx: number, count: number): Promise<FrameFigures> {
  return page.evaluate(
    async ({ step, count }): Promise<FrameFigures> => {
      const window = globalThis as unknown as PageGlobals;
      const viewport = window.document.querySelector('[data-testid="todo-list"]');
      if (!viewport) throw new Error('no todo list on the page');
      const intervals: number[] = [];
      await new Promise<void>((resolve) => {
        let previous: number | undefined;
        const tick = (now: number): void => {
          if (previous !== undefined) intervals.push(now - previous);
          previous = now;
          if (intervals.length === count) return resolve();
          viewport.scrollTop += step;
          window.requestAnimationFrame(tick);
        };
        window.requestAnimationFrame(tick);
      });
      const sorted = [...intervals].sort((a, b) => a - b);
      return {
        frames: sorted.length,
        p95Ms: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
        slowestMs: sorted.at(-1) ?? 0,
      };
    },
    { step: scrollStepPx, count },
  );
}

test(`first paint and scrolling of ${ITEMS} todos`, async ({ browser }) => {
  const output = process.env.BENCH_RENDERER_OUT;
  if (!output) throw new Error('BENCH_RENDERER_OUT is not set: run this through npm run bench');
  const harness = await AppHarness.start();
  try {
    seedLocalStore(harness.services, ITEMS);
    const app = await harness.openApp(browser, { viewport: { width: 1000, height: 800 } });
    await app.context.addInitScript(recordFirstRowsPainted);
    const painted: number[] = [];
    for (let index = 0; index < NAVIGATIONS; index++) painted.push(await firstRowsPainted(app.page));
    const total = await app.page
      .getByRole('list', { name: 'Todos' })
      .getByRole('listitem')
      .first()
      .getAttribute('aria-setsize');
    if (total !== String(ITEMS)) throw new Error(`the list shows ${total} todos, not ${ITEMS}`);
    const idle = await frames(app.page, 0, FRAMES);
    const scroll = await frames(app.page, FLING_STEP_PX, FRAMES);
    if (app.problems.length > 0) throw new Error(`the page reported problems: ${app.problems.join('; ')}`);
    const figures: RendererFigures = { items: ITEMS, firstRowsPaintedMs: painted, idle, scroll };
    writeFileSync(output, JSON.stringify(figures));
  } finally {
    await harness.close();
  }
});
