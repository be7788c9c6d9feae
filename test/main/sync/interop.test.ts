/**
 * Interop with the official azure-mobile-apps-client SDK: it runs in Node as a second client of
 * the same real server (its HTTP through the fetch filter, its local store being our store
 * through the adapter), and each client sees the other's inserts, updates and deletes. A
 * conflict between the two is detected on both sides.
 *
 * The SDK's known defects are avoided, not triggered: no changeAction('delete'), no date in a
 * pull filter, no request without a response.
 */
import path from 'node:path';
import { describe, expect } from 'vitest';
import { todoTable, type TodoItem } from '../../../common/todo-table';
import { openStore } from '../../../main/store';
import type { Store } from '../../../main/store/types';
import { MobileServiceClient, Query, type SyncContext, type SyncTable } from '../../../main/sync';
import { backendFixture, fixtureTest } from '../../support/fixtures';
import {
  openSdkSyncClient,
  sdkQuery,
  type SdkPushError,
  type SdkRecord,
  type SdkSyncClient,
} from '../../support/sdk';

interface OurClient {
  context: SyncContext;
  todos: SyncTable<TodoItem>;
  store: Store;
}

type SdkClient = SdkSyncClient & { store: Store };

/**
 * One real server for the file; per test, `ourClient()` and `sdkClient()` open the two kinds of
 * client on it, each on a temporary store of ours that is closed and removed after the test.
 */
const it = fixtureTest
  .extend('backend', { scope: 'file' }, backendFixture())
  .extend(
    'temporaryStore',
    async ({ tempDir, defer }): Promise<(tables: Parameters<typeof openStore>[0]['tables']) => Store> =>
      (tables) => {
        const folder = tempDir('todo-sync-interop-');
        const store = openStore({ path: path.join(folder, 'store.sqlite'), tables });
        defer(() => store.close());
        return store;
      },
  )
  .extend('ourClient', async ({ backend, temporaryStore }): Promise<() => Promise<OurClient>> => async () => {
    const store = temporaryStore([todoTable]);
    const client = new MobileServiceClient(backend.url, { extraHeaders: () => backend.headers });
    const context = client.getSyncContext();
    await context.initialize(store);
    return { context, todos: client.getSyncTable(todoTable), store };
  })
  .extend(
    'sdkClient',
    /** The SDK's client; `store` is the store of ours its adapter writes into. */
    async ({ backend, temporaryStore }): Promise<() => Promise<SdkClient>> =>
      async () => {
        const store = temporaryStore([]);
        return { ...(await openSdkSyncClient({ url: backend.url, store })), store };
      },
  );

/** Text unique to a test, so the shared server's other rows never match by accident. */
function label(name: string): string {
  return `${name} ${Math.random().toString(36).slice(2, 8)}`;
}

async function sdkLookup(sdk: SdkSyncClient, id: string): Promise<SdkRecord | undefined> {
  return sdk.table.lookup(id, true);
}

describe('records written by the SDK', () => {
  it('reach our engine: inserts, then updates and deletes through incremental pulls', async ({
    ourClient,
    sdkClient,
  }) => {
    const sdk = await sdkClient();
    const ours = await ourClient();
    const first = label('from the SDK');
    const inserted = await Promise.all(
      ['a', 'b', 'c'].map((suffix) =>
        sdk.table.insert({ text: `${first} ${suffix}`, complete: suffix === 'b', notes: `notes ${suffix}` }),
      ),
    );
    expect(await sdk.context.push()).toEqual([]);
    const [a, b, c] = inserted.map((record) => String(record.id));
    if (!a || !b || !c) throw new Error('The SDK did not give ids');

    await ours.context.pull(new Query('todoitem'), 'interop-from-sdk');
    const pulledA = await ours.todos.lookup(a);
    expect(pulledA).toMatchObject({ text: `${first} a`, complete: false, notes: 'notes a', deleted: false });
    expect(await ours.todos.lookup(b)).toMatchObject({ text: `${first} b`, complete: true });
    // Same server version on both sides: the SDK keeps the ETag's version, we keep the body's.
    expect(pulledA?.version).toBe((await sdkLookup(sdk, a))?.version);

    const sdkA = await sdkLookup(sdk, a);
    await sdk.table.update({ ...sdkA, text: `${first} a (edited by the SDK)`, complete: true });
    await sdk.table.del({ id: b });
    expect(await sdk.context.push()).toEqual([]);

    const pulled = await ours.context.pull(new Query('todoitem'), 'interop-from-sdk');
    expect(pulled.deleted).toBe(1);
    expect(await ours.todos.lookup(a)).toMatchObject({
      text: `${first} a (edited by the SDK)`,
      complete: true,
    });
    expect(await ours.todos.lookup(b)).toBeNull();
    expect(await ours.todos.lookup(c)).toMatchObject({ text: `${first} c` });
  });
});

