/**
 * Store.writePulledPage: a pulled page's rows, deletions and watermark in one transaction, rows
 * with queued operations left alone, written on the store's worker thread so the main thread
 * stays free, and on the main connection, with the same result, when there is no worker.
 */
import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { todoTable } from '../../../common/todo-table';
import { openStore, StoreError, type LocalStore } from '../../../main/store';
import { Connection } from '../../../main/store/connection';
import type { PulledPageWrite } from '../../../main/store/pulled-page';
import { SqliteDataTable } from '../../../main/store/data-table';
import { pendingRecordIdsQuery, watermarkWrite } from '../../../main/store/system-tables';
import { StoreWorker } from '../../../main/store/store-worker';
import { buildLayout } from '../../../main/store/table-layout';
import type { PulledPage, PullWatermark } from '../../../main/store/types';
import { storeTest as test } from '../../support/store-fixtures';

/** The server's clock, well before any real one: a local edit (stamped with the real clock) is later. */
const at = (minute: number): Date => new Date(Date.UTC(2020, 0, 2, 9, minute));

function serverRow(id: string, text: string, minute = 1): PulledPage['upserts'][number] {
  return {
    id,
    version: `v-${text}`,
    createdAt: at(0),
    updatedAt: at(minute),
    deleted: false,
    text,
    complete: false,
  };
}

const watermark: PullWatermark = {
  tableName: 'todoitem',
  queryId: 'all-todoitem',
  updatedAt: at(3),
  seenAtWatermark: { c: 'v-c' },
  lastId: 'c',
};

/** A store with rows a..d, a queued edit of b, and the page a pull of the server would bring. */
function seeded(store: LocalStore): PulledPage {
  const todos = store.table(todoTable);
  todos.upsertMany(['a', 'b', 'c', 'd'].map((id) => serverRow(id, `old ${id}`) as never));
  store.operations.append({
    tableName: 'todoitem',
    recordId: 'b',
    action: 'update',
    version: 'v-old b',
    base: null,
    item: { id: 'b', text: 'edited here' },
  });
  todos.update('b', { text: 'edited here' });
  return {
    upserts: [serverRow('a', 'new a', 2), serverRow('b', 'new b', 2), serverRow('e', 'new e', 3)],
    deletions: ['b', 'c', 'missing'],
    watermark,
  };
}

function texts(store: LocalStore): Record<string, string> {
  const rows = store.table(todoTable).query({ orderBy: [{ column: 'id' }] }).items;
  return Object.fromEntries(rows.map((row) => [row.id, row.text]));
}

/**
 * A seeded store file opened as a bare Connection with `worker` (or none), and its page encoded
 * as the store would send it, with the watermark when asked.
 */
function seededConnection(
  path: string,
  worker: StoreWorker | null,
  options: { withWatermark: boolean },
): { db: Database.Database; connection: Connection; write: PulledPageWrite } {
  const store = openStore({ path, tables: [todoTable] });
  const page = seeded(store);
  store.close();
  const db = new Database(path);
  const connection = new Connection(db, worker);
  const table = new SqliteDataTable(connection, buildLayout(todoTable));
  const write = {
    ...table.encodePulled(page.upserts, page.deletions),
    pending: pendingRecordIdsQuery('todoitem'),
    then: options.withWatermark ? [watermarkWrite(watermark)] : [],
  };
  return { db, connection, write };
}

const expectedTexts = { a: 'new a', b: 'edited here', d: 'old d', e: 'new e' };
const expectedResult = { upserted: 2, deleted: 1, skippedPending: 2, unchanged: 0 };

