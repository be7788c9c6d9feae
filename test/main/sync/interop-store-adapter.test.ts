/**
 * The official SDK's store contract, implemented by our store through the adapter
 * (test/support/sdk/store-adapter.ts): the same behaviour as the SDK's reference
 * MobileServiceSqliteStore, checked method by method, then driven by the SDK's own sync context.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type LocalStore } from '../../../main/store';
import {
  createSdkClient,
  createSdkStoreAdapter,
  SDK_TODO_TABLE,
  SdkAdapterError,
  sdkQuery,
  type SdkReadResult,
  type SdkRecord,
  type SdkStoreAdapter,
} from '../../support/sdk';

let folder: string;
let store: LocalStore;
let adapter: SdkStoreAdapter;

const OPERATIONS_TABLE = {
  name: '__operations',
  columnDefinitions: {
    id: 'integer',
    tableName: 'string',
    action: 'string',
    itemId: 'string',
    metadata: 'object',
  },
};

beforeEach(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-adapter-'));
  store = openStore({ path: path.join(folder, 'sdk.db'), tables: [] });
  adapter = createSdkStoreAdapter(store);
  await adapter.defineTable(SDK_TODO_TABLE);
});

afterEach(() => {
  store.close();
  rmSync(folder, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<SdkAdapterError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SdkAdapterError) return error;
    throw error;
  }
  throw new Error('Expected the promise to reject');
}

/** The rows of a read without includeTotalCount. */
function rows(result: SdkReadResult): SdkRecord[] {
  if (!Array.isArray(result)) throw new Error('Expected an array of records');
  return result;
}

function todo(id: string, fields: Partial<SdkRecord> = {}): SdkRecord {
  return { id, text: `Todo ${id}`, complete: false, ...fields };
}

describe('defineTable', () => {
  it('creates a table of our store and adds columns declared later', async () => {
    expect(store.tableByName('todoitem').declaration.columns).toMatchObject({
      text: { kind: 'string', nullable: true },
      complete: { kind: 'boolean', nullable: true },
    });
    await adapter.defineTable({ name: 'todoitem', columnDefinitions: { id: 'string', priority: 'integer' } });
    await adapter.upsert('todoitem', todo('a', { priority: 3 }));
    expect(await adapter.lookup('todoitem', 'a')).toMatchObject({ text: 'Todo a', priority: 3 });
  });

  it('refuses a bad definition with a typed error and declares nothing', async () => {
    const bad = await rejection(
      adapter.defineTable({ name: 'other', columnDefinitions: { id: 'string', x: 'blob' } }),
    );
    expect(bad.code).toBe('invalid-definition');
    expect(bad.message).toMatch(/blob/);
    const noId = await rejection(
      adapter.defineTable({ name: 'other', columnDefinitions: { text: 'string' } }),
    );
    expect(noId.code).toBe('invalid-definition');
    const badDeleted = await rejection(
      adapter.defineTable({ name: 'other', columnDefinitions: { id: 'string', deleted: 'string' } }),
    );
    expect(badDeleted.code).toBe('invalid-definition');
    expect(store.declarations.map((declaration) => declaration.name)).not.toContain('other');
  });
});