describe('records written by our engine', () => {
  it('reach the SDK: inserts, then updates and deletes through its incremental pull', async ({
    ourClient,
    sdkClient,
  }) => {
    const ours = await ourClient();
    const sdk = await sdkClient();
    const first = label('from our engine');
    const x = await ours.todos.insert({ text: `${first} x`, notes: null });
    const y = await ours.todos.insert({ text: `${first} y`, complete: true, notes: 'with notes' });
    const z = await ours.todos.insert({ text: `${first} z` });
    expect((await ours.context.push()).pushed).toBe(3);

    await sdk.table.pull(sdkQuery('todoitem'), 'interop-from-ours', { pageSize: 50 });
    expect(await sdkLookup(sdk, x.id)).toMatchObject({ text: `${first} x`, complete: false, notes: null });
    expect(await sdkLookup(sdk, y.id)).toMatchObject({
      text: `${first} y`,
      complete: true,
      notes: 'with notes',
    });
    expect((await sdkLookup(sdk, x.id))?.version).toBe((await ours.todos.lookup(x.id))?.version);

    await ours.todos.update({ id: x.id, text: `${first} x (edited by us)`, complete: true });
    await ours.todos.del(y.id);
    expect((await ours.context.push()).pushed).toBe(2);

    await sdk.table.pull(sdkQuery('todoitem'), 'interop-from-ours', { pageSize: 50 });
    expect(await sdkLookup(sdk, x.id)).toMatchObject({ text: `${first} x (edited by us)`, complete: true });
    expect(await sdkLookup(sdk, y.id)).toBeUndefined();
    expect(await sdkLookup(sdk, z.id)).toMatchObject({ text: `${first} z` });
    // The adapter wrote them into a table of our store, and the SDK's watermark into its own table.
    expect(sdk.store.tableByName('todoitem').lookup(x.id)).toMatchObject({
      text: `${first} x (edited by us)`,
    });
    expect(sdk.store.tableByName('__pulltime').lookup('interop-from-ours')).toMatchObject({
      tableName: 'todoitem',
    });
  });
});

