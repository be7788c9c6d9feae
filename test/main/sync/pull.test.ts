/**
 * Pull against the real server: full and incremental, with zero rows, one page, exactly one
 * page, many pages and a tiny page size; hundreds of rows sharing one updatedAt across page
 * boundaries; deletions; pending local changes; the where → $filter translation; purge.
 *
 * Tests share one server, so each works on its own id prefix and pulls only that slice.
 */
import { describe, expect, it } from 'vitest';
import { PurgeRefusedError, Query, SyncUsageError } from '../../../main/sync';
import {
  createClient,
  prefixes,
  seedServer,
  serverDelete,
  serverGet,
  serverInsert,
  serverUpdate,
  slice,
  seedServerDirect,
  shareOneUpdatedAt,
  type TestClient,
  useTestBackend,
} from './helpers';

const backend = useTestBackend();

const newPrefix = prefixes('p');

function pageRequests(client: TestClient): URLSearchParams[] {
  return client.requests
    .filter((request) => request.method === 'GET' && request.path.startsWith('/tables/todoitem?'))
    .map((request) => new URLSearchParams(request.path.split('?')[1]));
}

async function localIds(client: TestClient): Promise<string[]> {
  return (await client.todos.orderBy('id').read()).map((todo) => todo.id);
}

describe.each([
  { mode: 'full', queryId: undefined },
  { mode: 'incremental', queryId: 'slice' },
])('$mode pull', ({ queryId }) => {
  // A page that ends inside a run of equal timestamps is followed by a request from that
  // timestamp (`ge`), which repeats the run's rows: requests vary a little with how many
  // seeded rows happened to share a millisecond.
  it.each([
    { rows: 0, pageSize: 10, minRequests: 1, maxRequests: 1 },
    { rows: 7, pageSize: 10, minRequests: 1, maxRequests: 1 },
    // The first page's count says when to stop: no empty request after a full last page.
    { rows: 10, pageSize: 10, minRequests: 1, maxRequests: 1 },
    { rows: 45, pageSize: 10, minRequests: 5, maxRequests: 7 },
    { rows: 9, pageSize: 2, minRequests: 5, maxRequests: 18 },
    { rows: 5, pageSize: 1, minRequests: 6, maxRequests: 11 },
  ])('$rows rows with pages of $pageSize', async ({ rows, pageSize, minRequests, maxRequests }) => {
    const prefix = newPrefix();
    const ids = await seedServer(backend.url, rows, prefix);
    const client = await createClient(backend.url);
    const result = await client.context.pull(slice(prefix), queryId, { pageSize });
    expect(await localIds(client)).toEqual([...ids].sort());
    expect(result).toMatchObject({ upserted: rows, deleted: 0, total: rows });
    const pages = pageRequests(client);
    expect(pages.length).toBeGreaterThanOrEqual(minRequests);
    expect(pages.length).toBeLessThanOrEqual(maxRequests);
    for (const page of pages) {
      expect(page.get('$orderby')).toBe('updatedAt,id');
      expect(page.get('$top')).toBe(String(pageSize));
      expect(page.get('__includeDeleted')).toBe('true');
    }
    const local = await client.todos.lookup(ids[0] ?? 'none');
    if (ids[0]) {
      expect(local?.updatedAt).toBeInstanceOf(Date);
      expect(local?.version).toBe((await serverGet(backend.url, ids[0]))?.version);
    }
  });
});