describe('upsert and lookup', () => {
  it('inserts, then merges only the given properties, dropping undeclared ones', async () => {
    await adapter.upsert('todoitem', todo('a', { notes: 'first', unknownProperty: 'dropped' }));
    await adapter.upsert('todoitem', { id: 'a', complete: true });
    const record = await adapter.lookup('todoitem', 'a');
    expect(record).toEqual({
      id: 'a',
      text: 'Todo a',
      complete: true,
      notes: 'first',
      version: null,
      // Our store stamps local writes (the SDK's own store leaves them null); the SDK never reads them.
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      deleted: false,
    });
  });

  it('round-trips dates, booleans and objects', async () => {
    const updatedAt = new Date('2026-01-02T03:04:05.678Z');
    await adapter.upsert('todoitem', [todo('a', { updatedAt, deleted: false }), null, todo('b')]);
    const record = await adapter.lookup('todoitem', 'a');
    expect(record?.updatedAt).toEqual(updatedAt);
    expect(record?.updatedAt).toBeInstanceOf(Date);
    await adapter.defineTable(OPERATIONS_TABLE);
    await adapter.upsert('__operations', { id: 1, tableName: 'todoitem', metadata: { version: 'MQ==' } });
    expect(await adapter.lookup('__operations', 1)).toMatchObject({ id: 1, metadata: { version: 'MQ==' } });
  });

  it('rejects a lookup of a missing record unless told to suppress it', async () => {
    expect(await adapter.lookup('todoitem', 'missing', true)).toBeUndefined();
    expect((await rejection(adapter.lookup('todoitem', 'missing'))).code).toBe('not-found');
    expect((await rejection(adapter.lookup('nosuchtable', 'a'))).code).toBe('unknown-table');
  });

  it('refuses a value of the wrong type and leaves the rows as they were', async () => {
    await adapter.upsert('todoitem', todo('a'));
    const error = await rejection(
      adapter.upsert('todoitem', [todo('a', { text: 'changed' }), todo('b', { complete: 'yes' })]),
    );
    expect(error.code).toBe('invalid-value');
    expect(await adapter.lookup('todoitem', 'a')).toMatchObject({ text: 'Todo a' });
    expect(await adapter.lookup('todoitem', 'b', true)).toBeUndefined();
  });
});

describe('read', () => {
  beforeEach(async () => {
    await adapter.upsert(
      'todoitem',
      Array.from({ length: 12 }, (_, index) =>
        todo(`id-${String(index).padStart(2, '0')}`, {
          complete: index % 3 === 0,
          notes: index < 4 ? null : 'n',
        }),
      ),
    );
  });

  it('translates function filters: and, or, not, comparisons both ways round, null', async () => {
    const both = await adapter.read(
      sdkQuery('todoitem').where(
        function (this: SdkRecord, first: string, last: string) {
          return (this.id === first || this.id === last) && !this.complete;
        },
        'id-01',
        'id-03',
      ),
    );
    expect(both).toEqual([expect.objectContaining({ id: 'id-01' })]);

    const range = await adapter.read(
      sdkQuery('todoitem')
        .where(function (this: { id: string }, low: string) {
          return low < this.id && this.id <= 'id-06';
        }, 'id-04')
        .orderByDescending('id'),
    );
    expect(rows(range).map((record) => record.id)).toEqual(['id-06', 'id-05']);

    const withoutNotes = await adapter.read(
      sdkQuery('todoitem').where(function (this: SdkRecord) {
        return this.notes === null;
      }),
    );
    expect(withoutNotes).toHaveLength(4);
  });

  it('pages, selects and counts like the reference store', async () => {
    const page = await adapter.read(
      sdkQuery('todoitem')
        .where({ complete: false })
        .orderBy('id')
        .skip(2)
        .take(3)
        .select('id', 'text')
        .includeTotalCount(),
    );
    expect(page).toEqual({
      result: [
        { id: 'id-04', text: 'Todo id-04' },
        { id: 'id-05', text: 'Todo id-05' },
        { id: 'id-07', text: 'Todo id-07' },
      ],
      count: 8,
    });
  });

  it('refuses what it cannot translate instead of answering wrongly', async () => {
    const error = await rejection(
      adapter.read(
        sdkQuery('todoitem').where(function (this: { text: string }) {
          return this.text.indexOf('x') > 0;
        }),
      ),
    );
    expect(error.code).toBe('unsupported-query');
    expect((await rejection(adapter.read(sdkQuery('todoitem').where({ nosuchcolumn: 1 })))).code).toBe(
      'unsupported-query',
    );
    const bareText = await rejection(
      adapter.read(
        sdkQuery('todoitem').where(function (this: { text: string }) {
          return !this.text;
        }),
      ),
    );
    expect(bareText.code).toBe('unsupported-query');
  });

  it('keeps integer ids in numeric order (the SDK operation log reads "id > last" and the max id)', async () => {
    await adapter.defineTable(OPERATIONS_TABLE);
    for (const id of [9, 10, 2, 11])
      await adapter.upsert('__operations', { id, tableName: 'todoitem', itemId: `r${id}` });
    const after = await adapter.read(
      sdkQuery('__operations')
        .where(function (this: { id: number }, last: number) {
          return this.id > last;
        }, 2)
        .orderBy('id'),
    );
    expect(rows(after).map((record) => record.id)).toEqual([9, 10, 11]);
    const newest = await adapter.read(sdkQuery('__operations').orderByDescending('id').take(1));
    expect(newest).toEqual([expect.objectContaining({ id: 11, itemId: 'r11' })]);
  });
});

