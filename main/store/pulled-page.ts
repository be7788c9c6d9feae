/**
 * Writing one pulled page: its rows upserted, its deletions made, rows with unsent local
 * changes left alone, and its watermark saved, in one transaction.
 *
 * The store runs this on its worker thread (store-worker.ts), so a pull's SQLite work, most of
 * a pull's time on a big table, never holds the main process's event loop; on the main
 * connection only when the worker is unavailable. Both run the same code, kept here as
 * JavaScript text because a worker started from source cannot import our TypeScript. The page
 * comes already checked and encoded (DataTable.encodePulled): the worker only executes SQL.
 */
import type Database from 'better-sqlite3';
import type { SqlValue } from './codec';
import type { PulledPageResult } from './types';

export interface SqlWrite {
  sql: string;
  params: SqlValue[];
}

export interface PulledPageWrite {
  /** The upsert statement, and its parameters for every row one after the other, each row's id first. */
  upsertSql: string;
  values: SqlValue[];
  valuesPerRow: number;
  deleteSql: string;
  deletions: string[];
  /** Selects the ids of records with queued operations: those rows are not touched. */
  pending: SqlWrite;
  /** Written last in the same transaction (the watermark). */
  then: SqlWrite[];
}

/**
 * `applyPulledPage(db, page)`: `db` is a better-sqlite3 Database, `statement(sql)` a prepared
 * statement cache. BEGIN IMMEDIATE: the queued operations are read under the write lock, so an
 * edit made on the main connection while a page was on its way is seen and respected.
 */
export const APPLY_PULLED_PAGE_SOURCE = `
function applyPulledPage(db, statement, page) {
  return db.transaction(() => {
    const pending = new Set(statement(page.pending.sql).raw(true).all(...page.pending.params).map((row) => row[0]));
    const result = { upserted: 0, deleted: 0, skippedPending: 0 };
    if (page.values.length > 0) {
      const upsert = statement(page.upsertSql);
      for (let start = 0; start < page.values.length; start += page.valuesPerRow) {
        const row = page.values.slice(start, start + page.valuesPerRow);
        if (pending.has(row[0])) result.skippedPending++;
        else { upsert.run(row); result.upserted++; }
      }
    }
    if (page.deletions.length > 0) {
      const remove = statement(page.deleteSql);
      for (const id of page.deletions) {
        if (pending.has(id)) result.skippedPending++;
        else result.deleted += remove.run(id).changes;
      }
    }
    for (const write of page.then) statement(write.sql).run(...write.params);
    return result;
  }).immediate();
}
`;

type ApplyPulledPage = (
  db: Database.Database,
  statement: (sql: string) => Database.Statement,
  page: PulledPageWrite,
) => PulledPageResult;

/** The same function on this thread, for when the worker is unavailable. */
export function pulledPageWriter(db: Database.Database): (page: PulledPageWrite) => PulledPageResult {
  // Our own constant source (see above), compiled once per connection.
  const apply = new Function(`${APPLY_PULLED_PAGE_SOURCE}; return applyPulledPage;`)() as ApplyPulledPage;
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string): Database.Statement => {
    let prepared = statements.get(sql);
    if (!prepared) {
      prepared = db.prepare(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  };
  return (page) => apply(db, statement, page);
}
