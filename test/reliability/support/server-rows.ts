/**
 * Ground truth for the suites that arrange the server's state themselves: every row of one id
 * slice read page by page within any maxTop (test/support/server.ts's ServerClient asks for
 * 1,000 rows a request, which a server configured lower refuses), and writes straight into the
 * server's SQLite file for what no API call can do, many rows stamped with one updatedAt.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { raw, toServerTodo, type ServerTodo } from '../../support/server';
import { prefixUpperBound } from './sync-client';

/** Every row whose id starts with `prefix`, tombstones included, ordered by id. */
export async function listSliceRows(
  serverUrl: string,
  prefix: string,
  pageSize = 1000,
): Promise<ServerTodo[]> {
  const filter = encodeURIComponent(`(id ge '${prefix}') and (id lt '${prefixUpperBound(prefix)}')`);
  const rows: ServerTodo[] = [];
  // Paging by id key, not $skip: the suites read while other writers may still be at work.
  let after: string | null = null;
  for (;;) {
    const from: string = after === null ? '' : encodeURIComponent(` and (id gt '${after}')`);
    const query = `/tables/todoitem?$filter=${filter}${from}&$orderby=id&$top=${pageSize}&__includeDeleted=true`;
    const result = await raw(serverUrl, 'GET', query);
    if (result.status !== 200 || !Array.isArray(result.body)) {
      throw new Error(
        `Reading the server's rows failed: ${result.status} ${JSON.stringify(result.body).slice(0, 200)}`,
      );
    }
    const page = result.body.map(toServerTodo);
    rows.push(...page);
    if (page.length < pageSize) return rows;
    after = (page[page.length - 1] as ServerTodo).id;
  }
}

function serverDatabase(dataDir: string): Database.Database {
  const db = new Database(path.join(dataDir, 'todo-backend.sqlite'));
  // The server reads the same file meanwhile; wait for its lock rather than fail.
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Inserts rows in the server's own layout, all with one createdAt/updatedAt (a tie). */
export function insertTieDirect(dataDir: string, ids: readonly string[], updatedAt: string): void {
  const db = serverDatabase(dataDir);
  try {
    const insert = db.prepare(
      'INSERT INTO todoitem (id, text, complete, notes, createdAt, updatedAt, version, deleted) VALUES (?, ?, 0, NULL, ?, ?, 1, 0)',
    );
    db.transaction(() => {
      for (const id of ids) insert.run(id, `text of ${id}`, updatedAt, updatedAt);
    })();
  } finally {
    db.close();
  }
}

/**
 * One UPDATE statement's effect: every row in `ids` gets new text and the same updatedAt,
 * the server's clock read inside the transaction (a server stamps with its own "now", never a
 * time in the past). The server's trigger bumps each version. Returns the time written.
 */
export function restampDirect(
  dataDir: string,
  ids: readonly string[],
  textOf: (id: string) => string,
): string {
  const db = serverDatabase(dataDir);
  try {
    const update = db.prepare('UPDATE todoitem SET text = ?, updatedAt = ? WHERE id = ?');
    let stamped = '';
    db.transaction(() => {
      stamped = new Date().toISOString();
      for (const id of ids) update.run(textOf(id), stamped, id);
    }).immediate();
    return stamped;
  } finally {
    db.close();
  }
}
