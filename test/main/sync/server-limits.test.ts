/**
 * Servers configured differently from the default, against the real server: a lower maxTop,
 * the default 100 kB body limit, one operation that keeps failing with a 500 while the rest
 * syncs. Also two engine behaviours found on real servers: a refused insert that is then
 * deleted, and both forms of onConflict.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { newTodoSchema } from '../../../common/ipc-contract';
import { TODO_LIMITS } from '../../../common/todo-limits';
import { PushError, Query, runSyncPass, type PushHandler } from '../../../main/sync';
import { startTestBackend, type TestBackend } from '../../support/backend';
import { startFaultProxy, type FaultProxy } from '../../reliability/support/fault-proxy';
import { seedServerDirect, serverGet, serverInsert, serverUpdate, syncTest as it } from './helpers';

function pageTops(requests: { method: string; path: string }[]): string[] {
  return requests
    .filter((request) => request.method === 'GET' && request.path.startsWith('/tables/todoitem?'))
    .map((request) => new URLSearchParams(request.path.split('?')[1]).get('$top') ?? '');
}

describe('a server that allows at most 100 rows per request', () => {
  let server: TestBackend;
  beforeAll(async () => {
    server = await startTestBackend({ maxTop: 100 });
  });
  afterAll(async () => server.stop());

  it('is read with the limit it states, remembered for that backend across restarts', async ({
    openClient,
  }) => {
    const ids = Array.from({ length: 250 }, (_, index) => `m-${String(index).padStart(4, '0')}`);
    seedServerDirect(server.dataDir, ids, '2022-01-01T00:00:00.000Z');
    const client = await openClient(server.url);
    const first = await client.context.pull(new Query('todoitem'), 'all');
    expect(first.upserted).toBe(250);
    expect((await client.todos.read()).length).toBe(250);
    // One refused request, then pages of the stated size.
    expect(pageTops(client.requests)[0]).toBe('1000');
    expect(new Set(pageTops(client.requests).slice(1))).toEqual(new Set(['100']));

    const restarted = await client.reopen();
    seedServerDirect(server.dataDir, ['m-new'], '2022-01-02T00:00:00.000Z');
    const next = await restarted.context.pull(new Query('todoitem'), 'all');
    expect(next.upserted).toBe(1);
    expect(pageTops(restarted.requests)).toEqual(['100']);

    // A smaller page the caller asks for is used as asked.
    const small = await openClient(server.url);
    await small.context.pull(new Query('todoitem'), 'small', { pageSize: 40 });
    expect((await small.todos.read()).length).toBe(251);
    expect(pageTops(small.requests)[0]).toBe('40');
  });
});

describe('a server with the default 100 kB body limit', () => {
  let server: TestBackend;
  beforeAll(async () => {
    server = await startTestBackend({ bodyLimit: '100kb' });
  });
  afterAll(async () => server.stop());

  it('refuses an oversize record, which becomes a refused change in plain words', async ({ openClient }) => {
    const client = await openClient(server.url);
    await client.todos.insert({ id: 'big', text: 'A long story', notes: 'x'.repeat(150_000) });
    const pushed = await client.context.push();
    expect(pushed.issues).toHaveLength(1);
    const [issue] = client.context.listIssues();
    expect(issue).toMatchObject({ kind: 'rejected', recordId: 'big' });
    expect(issue?.message).toContain('too large for the server');
    expect(issue?.message).not.toMatch(/\(\d{3}\)|entity/);
    expect(await serverGet(server.url, 'big')).toBeUndefined();
  });

  it('takes the largest todo the app accepts, even in a script of three-byte characters', async ({
    openClient,
  }) => {
    const text = 'ü'.repeat(TODO_LIMITS.textMaxLength);
    // Three UTF-8 bytes each: as many as fit in the notes' byte budget.
    const notes = '語'.repeat(Math.floor(TODO_LIMITS.notesMaxBytes / 3));
    expect(newTodoSchema.safeParse({ text, notes }).success).toBe(true);
    expect(newTodoSchema.safeParse({ text, notes: `${notes}語` }).success).toBe(false);
    expect(
      newTodoSchema.safeParse({ text: 'ascii', notes: 'n'.repeat(TODO_LIMITS.notesMaxLength) }).success,
    ).toBe(true);
    const client = await openClient(server.url);
    await client.todos.insert({ id: 'largest', text, notes });
    const pushed = await client.context.push();
    expect(pushed).toMatchObject({ pushed: 1, issues: [] });
    expect((await serverGet(server.url, 'largest'))?.notes).toBe(notes);
  });
});

describe('one operation that keeps failing with a server error', () => {
  let server: TestBackend;
  let proxy: FaultProxy;
  beforeAll(async () => {
    server = await startTestBackend();
    proxy = await startFaultProxy({ target: server.url, seed: 7, faultRate: 0, clientTimeoutMs: 5000 });
  });
  afterAll(async () => {
    await proxy.stop();
    await server.stop();
  });

  it('does not hold back other records nor incoming changes, and the result counts what happened', async ({
    openClient,
  }) => {
    await serverInsert(server.url, { id: 'stuck', text: 'synced once' });
    const client = await openClient(proxy.url);
    await client.context.pull(new Query('todoitem'), 'all');
    await client.todos.update({ id: 'stuck', text: 'edited here' });
    await client.todos.insert({ id: 'fine-1', text: 'first new' });
    await client.todos.insert({ id: 'fine-2', text: 'second new' });
    await serverInsert(server.url, { id: 'from-elsewhere', text: 'made on another device' });

    const stuckPatch = (method: string, path: string): boolean =>
      method === 'PATCH' && path.startsWith('/tables/todoitem/stuck');
    for (let sync = 0; sync < 2; sync++) {
      // Twice per sync: the pass's push, and the push a pull makes of its table's pending changes.
      proxy.forceNext('http-500', stuckPatch);
      proxy.forceNext('http-500', stuckPatch);
      const result = await runSyncPass(client.context, { tables: [{ name: 'todoitem' }], pull: true });
      expect(result).toMatchObject({ ok: true, retrying: 1, conflicts: 0, rejected: 0 });
      expect(result.pushed).toBe(sync === 0 ? 2 : 0);
      expect(result.error?.message).toContain('server had a problem');
      expect(result.error?.message).not.toMatch(/\(\d{3}\)/);
      // Another device's todo arrived although one change is still waiting.
      expect((await client.todos.lookup('from-elsewhere'))?.text).toBe('made on another device');
      expect(client.context.getStatus().lastError?.message).toContain('server had a problem');
    }
    expect((await serverGet(server.url, 'fine-2'))?.text).toBe('second new');
    expect(client.context.listIssues()).toEqual([]);
    expect(client.context.getPendingOperations().map((operation) => operation.recordId)).toEqual(['stuck']);

    const healed = await runSyncPass(client.context, { tables: [{ name: 'todoitem' }], pull: true });
    expect(healed).toMatchObject({ ok: true, pushed: 1, retrying: 0, error: null });
    expect((await serverGet(server.url, 'stuck'))?.text).toBe('edited here');
    expect(client.context.getStatus().lastError).toBeNull();
  });
});

describe('engine behaviours on a plain server', () => {
  let server: TestBackend;
  beforeAll(async () => {
    server = await startTestBackend({ rejectText: '#refuse' });
  });
  afterAll(async () => server.stop());

  it('a refused insert that the person then deletes leaves nothing behind', async ({ openClient }) => {
    const client = await openClient(server.url);
    await client.todos.insert({ id: 'refused', text: 'not welcome #refuse' });
    await client.context.push();
    expect(client.context.listIssues()).toMatchObject([{ kind: 'rejected', action: 'insert' }]);
    await client.todos.del({ id: 'refused' });
    expect(client.context.listIssues()).toEqual([]);
    expect(client.context.getPendingOperations()).toEqual([]);
    client.requests.length = 0;
    await client.context.push();
    expect(client.requests).toEqual([]);
    expect(await client.todos.lookup('refused')).toBeNull();
  });

  it.for([
    {
      form: 'onConflict(pushError), as the SDK calls it',
      handler: (seen: unknown[]): PushHandler => ({
        async onConflict(pushError: PushError) {
          seen.push(pushError.getServerRecord()?.text, pushError.getClientRecord()?.text);
          await pushError.cancelAndUpdate(pushError.getServerRecord() ?? {});
        },
      }),
    },
    {
      form: 'onConflict(serverRecord, clientRecord, pushError), as its documentation shows',
      handler: (seen: unknown[]): PushHandler => ({
        async onConflict(serverRecord, clientRecord, pushError) {
          seen.push(serverRecord?.text, clientRecord?.text);
          await pushError.cancelAndUpdate(serverRecord ?? {});
        },
      }),
    },
  ])('calls a conflict handler written as $form', async ({ handler }, { openClient }) => {
    const id = `conflict-${Math.random().toString(36).slice(2)}`;
    await serverInsert(server.url, { id, text: 'original' });
    const client = await openClient(server.url);
    await client.context.pull(new Query('todoitem'), 'all');
    await serverUpdate(server.url, id, { text: 'changed on the server' });
    await client.todos.update({ id, text: 'changed here' });
    const seen: unknown[] = [];
    client.context.pushHandler = handler(seen);
    await client.context.push();
    expect(seen).toEqual(['changed on the server', 'changed here']);
    expect((await client.todos.lookup(id))?.text).toBe('changed on the server');
    expect(client.context.getPendingOperations()).toEqual([]);
  });
});