describe('writePulledPage', { timeout: 30_000 }, () => {
  test('upserts, deletes and saves the watermark, leaving records with queued operations alone', async ({
    folder,
  }) => {
    const store = openStore({ path: folder.file(), tables: [todoTable] });
    try {
      const page = seeded(store);
      expect(await store.writePulledPage('todoitem', page)).toEqual(expectedResult);
      expect(texts(store)).toEqual(expectedTexts);
      expect(store.watermarks.get('todoitem', 'all-todoitem')).toEqual(watermark);
    } finally {
      store.close();
    }
  });

  test('a row that comes back exactly as stored is not written; any difference, even under the same version, is', async ({
    folder,
  }) => {
    const path = folder.file();
    const store = openStore({ path, tables: [todoTable] });
    try {
      const todos = store.table(todoTable);
      todos.upsertMany([serverRow('a', 'as pushed', 2), serverRow('b', 'stale', 2)] as never);
      // Every UPDATE of the table leaves its id here, from whichever connection made it.
      const spy = new Database(path);
      spy.exec(`CREATE TABLE updated (id TEXT);
        CREATE TRIGGER spy AFTER UPDATE ON todoitem BEGIN INSERT INTO updated VALUES (new.id); END;`);
      spy.close();
      const page: PulledPage = {
        upserts: [
          serverRow('a', 'as pushed', 2),
          // A server that recreated b: its version counter started again, its content is new.
          { ...serverRow('b', 'stale', 2), text: 'recreated', notes: 'new notes' },
        ],
        deletions: [],
      };
      expect(await store.writePulledPage('todoitem', page)).toMatchObject({ upserted: 1, unchanged: 1 });
      expect(texts(store)).toEqual({ a: 'as pushed', b: 'recreated' });
      expect(todos.lookup('b')?.notes).toBe('new notes');
      const check = new Database(path, { readonly: true });
      try {
        expect(check.prepare('SELECT id FROM updated').pluck().all()).toEqual(['b']);
      } finally {
        check.close();
      }
    } finally {
      store.close();
    }
  });

  test('an update touches only the indexes whose columns changed, and every index stays right', async ({
    folder,
  }) => {
    const path = folder.file();
    const store = openStore({ path, tables: [todoTable] });
    try {
      seeded(store);
      const page: PulledPage = {
        upserts: [
          { ...serverRow('a', 'a done', 4), complete: true },
          { ...serverRow('c', 'c renamed', 4), reminderAt: at(30) },
          serverRow('d', 'old d', 1),
        ],
        deletions: [],
      };
      // d comes back as it is stored.
      expect(await store.writePulledPage('todoitem', page)).toMatchObject({ upserted: 2, unchanged: 1 });
      const todos = store.table(todoTable);
      const ids = (where: Record<string, unknown>): string[] =>
        todos.query({ where: where as never, orderBy: [{ column: 'id' }] }).items.map((row) => row.id);
      expect(ids({ complete: true })).toEqual(['a']);
      expect(ids({ complete: false })).toEqual(['b', 'c', 'd']);
      expect(ids({ reminderAt: { gt: at(0) } })).toEqual(['c']);
      // b: its local edit is stamped with the real clock, later than the server's rows.
      expect(ids({ updatedAt: { ge: at(4) } })).toEqual(['a', 'b', 'c']);
      expect(texts(store)).toEqual({ a: 'a done', b: 'edited here', c: 'c renamed', d: 'old d' });
      const check = new Database(path, { readonly: true });
      try {
        expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        check.close();
      }
    } finally {
      store.close();
    }
  });

  test('writes on the worker thread: the main thread runs while the page waits for a lock', async ({
    folder,
  }) => {
    const path = folder.file();
    const store = openStore({ path, tables: [todoTable], busyTimeoutMs: 10_000 });
    const other = new Database(path);
    try {
      const page = seeded(store);
      other.exec('BEGIN IMMEDIATE');
      let settled = false;
      const written = store.writePulledPage('todoitem', page).finally(() => (settled = true));
      // Written on the main thread, the page would hold it here until the lock's timeout.
      const timerRan = await new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 200));
      expect(timerRan).toBe(true);
      expect(settled).toBe(false);
      other.exec('COMMIT');
      expect(await written).toEqual(expectedResult);
      expect(texts(store)).toEqual(expectedTexts);
    } finally {
      other.close();
      store.close();
    }
  });

  test('a lock held past the timeout is a "locked" StoreError and writes nothing', async ({ folder }) => {
    const path = folder.file();
    const store = openStore({ path, tables: [todoTable], busyTimeoutMs: 100 });
    const other = new Database(path);
    try {
      const page = seeded(store);
      other.exec('BEGIN IMMEDIATE');
      const failure = await store.writePulledPage('todoitem', page).catch((error: unknown) => error);
      other.exec('ROLLBACK');
      expect(failure).toBeInstanceOf(StoreError);
      expect((failure as StoreError).code).toBe('locked');
      expect(texts(store)).toEqual({ a: 'old a', b: 'edited here', c: 'old c', d: 'old d' });
      expect(store.watermarks.get('todoitem', 'all-todoitem')).toBeUndefined();
    } finally {
      other.close();
      store.close();
    }
  });

  test('a row of the wrong shape or an unknown table is refused before anything is written', async ({
    folder,
  }) => {
    const store = openStore({ path: folder.file(), tables: [todoTable] });
    try {
      const page = seeded(store);
      const bad = { ...page, upserts: [...page.upserts, { ...serverRow('f', 'f'), colour: 'red' }] };
      await expect(store.writePulledPage('todoitem', bad)).rejects.toMatchObject({ code: 'invalid-value' });
      await expect(store.writePulledPage('nothing', page)).rejects.toMatchObject({ code: 'unknown-table' });
      expect(texts(store)).toEqual({ a: 'old a', b: 'edited here', c: 'old c', d: 'old d' });
    } finally {
      store.close();
    }
  });

  test('without a worker, or with one that cannot open the file, the main connection writes the same', async ({
    folder,
  }) => {
    for (const worker of [null, new StoreWorker({ path: folder.file('missing.db'), busyTimeoutMs: 1000 })]) {
      const path = folder.file(`${worker ? 'failed' : 'none'}.db`);
      const { connection, write } = seededConnection(path, worker, { withWatermark: true });
      try {
        expect(await connection.writePulledPage(write, 'Saving pulled records')).toEqual(expectedResult);
      } finally {
        connection.close();
      }
      const reopened = openStore({ path, tables: [todoTable] });
      try {
        expect(texts(reopened)).toEqual(expectedTexts);
        expect(reopened.watermarks.get('todoitem', 'all-todoitem')).toEqual(watermark);
      } finally {
        reopened.close();
      }
    }
  });

  test('a checkpoint asked for between two pages waits until the pages stop coming', async ({ folder }) => {
    const path = folder.file();
    const worker = new StoreWorker({ path, busyTimeoutMs: 5000 });
    const { connection, write } = seededConnection(path, worker, { withWatermark: false });
    try {
      const order: string[] = [];
      await connection.writePulledPage(write, 'Saving pulled records');
      const checkpoint = worker.checkpointNow().then(() => order.push('checkpoint'));
      const next = connection.writePulledPage(write, 'Saving pulled records').then(() => order.push('page'));
      await Promise.all([checkpoint, next]);
      expect(order).toEqual(['page', 'checkpoint']);
    } finally {
      connection.close();
    }
  });

  test("the main connection's automatic checkpoint is held off while pages are written, then restored", async ({
    folder,
  }) => {
    const path = folder.file();
    const worker = new StoreWorker({ path, busyTimeoutMs: 5000 });
    const { db, connection, write } = seededConnection(path, worker, { withWatermark: false });
    try {
      const automatic = (): unknown => db.pragma('wal_autocheckpoint', { simple: true });
      expect(automatic()).toBe(1000);
      await connection.writePulledPage(write, 'Saving pulled records');
      expect(automatic()).toBe(0);
      // The worker's checkpoint once no page has come for a while gives it back.
      await worker.checkpointNow();
      await new Promise((resolve) => setImmediate(resolve));
      expect(automatic()).toBe(1000);
    } finally {
      connection.close();
    }
  });
});
