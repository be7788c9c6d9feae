import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { todoTable } from '../../../common/todo-table';
import type { LocalStore } from '../../../main/store';
import { openIn, sampleTable, storeErrorOf, tempFolder, type TempFolder } from '../../support/store-fixtures';

let folder: TempFolder;
let store: LocalStore;

beforeEach(() => {
  folder = tempFolder();
  store = openIn(folder, [todoTable, sampleTable]);
});

afterEach(() => {
  store.close();
  folder.remove();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('local writes', () => {
  it('insert generates a uuid, timestamps and defaults when they are absent', () => {
    const before = Date.now();
    const item = store.table(todoTable).insert({ text: 'Write tests' });
    expect(item.id).toMatch(UUID);
    expect(item).toMatchObject({
      text: 'Write tests',
      complete: false,
      notes: null,
      version: null,
      deleted: false,
    });
    expect(item.createdAt?.getTime()).toBeGreaterThanOrEqual(before);
    expect(item.updatedAt).toEqual(item.createdAt);
    expect(store.table(todoTable).lookup(item.id)).toEqual(item);
  });

  it('insert keeps a given id and timestamps, and refuses a duplicate id with "constraint"', () => {
    const createdAt = new Date('2020-01-01T00:00:00.001Z');
    const item = store.table(todoTable).insert({ id: 'fixed', text: 'a', createdAt, updatedAt: null });
    expect(item).toMatchObject({ id: 'fixed', createdAt, updatedAt: null });
    const error = storeErrorOf(() => store.table(todoTable).insert({ id: 'fixed', text: 'b' }));
    expect(error.code).toBe('constraint');
    expect(store.table(todoTable).lookup('fixed')?.text).toBe('a');
  });

  it('update changes only the given columns and moves updatedAt, unless updatedAt is given', () => {
    const table = store.table(todoTable);
    const item = table.insert({ text: 'a', notes: 'keep', updatedAt: new Date(1) });
    const updated = table.update(item.id, { complete: true });
    expect(updated).toMatchObject({ text: 'a', notes: 'keep', complete: true });
    expect(updated.updatedAt?.getTime()).toBeGreaterThan(1);
    const fromServer = table.update(item.id, { version: 'v2', updatedAt: new Date(5) });
    expect(fromServer.updatedAt?.getTime()).toBe(5);
    expect(fromServer.version).toBe('v2');
    expect(table.lookup(item.id)).toEqual(fromServer);
  });

  it('update of a missing id is "not-found"; delete reports whether a row went', () => {
    const table = store.table(todoTable);
    expect(storeErrorOf(() => table.update('missing', { text: 'x' })).code).toBe('not-found');
    const item = table.insert({ text: 'x' });
    expect(table.delete(item.id)).toBe(true);
    expect(table.delete(item.id)).toBe(false);
    expect(table.lookup(item.id)).toBeUndefined();
  });

  it('upsertMany writes rows exactly as given: inserts new ids, replaces existing ones whole', () => {
    const table = store.table(todoTable);
    table.insert({ id: 'a', text: 'local', notes: 'n' });
    table.upsertMany([
      {
        id: 'a',
        text: 'server',
        complete: true,
        version: 'v1',
        createdAt: null,
        updatedAt: new Date(7),
        deleted: false,
      },
      { id: 'b', text: 'new', version: 'v1', updatedAt: new Date(8) },
    ]);
    expect(table.lookup('a')).toEqual({
      id: 'a',
      text: 'server',
      complete: true,
      notes: null,
      dueDate: null,
      reminderAt: null,
      version: 'v1',
      createdAt: null,
      updatedAt: new Date(7),
      deleted: false,
    });
    expect(table.lookup('b')).toMatchObject({ text: 'new', createdAt: null, updatedAt: new Date(8) });
    expect(storeErrorOf(() => table.upsertMany([{ text: 'no id' }])).code).toBe('invalid-value');
  });

  it('deleteMany and clear report how many rows they removed', () => {
    const table = store.table(todoTable);
    table.upsertMany(['a', 'b', 'c', 'd'].map((id, index) => ({ id, text: id, complete: index % 2 === 0 })));
    expect(table.deleteMany(['a', 'missing'])).toBe(1);
    expect(table.clear({ complete: true })).toBe(1);
    expect(table.query().items.map((item) => item.id)).toEqual(['b', 'd']);
    expect(table.clear()).toBe(2);
    expect(table.count()).toBe(0);
  });
});

describe('atomicity', () => {
  it('a data write and its operation-log entry commit together', () => {
    const item = store.transaction(() => {
      const created = store.table(todoTable).insert({ text: 'together' });
      store.operations.append({
        tableName: 'todoitem',
        recordId: created.id,
        action: 'insert',
        version: null,
        base: null,
        item: null,
      });
      return created;
    });
    expect(store.table(todoTable).lookup(item.id)).toBeDefined();
    expect(store.operations.forRecord('todoitem', item.id)).toHaveLength(1);
  });

  it('a batch that throws half-way leaves nothing behind, in the data or the operation log', () => {
    const table = store.table(todoTable);
    table.insert({ id: 'existing', text: 'before' });
    expect(() =>
      store.transaction(() => {
        table.insert({ id: 'new', text: 'half' });
        table.update('existing', { text: 'changed' });
        store.operations.append({
          tableName: 'todoitem',
          recordId: 'new',
          action: 'insert',
          version: null,
          base: null,
          item: null,
        });
        store.keyValues.set('cursor', 5);
        throw new Error('the sync engine failed half-way');
      }),
    ).toThrow('the sync engine failed half-way');
    expect(table.lookup('new')).toBeUndefined();
    expect(table.lookup('existing')?.text).toBe('before');
    expect(store.operations.list()).toEqual([]);
    expect(store.keyValues.get('cursor')).toBeUndefined();
  });

  it('a store error half-way through upsertMany writes none of the batch', () => {
    const table = store.table(todoTable);
    const records = Array.from({ length: 1000 }, (_, index) => ({ id: `r${index}`, text: `item ${index}` }));
    const broken = [
      ...records.slice(0, 500),
      { id: 'bad', text: 42 as unknown as string },
      ...records.slice(500),
    ];
    expect(storeErrorOf(() => table.upsertMany(broken)).code).toBe('invalid-value');
    expect(table.count()).toBe(0);
  });

  it('a nested transaction is a savepoint: its failure rolls back only itself, if the outer one catches', () => {
    const table = store.table(todoTable);
    store.transaction(() => {
      table.insert({ id: 'outer', text: 'kept' });
      expect(() =>
        store.transaction(() => {
          table.insert({ id: 'inner', text: 'undone' });
          throw new Error('inner failed');
        }),
      ).toThrow('inner failed');
      store.transaction(() => table.insert({ id: 'inner2', text: 'kept too' }));
    });
    expect(table.query({ orderBy: [{ column: 'id' }] }).items.map((item) => item.id)).toEqual([
      'inner2',
      'outer',
    ]);
  });

  it('an outer failure also rolls back a nested transaction that had succeeded', () => {
    const table = store.table(todoTable);
    expect(() =>
      store.transaction(() => {
        store.transaction(() => table.insert({ id: 'inner', text: 'x' }));
        throw new Error('outer failed');
      }),
    ).toThrow('outer failed');
    expect(table.count()).toBe(0);
  });

  it('refuses an async callback, which could not be atomic, and writes nothing', () => {
    const table = store.table(todoTable);
    expect(() =>
      store.transaction(() => {
        table.insert({ id: 'a', text: 'x' });
        return Promise.resolve();
      }),
    ).toThrow(/promise/);
    expect(table.count()).toBe(0);
  });
});

describe('a closed store', () => {
  it('answers with an "io" StoreError instead of crashing', () => {
    const table = store.table(todoTable);
    store.close();
    expect(storeErrorOf(() => table.lookup('x')).code).toBe('io');
    expect(storeErrorOf(() => store.operations.list()).code).toBe('io');
    store.close();
  });
});

describe('tables declared at run time', () => {
  it('defineTable creates a table with an arbitrary column list, and is idempotent', () => {
    const declaration = {
      name: '__operations',
      columns: {
        tableName: { kind: 'string', nullable: false, defaultValue: '' },
        action: { kind: 'string', nullable: false, defaultValue: '' },
        itemId: { kind: 'string', nullable: false, defaultValue: '' },
        metadata: { kind: 'json', nullable: true },
      },
    } as const;
    const table = store.table(declaration);
    expect(store.table(declaration)).toBe(table);
    table.insert({ id: '1', tableName: 'todoitem', action: 'upsert', itemId: 'x', metadata: { a: 1 } });
    expect(store.tableByName('__operations').lookup('1')).toMatchObject({ itemId: 'x', metadata: { a: 1 } });
    expect(store.declarations.map((entry) => entry.name)).toEqual(['todoitem', 'sample', '__operations']);
  });

  it('refuses bad declarations with a clear message', () => {
    const attempts: unknown[] = [
      { name: 'bad name', columns: {} },
      { name: 'sqlite_master2', columns: {} },
      { name: 't', columns: { id: { kind: 'string', nullable: false } } },
      { name: 't', columns: { a: { kind: 'uuid', nullable: false } } },
      {
        name: 't',
        columns: { a: { kind: 'string', nullable: false }, A: { kind: 'string', nullable: false } },
      },
      { name: 't', columns: { 'a"b': { kind: 'string', nullable: true } } },
      { name: 't', columns: { a: { kind: 'integer', nullable: false, defaultValue: 'x' } } },
      { name: 't', columns: {}, indexes: [['missing']] },
      { name: 'TodoItem', columns: {} },
      { name: 't', columns: JSON.parse('{"__proto__": {"kind": "string", "nullable": true}}') as unknown },
    ];
    for (const attempt of attempts) {
      const error = storeErrorOf(() => store.table(attempt as Parameters<LocalStore['table']>[0]));
      expect(['invalid-query', 'invalid-value']).toContain(error.code);
      expect(error.message.length).toBeGreaterThan(10);
    }
    expect(store.declarations.map((entry) => entry.name)).toEqual(['todoitem', 'sample']);
  });
});
