/**
 * WAL checkpoints on a worker thread (main/store/store-worker.ts): the worker copies the
 * WAL's pages into the database file while the store keeps its connection, closing lets go of
 * the file in the old order, and a worker that cannot open the file changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { todoTable } from '../../../common/todo-table';
import { openStore } from '../../../main/store';
import { CHECKPOINT_AT_BYTES, StoreWorker, WAL_SIZE_LIMIT_BYTES } from '../../../main/store/store-worker';
import { tempFolder, type TempFolder } from '../../support/store-fixtures';

let folder: TempFolder;
afterEach(() => folder?.remove());

function todoRows(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    version: 'AAAAAAAAB9E=',
    createdAt: new Date(1_700_000_000_000 + index),
    updatedAt: new Date(1_700_000_000_000 + index),
    deleted: false,
    text: `Todo item ${index}: ${'words '.repeat(10)}`,
    complete: index % 3 === 0,
    notes: null,
  }));
}

/** The rows in the database file at `path` read without its WAL: only what a checkpoint copied. */
function rowsInMainFile(path: string, copy: string): number {
  copyFileSync(path, copy);
  const db = new Database(copy, { readonly: true });
  try {
    // Before any checkpoint even the table exists only in the WAL.
    const exists = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'todoitem'`).pluck().get();
    return exists ? (db.prepare('SELECT count(*) FROM "todoitem"').pluck().get() as number) : 0;
  } finally {
    db.close();
  }
}

describe('WAL checkpointer', { timeout: 60_000 }, () => {
  it('copies the WAL into the database file from its own thread once the WAL has grown', async () => {
    folder = tempFolder();
    const path = folder.file();
    // A plain connection that never checkpoints by itself: only the worker can copy the WAL.
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE "todoitem" ("id" TEXT PRIMARY KEY, "text" TEXT)');
    const insert = db.prepare('INSERT INTO "todoitem" VALUES (?, ?)');
    db.transaction(() => {
      for (const row of todoRows(6000)) insert.run(row.id, row.text);
    })();
    const checkpointer = new StoreWorker({ path, busyTimeoutMs: 5000 });
    try {
      expect(statSync(`${path}-wal`).size).toBeGreaterThan(CHECKPOINT_AT_BYTES);
      expect(rowsInMainFile(path, folder.file('before.db'))).toBe(0);
      const result = await checkpointer.checkpointNow();
      expect(result).not.toBeNull();
      expect(result?.busy).toBe(0);
      expect(result?.checkpointed).toBe(result?.log);
      expect(checkpointer.active).toBe(true);
      expect(rowsInMainFile(path, folder.file('after.db'))).toBe(6000);
      // The writer's own connection went on working throughout.
      insert.run(randomUUID(), 'one more');
      expect(db.prepare('SELECT count(*) FROM "todoitem"').pluck().get()).toBe(6001);
    } finally {
      checkpointer.close();
      db.close();
    }
  });

  it("a store's large writes are checkpointed by its worker, and closing still removes the WAL", async () => {
    folder = tempFolder();
    const path = folder.file();
    const store = openStore({ path, tables: [todoTable] });
    const table = store.tableByName('todoitem');
    store.transaction(() => table.upsertMany(todoRows(6000)), { durability: 'relaxed' });
    // Under SQLite's own automatic checkpoint (1,000 pages): the main connection copies nothing.
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(CHECKPOINT_AT_BYTES);
    expect(statSync(`${path}-wal`).size).toBeLessThan(1000 * 4096);
    // The commit above asked the worker for a checkpoint: wait until the file holds the rows.
    let copied = 0;
    for (let attempt = 0; attempt < 100 && copied < 6000; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      copied = rowsInMainFile(path, folder.file(`copy-${attempt}.db`));
    }
    expect(copied).toBe(6000);
    store.close();
    // The store's connection was the last to close: SQLite checkpointed and removed the WAL.
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = openStore({ path, tables: [todoTable] });
    try {
      expect(reopened.tableByName('todoitem').count()).toBe(6000);
    } finally {
      reopened.close();
    }
  });

  it('after a checkpoint the WAL file is cut back, so small edits no longer ask for checkpoints', async () => {
    folder = tempFolder();
    const path = folder.file();
    const store = openStore({ path, tables: [todoTable] });
    try {
      const table = store.tableByName('todoitem');
      store.transaction(() => table.upsertMany(todoRows(6000)), { durability: 'relaxed' });
      expect(statSync(`${path}-wal`).size).toBeGreaterThan(CHECKPOINT_AT_BYTES);
      let copied = 0;
      for (let attempt = 0; attempt < 100 && copied < 6000; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        copied = rowsInMainFile(path, folder.file(`copy-${attempt}.db`));
      }
      expect(copied).toBe(6000);
      // The next commits start the WAL over and cut the file back to the limit: a file that
      // stayed at its largest size would ask for a checkpoint after every one of them.
      for (const row of todoRows(5)) table.upsertMany([row]);
      expect(statSync(`${path}-wal`).size).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
      expect(statSync(`${path}-wal`).size).toBeLessThan(CHECKPOINT_AT_BYTES);
    } finally {
      store.close();
    }
  });

  it('changes nothing when its worker cannot open the file: it reports no checkpoint and stands down', async () => {
    folder = tempFolder();
    const checkpointer = new StoreWorker({ path: folder.file('missing.db'), busyTimeoutMs: 5000 });
    try {
      expect(await checkpointer.checkpointNow()).toBeNull();
      expect(checkpointer.active).toBe(false);
      // Later writes ask nothing of it.
      checkpointer.afterWrite();
      expect(await checkpointer.checkpointNow()).toBeNull();
    } finally {
      checkpointer.close();
    }
  });

  it('boots when warmed up, before anything is asked of it, and says when it is up', async () => {
    folder = tempFolder();
    const path = folder.file();
    const store = openStore({ path, tables: [todoTable] });
    const worker = new StoreWorker({ path, busyTimeoutMs: 5000 });
    try {
      await worker.warmUp();
      expect(worker.active).toBe(true);
      // Up already: the next warm-up resolves at once, on the same thread.
      await worker.warmUp();
      expect(await worker.checkpointNow()).not.toBeNull();
    } finally {
      worker.close();
      store.close();
    }

    // A file it cannot open: the boot's outcome shows without any request.
    const failing = new StoreWorker({ path: folder.file('missing.db'), busyTimeoutMs: 5000 });
    try {
      expect(failing.active).toBe(true);
      await failing.warmUp();
      expect(failing.active).toBe(false);
      // Standing down, it starts no second thread.
      await failing.warmUp();
      expect(await failing.checkpointNow()).toBeNull();
    } finally {
      failing.close();
    }
  });
});