describe('a conflict between the SDK and us', () => {
  /** One record both clients hold at the same version. */
  async function sharedRecord({
    ourClient,
    sdkClient,
  }: {
    ourClient: () => Promise<OurClient>;
    sdkClient: () => Promise<SdkClient>;
  }): Promise<{
    ours: OurClient;
    sdk: SdkClient;
    id: string;
    text: string;
  }> {
    const ours = await ourClient();
    const sdk = await sdkClient();
    const text = label('shared');
    const record = await ours.todos.insert({ text, notes: 'base notes' });
    await ours.context.push();
    await sdk.table.pull(sdkQuery('todoitem').where({ text }), null, { pageSize: 50 });
    expect(await sdkLookup(sdk, record.id)).toMatchObject({ text });
    return { ours, sdk, id: record.id, text };
  }

  it('is seen by our engine when the SDK pushed first, and kept for the person under "ask"', async ({
    ourClient,
    sdkClient,
  }) => {
    const { ours, sdk, id, text } = await sharedRecord({ ourClient, sdkClient });
    const sdkRecord = await sdkLookup(sdk, id);
    await sdk.table.update({ ...sdkRecord, text: `${text} (the SDK's edit)` });
    expect(await sdk.context.push()).toEqual([]);

    ours.context.setConflictPolicy('todoitem', 'ask');
    await ours.todos.update({ id, text: `${text} (our edit)` });
    const result = await ours.context.push();

    expect(result.pushed).toBe(0);
    const [issue] = ours.context.listIssues({ kind: 'conflict' });
    expect(issue).toMatchObject({ recordId: id, action: 'update', httpStatus: 412 });
    expect(issue?.serverRecord).toMatchObject({ text: `${text} (the SDK's edit)` });
    expect(issue?.clientRecord).toMatchObject({ text: `${text} (our edit)` });
    expect(issue?.baseRecord).toMatchObject({ text });

    // Keeping ours resolves it; the SDK then pulls our text.
    if (!issue) throw new Error('no conflict recorded');
    await ours.context.resolveConflict(issue.id, 'mine');
    await ours.context.push();
    await sdk.table.pull(sdkQuery('todoitem').where({ id }), null, { pageSize: 50 });
    expect(await sdkLookup(sdk, id)).toMatchObject({ text: `${text} (our edit)` });
  });

  it('is seen by the SDK when we pushed first: its conflict handler gets our record as the server record', async ({
    ourClient,
    sdkClient,
  }) => {
    const { ours, sdk, id, text } = await sharedRecord({ ourClient, sdkClient });
    await ours.todos.update({ id, text: `${text} (our edit)`, complete: true });
    expect((await ours.context.push()).pushed).toBe(1);

    const seen: { status: number | undefined; server: SdkRecord | undefined; client: SdkRecord }[] = [];
    sdk.context.pushHandler = {
      onConflict(pushError: SdkPushError) {
        seen.push({
          status: pushError.getError().request?.status,
          server: pushError.getServerRecord(),
          client: pushError.getClientRecord(),
        });
        // Take the server's version: the SDK's local row becomes ours and the operation is dropped.
        const server = pushError.getServerRecord();
        if (!server) throw new Error('The SDK gave no server record for a 412');
        return pushError.cancelAndUpdate(server);
      },
    };
    const sdkRecord = await sdkLookup(sdk, id);
    await sdk.table.update({ ...sdkRecord, text: `${text} (the SDK's edit)` });
    const unhandled = await sdk.context.push();

    expect(unhandled).toEqual([]);
    expect(seen).toEqual([
      {
        status: 412,
        server: expect.objectContaining({ id, text: `${text} (our edit)`, complete: true }),
        client: expect.objectContaining({ id, text: `${text} (the SDK's edit)` }),
      },
    ]);
    expect(await sdkLookup(sdk, id)).toMatchObject({ text: `${text} (our edit)`, complete: true });
    // The server kept our edit; our next pull changes nothing.
    await ours.context.pull(new Query('todoitem'), 'after-conflict');
    expect(await ours.todos.lookup(id)).toMatchObject({ text: `${text} (our edit)` });
  });

  it('of an update against a delete: the SDK fails its push on the 404, our engine records a conflict', async ({
    ourClient,
    sdkClient,
  }) => {
    const deletedByUs = await sharedRecord({ ourClient, sdkClient });
    await deletedByUs.ours.todos.del(deletedByUs.id);
    await deletedByUs.ours.context.push();
    const sdkRecord = await sdkLookup(deletedByUs.sdk, deletedByUs.id);
    await deletedByUs.sdk.table.update({
      ...sdkRecord,
      text: `${deletedByUs.text} (edited after our delete)`,
    });
    // The SDK counts only 409/412 as conflicts: the 404 aborts its push and the operation stays queued.
    await expect(Promise.resolve(deletedByUs.sdk.context.push())).rejects.toThrow(/does not exist/);
    const sdkOperations = await deletedByUs.sdk.adapter.read(sdkQuery('__operations'));
    expect(sdkOperations).toEqual([expect.objectContaining({ action: 'update', itemId: deletedByUs.id })]);

    const deletedBySdk = await sharedRecord({ ourClient, sdkClient });
    await deletedBySdk.sdk.table.del({ id: deletedBySdk.id });
    expect(await deletedBySdk.sdk.context.push()).toEqual([]);
    deletedBySdk.ours.context.setConflictPolicy('todoitem', 'ask');
    await deletedBySdk.ours.todos.update({
      id: deletedBySdk.id,
      text: `${deletedBySdk.text} (edited after the SDK's delete)`,
    });
    await deletedBySdk.ours.context.push();
    const [issue] = deletedBySdk.ours.context.listIssues({ kind: 'conflict' });
    expect(issue).toMatchObject({ recordId: deletedBySdk.id, action: 'update' });
    expect(issue?.serverRecord).toMatchObject({ deleted: true });
  });
});