describe('incremental pull', () => {
  it('asks only for what changed since the watermark, and applies changes and deletions', async () => {
    const prefix = newPrefix();
    const ids = await seedServer(backend.url, 30, prefix);
    const client = await createClient(backend.url);
    await client.context.pull(slice(prefix), 'slice', { pageSize: 10 });
    const watermark = client.store.watermarks.get('todoitem', 'slice');
    expect(watermark?.updatedAt).toBeInstanceOf(Date);

    await serverUpdate(backend.url, ids[3]!, { text: 'changed on the server' });
    await serverDelete(backend.url, ids[4]!);
    await serverInsert(backend.url, { id: `${prefix}-new`, text: 'new on the server' });
    client.requests.length = 0;
    const second = await client.context.pull(slice(prefix), 'slice', { pageSize: 10 });

    const [request] = pageRequests(client);
    expect(request?.get('$filter')).toContain(
      `(updatedAt ge datetimeoffset'${watermark?.updatedAt.toISOString()}')`,
    );
    expect(second.received).toBeLessThanOrEqual(4);
    expect(second).toMatchObject({ upserted: 2, deleted: 1 });
    expect((await client.todos.lookup(ids[3]!))?.text).toBe('changed on the server');
    expect(await client.todos.lookup(ids[4]!)).toBeNull();
    expect((await client.todos.lookup(`${prefix}-new`))?.text).toBe('new on the server');

    client.requests.length = 0;
    const third = await client.context.pull(slice(prefix), 'slice', { pageSize: 10 });
    expect(third).toMatchObject({ upserted: 0, deleted: 0 });
  });

  it('a little over one page: the rest is asked by key while the first page is still being written', async () => {
    const prefix = newPrefix();
    const ids = await seedServer(backend.url, 15, prefix);
    const events: string[] = [];
    const client = await createClient(backend.url, {
      onRequest: (request) => {
        if (request.method === 'GET' && request.path.startsWith('/tables/todoitem?')) events.push('request');
      },
    });
    const store = client.store;
    const writePulledPage = store.writePulledPage.bind(store);
    store.writePulledPage = async (tableName, page) => {
      events.push('write');
      const written = await writePulledPage(tableName, page);
      events.push('written');
      return written;
    };
    const result = await client.context.pull(slice(prefix), 'slice', { pageSize: 10 });
    expect(result.upserted).toBe(15);
    expect(await localIds(client)).toEqual([...ids].sort());
    // The second page left before the first page's write began (and so before it ended).
    expect(events.slice(0, 3)).toEqual(['request', 'request', 'write']);
    const [, second] = pageRequests(client);
    expect(second?.get('$skip')).toBeNull();
    expect(second?.get('$filter')).toContain('id gt');
  });

  it('keeps a watermark per query id, and a full pull neither reads nor writes one', async () => {
    const prefix = newPrefix();
    await seedServer(backend.url, 3, prefix);
    const client = await createClient(backend.url);
    await client.context.pull(slice(prefix));
    expect(client.store.watermarks.get('todoitem', 'a')).toBeUndefined();
    await client.context.pull(slice(prefix), 'a');
    expect(client.store.watermarks.get('todoitem', 'a')).toBeDefined();
    expect(client.store.watermarks.get('todoitem', 'b')).toBeUndefined();
  });

  it('survives a restart: the watermark is persisted', async () => {
    const prefix = newPrefix();
    await seedServer(backend.url, 5, prefix);
    const client = await createClient(backend.url);
    await client.context.pull(slice(prefix), 'slice');
    const reopened = await client.reopen();
    const result = await reopened.context.pull(slice(prefix), 'slice');
    expect(result.upserted).toBe(0);
    expect(result.received).toBeLessThanOrEqual(1);
  });
});

describe('hundreds of rows sharing one updatedAt', () => {
  it('are all pulled across page boundaries, once, and later changes still arrive', async () => {
    const prefix = newPrefix();
    // 20 rows through the server, then 300 written into its database: 280 of them share one
    // updatedAt, the last 20 come one millisecond later.
    const ids = await seedServer(backend.url, 20, prefix);
    const direct = Array.from({ length: 300 }, (_, index) => `${prefix}-d${String(index).padStart(4, '0')}`);
    ids.push(...direct);
    const shared = direct.slice(0, 280);
    const sharedAt = '2020-01-01T00:00:00.000Z';
    seedServerDirect(backend.dataDir, shared, sharedAt);
    seedServerDirect(backend.dataDir, direct.slice(280), '2020-01-01T00:00:00.001Z');
    // A row the server wrote itself, moved into the tie as well.
    shareOneUpdatedAt(backend.dataDir, [ids[0]!], sharedAt);
    shared.push(ids[0]!);
    const onServer = await serverGet(backend.url, shared[0]!);
    expect(onServer?.updatedAt).toBe(sharedAt);

    const client = await createClient(backend.url);
    const first = await client.context.pull(slice(prefix), 'slice', { pageSize: 50 });
    expect(first.upserted).toBe(320);
    expect(await localIds(client)).toEqual([...ids].sort());
    const skips = pageRequests(client).map((page) => Number(page.get('$skip') ?? 0));
    expect(skips.some((skip) => skip > 0)).toBe(true);

    // Incremental pull from a watermark inside a tie, and with the tie as the watermark.
    const again = await client.context.pull(slice(prefix), 'slice', { pageSize: 50 });
    expect(again.upserted).toBe(0);

    const tieOnly = await createClient(backend.url);
    const tieSlice = new Query('todoitem').where({
      $or: [{ id: { ge: shared[0]!, le: shared[279]! } }, { id: ids[0]! }],
    });
    await tieOnly.context.pull(tieSlice, 'tie', { pageSize: 40 });
    expect((await tieOnly.todos.read()).length).toBe(281);
    expect(tieOnly.store.watermarks.get('todoitem', 'tie')?.updatedAt.toISOString()).toBe(sharedAt);
    const repeat = await tieOnly.context.pull(tieSlice, 'tie', { pageSize: 40 });
    expect(repeat.upserted).toBe(0);

    await serverUpdate(backend.url, shared[137]!, { text: 'changed after the tie' });
    const afterChange = await tieOnly.context.pull(tieSlice, 'tie', { pageSize: 40 });
    expect(afterChange.upserted).toBe(1);
    expect((await tieOnly.todos.lookup(shared[137]!))?.text).toBe('changed after the tie');
    expect(await localIds(client)).toEqual([...ids].sort());
  });
});