describe('del and executeBatch', () => {
  it('deletes by ids and by query (honouring take)', async () => {
    await adapter.upsert('todoitem', [todo('a'), todo('b'), todo('c'), todo('d', { complete: true })]);
    await adapter.del('todoitem', ['a', 'b']);
    await adapter.del('todoitem', 'missing');
    await adapter.del(sdkQuery('todoitem').where({ complete: false }).orderBy('id').take(1));
    const left = rows(await adapter.read(sdkQuery('todoitem').orderBy('id')));
    expect(left.map((record) => record.id)).toEqual(['d']);
  });

  it('applies a batch in one transaction: a bad operation leaves everything unchanged', async () => {
    await adapter.defineTable(OPERATIONS_TABLE);
    await adapter.upsert('todoitem', todo('a'));
    await adapter.executeBatch([
      { action: 'upsert', tableName: 'todoitem', data: todo('b') },
      {
        action: 'upsert',
        tableName: '__operations',
        data: { id: 1, tableName: 'todoitem', action: 'insert', itemId: 'b' },
      },
      null,
      { action: 'delete', tableName: 'todoitem', id: 'a' },
    ]);
    expect(await adapter.lookup('todoitem', 'a', true)).toBeUndefined();
    expect(await adapter.lookup('__operations', 1)).toMatchObject({ itemId: 'b' });

    const unknownAction = await rejection(
      adapter.executeBatch([
        { action: 'delete', tableName: 'todoitem', id: 'b' },
        { action: 'replace', tableName: 'todoitem', data: todo('c') },
      ]),
    );
    expect(unknownAction.code).toBe('invalid-operation');
    const badValue = await rejection(
      adapter.executeBatch([
        { action: 'delete', tableName: '__operations', id: 1 },
        { action: 'upsert', tableName: 'todoitem', data: todo('c', { updatedAt: 'not a date' }) },
      ]),
    );
    expect(badValue.code).toBe('invalid-value');
    expect(await adapter.lookup('todoitem', 'b')).toMatchObject({ id: 'b' });
    expect(await adapter.lookup('__operations', 1)).toMatchObject({ itemId: 'b' });
    expect(await adapter.lookup('todoitem', 'c', true)).toBeUndefined();
  });
});

describe('the SDK sync context over the adapter', () => {
  it('logs and collapses local operations in our store, as the SDK does in its own', async () => {
    // No request is made: only local writes, so the URL is never contacted.
    const client = createSdkClient('http://127.0.0.1:9');
    const context = client.getSyncContext();
    await context.initialize(adapter);
    const table = client.getSyncTable('todoitem');

    await table.insert(todo('kept'));
    await table.update(todo('kept', { text: 'edited before push' }));
    await table.insert(todo('dropped'));
    await table.del({ id: 'dropped' });

    const operations = store.tableByName('__operations').query().items;
    expect(operations).toEqual([
      expect.objectContaining({ action: 'insert', itemId: 'kept', tableName: 'todoitem' }),
    ]);
    expect(await table.lookup('kept')).toMatchObject({ text: 'edited before push' });
    expect(await table.lookup('dropped', true)).toBeUndefined();
    await expect(context.purge(sdkQuery('todoitem'))).rejects.toThrow(/pending operations/);
    await context.purge(sdkQuery('todoitem'), true);
    expect(store.tableByName('todoitem').count()).toBe(0);
    expect(store.tableByName('__operations').count()).toBe(0);
  });
});
