/**
 * The measuring half of renderer-first-paint-10k (see ../renderer-scenario.ts, which runs this
 * through Playwright and reads the figures it writes to $BENCH_RENDERER_OUT).
 *
 * The built renderer in Chromium through the end-to-end harness (the real preload, dispatcher,
 * services and server), with the todos synced locally first. First paint: from navigation start
 * to the first animation frame showing a loaded row of the whole list. Slowest scroll frame: the
 * longest gap between animation frames while the list is scrolled from top to bottom.
 */
import { writeFileSync } from 'node:fs';
import { test, type Page } from '@playwright/test';
import { AppHarness } from '../../../test/e2e/support/harness';
import { seedServerTodos } from '../server-data';

const ITEMS = Number(process.env.BENCH_RENDERER_ITEMS ?? 10_000);
const NAVIGATIONS = 5;
const SCROLL_FRAMES = 240;

export interface RendererFigures {
  items: number;
  /** One per navigation, ms. */
  firstPaints: number[];
  slowestScrollFrameMs: number;
  scrollFrames: number;
}

/**
 * The little of the DOM the page functions below use. They run in Chromium, but this file is
 * compiled with the Node libraries only.
 */
interface PageElement {
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
}
interface PageGlobals {
  document: { querySelector(selector: string): PageElement | null };
  requestAnimationFrame(callback: (now: number) => void): number;
  MutationObserver: new (callback: () => void) => {
    observe(target: unknown, options: { childList: boolean; subtree: boolean; attributes: boolean }): void;
    disconnect(): void;
  };
  __benchFirstListPaint?: number;
}

/** Runs in the page before its own scripts, on every navigation. */
function recordFirstListPaint(itemCount: number): void {
  const page = globalThis as unknown as PageGlobals;
  const selector = `[role="listitem"][aria-setsize="${itemCount}"]:not(.is-placeholder)`;
  const observer = new page.MutationObserver(() => {
    if (!page.document.querySelector(selector)) return;
    observer.disconnect();
    // The frame that paints the row starts with this callback.
    page.requestAnimationFrame(() => {
      page.__benchFirstListPaint = performance.now();
    });
  });
  observer.observe(page.document, { childList: true, subtree: true, attributes: true });
}

async function firstListPaint(page: Page): Promise<number> {
  await page.reload();
  const handle = await page.waitForFunction(
    () => (globalThis as unknown as PageGlobals).__benchFirstListPaint,
  );
  return (await handle.jsonValue()) as number;
}

async function slowestScrollFrame(page: Page, frames: number): Promise<number> {
  return page.evaluate(async (frameCount) => {
    const window = globalThis as unknown as PageGlobals;
    const viewport = window.document.querySelector('[data-testid="todo-list"]');
    if (!viewport) throw new Error('no todo list on the page');
    const end = viewport.scrollHeight - viewport.clientHeight;
    const gaps: number[] = [];
    await new Promise<void>((resolve) => {
      let frame = 0;
      let previous = 0;
      const tick = (now: number): void => {
        if (frame > 0) gaps.push(now - previous);
        previous = now;
        if (frame === frameCount) return resolve();
        frame++;
        viewport.scrollTop = Math.round((end * frame) / frameCount);
        window.requestAnimationFrame(tick);
      };
      window.requestAnimationFrame(tick);
    });
    return Math.max(...gaps);
  }, frames);
}

test(`first paint and scrolling of ${ITEMS} todos`, async ({ browser }) => {
  const output = process.env.BENCH_RENDERER_OUT;
  if (!output) throw new Error('BENCH_RENDERER_OUT is not set: run this through npm run bench');
  const harness = await AppHarness.start();
  try {
    seedServerTodos(harness.backend.dataDir, ITEMS);
    const synced = await harness.services.syncService.syncNow();
    const local = harness.services.parts.store.tableByName('todoitem').count();
    if (!synced.ok || local !== ITEMS) {
      throw new Error(
        `the harness app holds ${local} of ${ITEMS} todos (${synced.error?.message ?? 'synced'})`,
      );
    }
    const app = await harness.openApp(browser);
    await app.context.addInitScript(recordFirstListPaint, ITEMS);
    const firstPaints: number[] = [];
    for (let index = 0; index < NAVIGATIONS; index++) firstPaints.push(await firstListPaint(app.page));
    const slowestScrollFrameMs = await slowestScrollFrame(app.page, SCROLL_FRAMES);
    if (app.problems.length > 0) throw new Error(`the page reported problems: ${app.problems.join('; ')}`);
    const figures: RendererFigures = {
      items: ITEMS,
      firstPaints,
      slowestScrollFrameMs,
      scrollFrames: SCROLL_FRAMES,
    };
    writeFileSync(output, JSON.stringify(figures));
  } finally {
    await harness.close();
  }
});
