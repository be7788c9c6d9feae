/**
 * The system tables' migrations are one file each (main/store/migrations/NNN-name.ts): every
 * file is registered, in the order of its number, with the version its name says.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { todoTable } from '../../../common/todo-table';
import { STORE_SCHEMA_VERSION } from '../../../main/store';
import { MIGRATIONS } from '../../../main/store/migrations';
import { openIn, repoRoot, storeTest } from '../../support/store-fixtures';

const MIGRATIONS_DIR = path.join(repoRoot, 'main', 'store', 'migrations');

describe('store migrations', () => {
  it('has one registered migration per NNN-name.ts file, numbered as the file is', () => {
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((name) => /^\d{3}-.+\.ts$/.test(name))
      .sort();
    expect(files.length).toBeGreaterThan(0);
    expect(files.map((name) => Number(name.slice(0, 3)))).toEqual(MIGRATIONS.map((m) => m.version));
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
    expect(STORE_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  describe('on a file', () => {
    storeTest(
      'a file made by the first migration only is brought up to date and keeps its operations',
      ({ folder }) => {
        const db = new Database(folder.file());
        db.exec(MIGRATIONS[0]!.sql);
        db.pragma('user_version = 1');
        db.prepare(
          `INSERT INTO "store$operations" ("tableName", "recordId", "action", "createdAt") VALUES ('todos', 'a', 'insert', 1)`,
        ).run();
        db.close();

        const store = openIn(folder, [todoTable]);
        const [operation] = store.operations.list();
        store.close();
        expect(operation).toMatchObject({ recordId: 'a', action: 'insert', sent: null });
        const reopened = new Database(folder.file(), { readonly: true });
        expect(reopened.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
        reopened.close();
      },
    );
  });
});