describe('pull with pending local changes', () => {
  it('pushes the table’s pending operations first', async () => {
    const prefix = newPrefix();
    const client = await createClient(backend.url);
    await client.todos.insert({ id: `${prefix}-local`, text: 'made offline' });
    await client.context.pull(slice(prefix), 'slice');
    expect(client.requests[0]?.method).toBe('POST');
    expect((await serverGet(backend.url, `${prefix}-local`))?.text).toBe('made offline');
    expect(client.context.getPendingOperations()).toEqual([]);
  });

  it('does not overwrite a record whose change is still pending', async () => {
    const prefix = newPrefix();
    const id = `${prefix}-1`;
    await serverInsert(backend.url, { id, text: 'original' });
    const client = await createClient(backend.url);
    client.context.setConflictPolicy('todoitem', 'ask');
    await client.context.pull(slice(prefix), 'slice');
    await serverUpdate(backend.url, id, { text: 'theirs' });
    await client.todos.update({ id, text: 'mine' });
    // The push inside pull leaves a conflict: the operation stays pending.
    const result = await client.context.pull(slice(prefix), 'slice');
    expect(result.skippedPending).toBe(1);
    expect((await client.todos.lookup(id))?.text).toBe('mine');
    expect(client.context.listIssues()).toHaveLength(1);
  });
});

describe('queries', () => {
  it('translate where-objects to $filter: eq, ranges, in, or', async () => {
    const prefix = newPrefix();
    await serverInsert(backend.url, { id: `${prefix}-1`, text: 'a', complete: false });
    await serverInsert(backend.url, { id: `${prefix}-2`, text: 'b', complete: true });
    await serverInsert(backend.url, { id: `${prefix}-3`, text: 'c', complete: false });
    await serverInsert(backend.url, { id: `${prefix}-4`, text: "it's", complete: true });
    const client = await createClient(backend.url);
    await client.context.pull(
      new Query('todoitem').where({
        id: { ge: `${prefix}-`, lt: `${prefix}.` },
        $or: [{ complete: false }, { text: { in: ["it's", 'zzz'] } }],
      }),
    );
    expect(await localIds(client)).toEqual([`${prefix}-1`, `${prefix}-3`, `${prefix}-4`]);
    expect(pageRequests(client)[0]?.get('$filter')).toBe(
      `((id ge '${prefix}-') and (id lt '${prefix}.') and (((complete eq false)) or (((text eq 'it''s' or text eq 'zzz')))))`,
    );
  });

  it('refuses bad arguments with typed errors before any request', async () => {
    const client = await createClient(backend.url);
    await expect(
      client.context.pull(new Query('todoitem'), undefined, { pageSize: 1001 }),
    ).rejects.toBeInstanceOf(SyncUsageError);
    await expect(client.context.pull(new Query('todoitem'), 'bad id with spaces')).rejects.toBeInstanceOf(
      SyncUsageError,
    );
    await expect(client.context.pull(new Query('todoitem').where({ colour: 'red' }))).rejects.toBeInstanceOf(
      SyncUsageError,
    );
    expect(client.requests).toEqual([]);
  });

  it('reports progress: pulling with records so far and the total', async () => {
    const prefix = newPrefix();
    await seedServer(backend.url, 25, prefix);
    const phases: string[] = [];
    let client: TestClient | undefined = undefined;
    client = await createClient(backend.url, {
      onRequest: () => {
        const phase = client?.context.getStatus().phase;
        if (phase?.kind === 'pulling') phases.push(`${phase.received}/${phase.total}`);
      },
    });
    await client.context.pull(slice(prefix), undefined, { pageSize: 10, pagesInFlight: 1 });
    expect(phases).toEqual(['0/null', '10/25', '20/25']);
    expect(client.context.getStatus()).toMatchObject({ phase: { kind: 'idle' }, connectivity: 'online' });
    expect(client.context.getStatus().lastSyncedAt).not.toBeNull();
  });
});

