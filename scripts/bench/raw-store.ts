/**
 * The floor of an incremental pull that stores what it fetches: raw paging (raw-http.ts), and
 * each page written with plain SQL into a copy of our app's store file (the same table, indexes
 * and rows), one transaction per page, as an app written straight against better-sqlite3 would:
 * every row an upsert of every column, every deleted row a DELETE. No queue check, no watermark,
 * no worker, no conversion beyond the column layout; durability as our pull's (WAL,
 * synchronous=NORMAL).
 *
 * raw-paging alone fetches and parses: no client that keeps the rows can reach it, because
 * writing 1,000 changed rows into a table of 100,000 costs about as long as fetching them. This
 * baseline says how much of our pull's time is ours and how much is the store's.
 */
import Database from 'better-sqlite3';
import { foldCase } from '../../main/store';
import { rawPaging, type PagingResult } from './raw-http';

/** The columns the store writes for a todo, in its table's order (checked against the file). */
const TODO_COLUMNS = [
  'id',
  'version',
  'createdAt',
  'updatedAt',
  'deleted',
  'text',
  'text$fold',
  'complete',
  'notes',
  'notes$fold',
  'dueDate',
  'reminderAt',
];

/**
 * The todo table's columns in a store file, checked against TODO_COLUMNS: the raw baselines
 * write rows in that layout, so a change to the table must reach them.
 */
export function todoColumnsOf(db: Database.Database): string[] {
  const columns = (db.pragma('table_info(todoitem)') as { name: string }[]).map((column) => column.name);
  if (columns.join() !== TODO_COLUMNS.join()) {
    throw new Error(`the store's todo table changed shape (${columns.join(', ')}); update the raw baselines`);
  }
  return columns;
}

export interface RawStore {
  /** Raw paging from `since`, each page written into the copy before the next is asked. */
  pull(baseUrl: string, options: { pageSize: number; since: string }): Promise<PagingResult>;
  close(): void;
}

/** Copies the store file at `sourcePath` (our app's, with its rows) to `copyPath` and opens it. */
export async function openRawStoreCopy(sourcePath: string, copyPath: string): Promise<RawStore> {
  const source = new Database(sourcePath, { readonly: true, fileMustExist: true });
  try {
    await source.backup(copyPath);
  } finally {
    source.close();
  }
  const db = new Database(copyPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const quoted = todoColumnsOf(db).map((name) => `"${name}"`);
  const upsert = db.prepare(
    `INSERT INTO "todoitem" (${quoted.join(', ')}) VALUES (${quoted.map(() => '?').join(', ')})
     ON CONFLICT("id") DO UPDATE SET ${quoted
       .slice(1)
       .map((name) => `${name} = excluded.${name}`)
       .join(', ')}`,
  );
  const remove = db.prepare('DELETE FROM "todoitem" WHERE "id" = ?');
  const time = (value: unknown): number | null => (typeof value === 'string' ? Date.parse(value) : null);
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  const foldOrNull = (value: string | null): string | null => (value === null ? null : foldCase(value));
  const writePage = db.transaction((rows: readonly Record<string, unknown>[]) => {
    for (const row of rows) {
      if (row.deleted === true) {
        remove.run(row.id);
        continue;
      }
      const notes = text(row.notes);
      upsert.run(
        row.id,
        row.version,
        time(row.createdAt),
        time(row.updatedAt),
        0,
        text(row.text),
        foldOrNull(text(row.text)),
        row.complete === true ? 1 : 0,
        notes,
        foldOrNull(notes),
        text(row.dueDate),
        time(row.reminderAt),
      );
    }
  });
  return {
    pull: (baseUrl, options) => rawPaging(baseUrl, { ...options, onPage: (rows) => writePage(rows) }),
    close: () => db.close(),
  };
}
