import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { todoTable, type TodoItem } from '../../../common/todo-table';
import type { LocalStore } from '../../../main/store';
import type { StoreQuery } from '../../../main/store/types';
import { openIn, storeErrorOf, tempFolder, type TempFolder } from '../../support/store-fixtures';

let folder: TempFolder;
let store: LocalStore;

const hostile = [
  "'; DROP TABLE todoitem; --",
  '" OR 1=1 --',
  "x' OR '1'='1",
  'Robert"); DELETE FROM "todoitem"; --',
  '%',
  '_',
  '\\',
  '?',
  ':name',
  '$1',
];

beforeEach(() => {
  folder = tempFolder();
  store = openIn(folder, [todoTable]);
  store.table(todoTable).upsertMany([
    { id: 'keep-1', text: 'first' },
    { id: 'keep-2', text: 'second' },
  ]);
});

afterEach(() => {
  store.close();
  folder.remove();
});

function schemaAndRows(): { tables: unknown[]; rows: unknown[] } {
  const db = new Database(folder.file(), { readonly: true });
  try {
    return {
      tables: db.prepare('SELECT name, sql FROM sqlite_schema ORDER BY name').all(),
      rows: db.prepare('SELECT * FROM "todoitem" ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

describe('injection attempts', () => {
  it('stores and finds hostile text as plain text, in values of every operator', () => {
    const table = store.table(todoTable);
    hostile.forEach((text, index) => table.insert({ id: `h${index}`, text, notes: text }));
    hostile.forEach((text, index) => {
      expect(table.query({ where: { text } }).items.map((item) => item.id)).toEqual([`h${index}`]);
      expect(table.query({ where: { notes: { contains: text } } }).items.map((item) => item.id)).toContain(
        `h${index}`,
      );
      expect(table.query({ where: { text: { startsWith: text } } }).items.map((item) => item.id)).toContain(
        `h${index}`,
      );
      expect(table.query({ where: { text: { in: [text] } } }).items).toHaveLength(1);
      expect(table.lookup(text)).toBeUndefined();
      expect(table.delete(text)).toBe(false);
    });
    expect(table.count()).toBe(hostile.length + 2);
    expect(table.lookup('h0')?.text).toBe(hostile[0]);
  });

  it('refuses hostile column names everywhere and changes nothing', () => {
    const before = schemaAndRows();
    const table = store.table(todoTable);
    const names = [
      ...hostile,
      'text; DROP TABLE todoitem',
      'text" = "text',
      'rowid',
      'text$fold',
      '__proto__',
      'constructor',
    ];
    for (const name of names) {
      const asWhere = { where: { [name]: 'x' } } as unknown as StoreQuery<TodoItem>;
      const asOrder = { orderBy: [{ column: name }] } as unknown as StoreQuery<TodoItem>;
      const asSelect = { select: [name] } as unknown as StoreQuery<TodoItem>;
      expect(storeErrorOf(() => table.query(asWhere)).code).toBe('invalid-query');
      expect(storeErrorOf(() => table.query(asOrder)).code).toBe('invalid-query');
      expect(storeErrorOf(() => table.query(asSelect)).code).toBe('invalid-query');
      expect(storeErrorOf(() => table.insert({ [name]: 'x' } as Partial<TodoItem>)).code).toBe(
        'invalid-value',
      );
      expect(storeErrorOf(() => table.update('keep-1', { [name]: 'x' } as Partial<TodoItem>)).code).toBe(
        'invalid-value',
      );
      expect(storeErrorOf(() => store.tableByName(name)).code).toBe('unknown-table');
    }
    expect(schemaAndRows()).toEqual(before);
  });

  it('refuses hostile operator names and table names in declarations', () => {
    const before = schemaAndRows();
    const table = store.table(todoTable);
    const operatorAttack = { where: { text: { 'eq) OR (1=1': 'x' } } } as unknown as StoreQuery<TodoItem>;
    expect(storeErrorOf(() => table.query(operatorAttack)).code).toBe('invalid-query');
    const declaration = { name: 'x"; DROP TABLE "todoitem', columns: {} };
    expect(storeErrorOf(() => store.table(declaration)).code).toBe('invalid-query');
    expect(schemaAndRows()).toEqual(before);
  });
});