describe('the last-synced time', () => {
  it('is written without waiting for the disk after a pull, and durably after a push', async () => {
    const prefix = newPrefix();
    await seedServer(backend.url, 5, prefix);
    const client = await createClient(backend.url);
    const store = client.store;
    const transaction = store.transaction.bind(store);
    const commits: string[] = [];
    let before = store.keyValues.get('sync.lastSyncedAt');
    store.transaction = (fn, options) => {
      const result = transaction(fn, options);
      if (store.keyValues.get('sync.lastSyncedAt') !== before) commits.push(options?.durability ?? 'full');
      before = store.keyValues.get('sync.lastSyncedAt');
      return result;
    };
    await client.context.pull(slice(prefix), 'slice');
    // A durable commit there would wait for the disk to take every page the pull wrote.
    expect(commits.at(-1)).toBe('relaxed');
    expect(client.context.getStatus().lastSyncedAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await client.todos.insert({ id: `${prefix}-pushed`, text: 'pushed' });
    commits.length = 0;
    await client.context.push();
    expect(commits.at(-1)).toBe('full');
  });
});

describe('before the first request', () => {
  it('a pull or push with nothing to fetch again commits nothing of its own first', async () => {
    const prefix = newPrefix();
    await seedServer(backend.url, 3, prefix);
    const events: string[] = [];
    const client = await createClient(backend.url, { onRequest: () => void events.push('request') });
    const store = client.store;
    const transaction = store.transaction.bind(store);
    store.transaction = (fn, options) => {
      events.push(`commit ${options?.durability ?? ''}`.trim());
      return transaction(fn, options);
    };
    await client.context.pull(slice(prefix), 'slice');
    events.length = 0;
    await client.context.pull(slice(prefix), 'slice');
    // A commit here waited on the main thread for a checkpointed WAL's restart (about 6 ms).
    expect(events[0]).toBe('request');
    await client.todos.insert({ id: `${prefix}-x`, text: 'pushed' });
    events.length = 0;
    await client.context.push();
    // Only the mark of the operation that is sent (a relaxed group commit), which must be
    // written before it leaves; no durable commit, which waits for the disk.
    const beforeRequest = events.slice(0, events.indexOf('request'));
    expect(beforeRequest.length).toBeGreaterThan(0);
    expect(beforeRequest).not.toContain('commit full');
  });
});

describe('purge', () => {
  it('plain: deletes the rows and forgets the watermarks, in one step', async () => {
    const prefix = newPrefix();
    await seedServer(backend.url, 4, prefix);
    const client = await createClient(backend.url);
    await client.context.pull(slice(prefix), 'slice');
    expect(await client.context.purge(new Query('todoitem'))).toBe(4);
    expect(await client.todos.read()).toHaveLength(0);
    expect(client.store.watermarks.get('todoitem', 'slice')).toBeUndefined();
    // Without a watermark, the next incremental pull brings everything back.
    const again = await client.context.pull(slice(prefix), 'slice');
    expect(again.upserted).toBe(4);
  });

  it('refuses while the table has pending operations; forced, it drops them too', async () => {
    const prefix = newPrefix();
    await seedServer(backend.url, 2, prefix);
    const client = await createClient(backend.url);
    await client.context.pull(slice(prefix), 'slice');
    await client.todos.insert({ text: 'unsynced' });
    await expect(client.context.purge(new Query('todoitem'))).rejects.toBeInstanceOf(PurgeRefusedError);
    expect(await client.todos.read()).toHaveLength(3);
    expect(client.store.watermarks.get('todoitem', 'slice')).toBeDefined();
    expect(client.context.getPendingOperations()).toHaveLength(1);

    expect(await client.context.purge(new Query('todoitem'), true)).toBe(3);
    expect(await client.todos.read()).toHaveLength(0);
    expect(client.context.getPendingOperations()).toEqual([]);
    expect(client.store.watermarks.get('todoitem', 'slice')).toBeUndefined();
  });

  it('with a where: only matching rows go', async () => {
    const prefix = newPrefix();
    await serverInsert(backend.url, { id: `${prefix}-1`, text: 'done', complete: true });
    await serverInsert(backend.url, { id: `${prefix}-2`, text: 'open', complete: false });
    const client = await createClient(backend.url);
    await client.context.pull(slice(prefix));
    await client.context.purge(new Query('todoitem').where({ complete: true }));
    expect(await localIds(client)).toEqual([`${prefix}-2`]);
  });
});
