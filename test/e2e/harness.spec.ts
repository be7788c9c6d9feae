/**
 * The harness itself: window.todoSync is the real preload's API, every call reaches main's
 * dispatcher with the calling frame as sender, Dates survive the boundary like Electron's
 * structured clone, and the page runs under its CSP without violations.
 */
import { expect, test, type ElementHandle } from '@playwright/test';
import { apiEvents, apiMethods } from '../../common/ipc-contract';
import { addTodo, waitForAppReady } from './support/app-page';
import { useAppHarness } from './support/harness';

const harness = useAppHarness();

test('window.todoSync has exactly the contract methods, and Dates cross intact', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);

  const names = await page.evaluate(() =>
    Object.keys((globalThis as unknown as { todoSync: Record<string, unknown> }).todoSync).sort(),
  );
  expect(names).toEqual([...Object.keys(apiMethods), ...Object.keys(apiEvents)].sort());

  await addTodo(page, 'Check the harness');
  const crossed = await page.evaluate(async () => {
    const api = (globalThis as unknown as { todoSync: { queryTodos(q: unknown): Promise<unknown> } })
      .todoSync;
    const result = (await api.queryTodos({ filter: 'all', skip: 0, take: 10 })) as {
      ok: boolean;
      value: { items: { text: string; createdAt: unknown }[] };
    };
    const item = result.value.items[0];
    return { ok: result.ok, text: item?.text, isDate: item?.createdAt instanceof Date };
  });
  expect(crossed).toEqual({ ok: true, text: 'Check the harness', isDate: true });

  // A bad payload is answered by the dispatcher's schema check, not by a handler.
  const refused = await page.evaluate(async () => {
    const api = (globalThis as unknown as { todoSync: { addTodo(q: unknown): Promise<unknown> } }).todoSync;
    return api.addTodo({ text: '   ' });
  });
  expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-request' } });

  expect(app.problems).toEqual([]);
  await app.close();
});

test('a call from a frame that is not the app window is refused as a foreign sender', async ({ browser }) => {
  const app = await harness().openApp(browser);
  const { page } = app;
  await waitForAppReady(page);
  // An iframe of the same origin: same binding, but not the main frame.
  const frameElement = await page.evaluateHandle(() => {
    const doc = (
      globalThis as unknown as {
        document: { createElement(t: string): unknown; body: { append(e: unknown): void } };
      }
    ).document;
    const frame = doc.createElement('iframe') as { src: string };
    frame.src = '/index.html?frame';
    doc.body.append(frame);
    return frame;
  });
  // The handle's type is a plain object (no DOM types here), which asElement() types as never.
  const frame = await (frameElement.asElement() as ElementHandle | null)?.contentFrame();
  if (!frame) throw new Error('The iframe did not load');
  await frame.waitForLoadState();
  const { hasApi, reply } = await frame.evaluate(async () => {
    const scope = globalThis as unknown as {
      todoSync?: unknown;
      __todoSyncInvoke(channel: string, payload: unknown): Promise<unknown>;
    };
    return {
      hasApi: scope.todoSync !== undefined,
      reply: await scope.__todoSyncInvoke('todos:add', { text: 'smuggled' }),
    };
  });
  expect(hasApi).toBe(false);
  expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  const stored = await harness().services.handlers['todos:query']({
    filter: 'all',
    search: 'smuggled',
    skip: 0,
    take: 5,
  });
  expect(stored.total).toBe(0);
  await app.close();
});
