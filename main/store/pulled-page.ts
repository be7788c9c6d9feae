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
import type { CompiledStatement } from './query-compiler';
import type { PulledPageResult } from './types';

/** Where a page's rows go: a table, its write columns (quoted, "id" first) and which are indexed. */
export interface PulledPageTarget {
  table: string;
  columns: string[];
  /** Positions in `columns` of the columns some index covers ("id" aside). */
  indexed: number[];
  /** Position in `columns` of "version" (every synced table has it). */
  versionAt: number;
}

export interface PulledPageWrite {
  target: PulledPageTarget;
  /** Every row's values for `target.columns`, one row after the other. */
  values: SqlValue[];
  deleteSql: string;
  deletions: string[];
  /** Selects the ids of records with queued operations: those rows are not touched. */
  pending: CompiledStatement;
  /** Written last in the same transaction (the watermark). */
  then: CompiledStatement[];
}

/**
 * `applyPulledPage(db, statement, page)`: `db` is a better-sqlite3 Database, `statement(sql)` a
 * prepared-statement cache. BEGIN IMMEDIATE: the queued operations are read under the write
 * lock, so an edit made on the main connection while a page was on its way is seen and respected.
 *
 * A row already present is updated with only those indexed columns whose value changed. SQLite
 * rewrites an index entry whenever its column is assigned, even to the same value: an upsert
 * assigning every column dirtied a leaf page of every index for every row (measured with raw
 * SQL, 1,000 edited rows in a table of 100,000: 1,984 WAL pages and 32-40 ms that way, 1,419
 * pages and 23 ms this way). The row's version and indexed values are read first; the page is
 * needed for the update anyway. A row stored exactly as the server sent it is not written at all,
 * and counted as unchanged: every change this client pushed comes back in its next pull, and the
 * person was told "1 update received" for their own edit. Rows are tried as inserts first while
 * they keep turning out new.
 */
export const APPLY_PULLED_PAGE_SOURCE = `
function applyPulledPage(db, statement, page) {
  return db.transaction(() => {
    const pending = new Set(statement(page.pending.sql).raw(true).all(...page.pending.params).map((row) => row[0]));
    const result = { upserted: 0, deleted: 0, skippedPending: 0, unchanged: 0 };
    const target = page.target;
    const width = target.columns.length;
    if (page.values.length > 0) {
      // The look-up reads the version, then the indexed columns: old[1 + k] is the stored
      // value of target.columns[target.indexed[k]]. A new version means a changed row, so only a
      // row whose version is the same is read whole and compared (storedRow: every column but "id").
      const versionAt = target.versionAt;
      const looked = [versionAt].concat(target.indexed).map((position) => target.columns[position]);
      const lookup = statement('SELECT ' + looked.join(', ') + ' FROM ' + target.table + ' WHERE "id" = ?').raw(true);
      const storedRow = statement(
        'SELECT ' + target.columns.slice(1).join(', ') + ' FROM ' + target.table + ' WHERE "id" = ?',
      ).raw(true);
      const sameAsStored = (old, row) => {
        if (row[versionAt] === null || old[0] !== row[versionAt]) return false;
        const stored = storedRow.get(row[0]);
        for (let position = 1; position < width; position++) if (stored[position - 1] !== row[position]) return false;
        return true;
      };
      const insert = statement(
        'INSERT INTO ' + target.table + ' (' + target.columns.join(', ') + ') VALUES (' + target.columns.map(() => '?').join(', ') + ') ON CONFLICT("id") DO NOTHING',
      );
      // Whether the last row was new: then the next is tried as an insert first (a first pull
      // is all inserts, and a look-up before each would cost it a tenth of its time).
      let expectNew = true;
      const updates = new Map();
      const updateFor = (changed) => {
        let update = updates.get(changed);
        if (!update) {
          const positions = [];
          for (let position = 1; position < width; position++) {
            const k = target.indexed.indexOf(position);
            if (k === -1 || changed[k] === '1') positions.push(position);
          }
          const sql = 'UPDATE ' + target.table + ' SET ' + positions.map((position) => target.columns[position] + ' = ?').join(', ') + ' WHERE "id" = ?';
          update = { statement: statement(sql), positions };
          updates.set(changed, update);
        }
        return update;
      };
      for (let start = 0; start < page.values.length; start += width) {
        const row = page.values.slice(start, start + width);
        if (pending.has(row[0])) { result.skippedPending++; continue; }
        if (expectNew && insert.run(row).changes === 1) {
          result.upserted++;
          continue;
        }
        const old = lookup.get(row[0]);
        expectNew = old === undefined;
        if (old === undefined) {
          insert.run(row);
        } else {
          if (sameAsStored(old, row)) {
            result.unchanged++;
            continue;
          }
          let changed = '';
          for (let k = 0; k < target.indexed.length; k++) changed += old[1 + k] === row[target.indexed[k]] ? '0' : '1';
          const update = updateFor(changed);
          const params = update.positions.map((position) => row[position]);
          params.push(row[0]);
          update.statement.run(params);
        }
        result.upserted++;
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
