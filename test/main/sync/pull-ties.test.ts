/**
 * Timestamp ties against the real server: many rows share one updatedAt (one UPDATE statement
 * stamps every row it touches alike). No row may be missed while a tie is paged through and one
 * of its rows changes, none written later in the watermark's millisecond, and a settled tie is
 * not downloaded again by every later pull.
 */
import { describe, expect, it } from 'vitest';
import {
  createClient,
  prefixes,
  seedServerDirect,
  serverRows,
  serverUpdate,
  slice,
  type TestClient,
  useTestBackend,
} from './helpers';

const backend = useTestBackend();

const newPrefix = prefixes('t');

function tiedIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(5, '0')}`);
}

/** id → version of the slice's rows, locally and on the server. */
async function versions(client: TestClient, prefix: string): Promise<{ local: object; server: object }> {
  const local = Object.fromEntries(
    (await client.todos.read())
      .filter((row) => row.id.startsWith(`${prefix}-`))
      .map((row) => [row.id, row.version]),
  );
  const server = Object.fromEntries(
    (await serverRows(backend.url))
      .filter((row) => row.id.startsWith(`${prefix}-`) && !row.deleted)
      .map((row) => [row.id, row.version]),
  );
  return { local, server };
}

function pageFilters(client: TestClient): string[] {
  return client.requests
    .filter((request) => request.method === 'GET' && request.path.startsWith('/tables/todoitem?'))
    .map((request) => new URLSearchParams(request.path.split('?')[1]).get('$filter') ?? '');
}

describe.each([
  { mode: 'page by page', pagesInFlight: 1 },
  { mode: 'several pages in flight', pagesInFlight: 4 },
])('a tie changing while the pull pages through it ($mode)', ({ pagesInFlight }) => {
  it('misses no row, and the changed row arrives with its new version', async () => {
    const prefix = newPrefix();
    const ids = tiedIds(prefix, 300);
    seedServerDirect(backend.dataDir, ids, '2021-03-04T05:06:07.008Z');
    let pageRequests = 0;
    const client = await createClient(backend.url, {
      onRequest: async (request) => {
        if (request.method !== 'GET' || !request.path.startsWith('/tables/todoitem?')) return;
        pageRequests++;
        // While the third page is asked, a row of the first page changes on the server: it
        // leaves its place in the tie, and paging with $skip (as this engine once did) then
        // skips the row that shifted into the offset already read.
        if (pageRequests === 3) await serverUpdate(backend.url, ids[10]!, { text: 'changed mid-pull' });
      },
    });
    await client.context.pull(slice(prefix), 'ties', { pageSize: 50, pagesInFlight });
    // The changed row may come in this pull (it moved to the end) or the next; nothing else waits.
    await client.context.pull(slice(prefix), 'ties', { pageSize: 50, pagesInFlight });
    const { local, server } = await versions(client, prefix);
    expect(Object.keys(local)).toHaveLength(300);
    expect(local).toEqual(server);
    expect((await client.todos.lookup(ids[10]!))?.text).toBe('changed mid-pull');
  });
});

describe('rows written in the watermark’s millisecond', () => {
  it('are fetched by the next pull while the server may still write that millisecond', async () => {
    const prefix = newPrefix();
    const now = new Date().toISOString();
    seedServerDirect(backend.dataDir, [`${prefix}-b`, `${prefix}-c`], now);
    // A settle time no test run can outlast: the server's clock is never past the tie here.
    const client = await createClient(backend.url, { pullSettleMs: 3_600_000 });
    await client.context.pull(slice(prefix), 'ms');
    expect(client.store.watermarks.get('todoitem', 'ms')).toMatchObject({
      lastId: `${prefix}-c`,
      seenAtWatermark: { [`${prefix}-b`]: expect.any(String), [`${prefix}-c`]: expect.any(String) },
    });

    // Written later with the same updatedAt and an id that sorts before the last one applied:
    // paging by key alone would never see it.
    seedServerDirect(backend.dataDir, [`${prefix}-a`], now);
    const next = await client.context.pull(slice(prefix), 'ms');
    expect(next.upserted).toBe(1);
    expect((await client.todos.lookup(`${prefix}-a`))?.text).toBe(`text of ${prefix}-a`);
    expect(pageFilters(client).at(-1)).toContain(`updatedAt ge datetimeoffset'${now}'`);
  });
});

describe('a settled tie', () => {
  it('is downloaded once: later pulls ask after its last row and receive only new changes', async () => {
    const prefix = newPrefix();
    const ids = tiedIds(prefix, 2500);
    const tiedAt = '2021-06-07T08:09:10.011Z';
    seedServerDirect(backend.dataDir, ids, tiedAt);
    const client = await createClient(backend.url);
    const first = await client.context.pull(slice(prefix), 'bulk');
    expect(first.upserted).toBe(2500);
    // The server's clock is years past the tie: nothing can still be written at that time.
    expect(client.store.watermarks.get('todoitem', 'bulk')).toMatchObject({
      updatedAt: new Date(tiedAt),
      lastId: ids.at(-1),
      seenAtWatermark: {},
    });

    client.requests.length = 0;
    const again = await client.context.pull(slice(prefix), 'bulk');
    expect(again).toMatchObject({ received: 0, upserted: 0 });
    expect(pageFilters(client)[0]).toContain(`id gt '${ids.at(-1)}'`);

    await serverUpdate(backend.url, ids[1234]!, { text: 'one change after the bulk update' });
    const third = await client.context.pull(slice(prefix), 'bulk');
    expect(third).toMatchObject({ received: 1, upserted: 1 });
    const { local, server } = await versions(client, prefix);
    expect(local).toEqual(server);
  });
});
