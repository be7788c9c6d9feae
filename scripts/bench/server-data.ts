/**
 * Direct access to the real server's SQLite file, for seeding only: creating 100,000 rows through
 * POST takes minutes (about 450 requests/s), so the benchmark writes them in the exact format the
 * azure-mobile-apps SQLite provider uses, then lets the server serve them.
 *
 * The provider's table (created by the server itself on start):
 *   [text] TEXT, [complete] INTEGER (0/1), [notes] TEXT, [id] TEXT PRIMARY KEY,
 *   createdAt/updatedAt TEXT 'YYYY-MM-DDTHH:MM:SS.sssZ', version TEXT (a counter, '1' on insert;
 *   the server sends it base64-encoded), deleted INTEGER (0/1);
 *   a trigger bumps updatedAt and version on every UPDATE.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';

export const SERVER_DB_FILE = 'todo-backend.sqlite';

export interface SeededTodo {
  id: string;
  text: string;
  complete: boolean;
  notes: string | null;
  updatedAt: string;
}

export function serverDbPath(dataDir: string): string {
  return path.join(dataDir, SERVER_DB_FILE);
}

function open(dataDir: string): Database.Database {
  const db = new Database(serverDbPath(dataDir));
  // The server keeps its own connection open; wait for it instead of failing on a busy file.
  db.pragma('busy_timeout = 10000');
  return db;
}

/**
 * Inserts `count` todo items with distinct updatedAt values 1 ms apart, ending before now, the
 * way a table grows over time. Returns how many rows the table holds afterwards.
 */
export function seedServerTodos(dataDir: string, count: number): number {
  const db = open(dataDir);
  try {
    const insert = db.prepare(
      `INSERT INTO todoitem (text, complete, notes, id, createdAt, updatedAt, version, deleted)
       VALUES (?, ?, ?, ?, ?, ?, '1', 0)`,
    );
    const start = Date.now() - count - 60_000;
    db.transaction(() => {
      for (let index = 0; index < count; index++) {
        const at = new Date(start + index).toISOString();
        const notes = index % 4 === 0 ? `Notes for item ${index}: remember the details.` : null;
        insert.run(
          `Todo item ${String(index).padStart(6, '0')}`,
          index % 3 === 0 ? 1 : 0,
          notes,
          randomUUID(),
          at,
          at,
        );
      }
    })();
    return (db.prepare('SELECT COUNT(*) AS n FROM todoitem').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Changes `count` existing rows the way clients would (text and completion); the server's own
 * trigger stamps updatedAt and bumps version. Every fifth change is a soft delete, which a pull
 * must apply as a local delete. Returns the changed ids.
 */
export function changeServerTodos(dataDir: string, count: number): string[] {
  const db = open(dataDir);
  try {
    const ids = (
      db.prepare('SELECT id FROM todoitem WHERE deleted = 0 ORDER BY RANDOM() LIMIT ?').all(count) as {
        id: string;
      }[]
    ).map((row) => row.id);
    const edit = db.prepare(
      `UPDATE todoitem SET text = text || ' (edited)', complete = 1 - complete WHERE id = ?`,
    );
    const softDelete = db.prepare('UPDATE todoitem SET deleted = 1 WHERE id = ?');
    db.transaction(() => {
      ids.forEach((id, index) => (index % 5 === 4 ? softDelete.run(id) : edit.run(id)));
    })();
    return ids;
  } finally {
    db.close();
  }
}

export function readServerTodos(dataDir: string, ids: readonly string[]): SeededTodo[] {
  const db = open(dataDir);
  try {
    const select = db.prepare('SELECT id, text, complete, notes, updatedAt FROM todoitem WHERE id = ?');
    return ids.flatMap((id) => {
      const row = select.get(id) as
        { id: string; text: string; complete: number; notes: string | null; updatedAt: string } | undefined;
      return row ? [{ ...row, complete: row.complete === 1 }] : [];
    });
  } finally {
    db.close();
  }
}

export function countServerTodos(dataDir: string): number {
  const db = open(dataDir);
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM todoitem').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
