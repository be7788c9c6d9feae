/**
 * Columns a backend does not store. A table created from the seed's schema (text, complete)
 * refuses a request naming another column (500 "no column named dueDate"); a .NET backend
 * drops unknown properties silently, so its reply to a push lacks them. Either way the
 * field must stay on this computer: it is no longer sent to that backend, and a record from
 * the server that lacks it never blanks the local value.
 *
 * What is learned is kept per backend in the store (a new address starts over, since it
 * may store more), and the person hears about it when it is learned.
 *
 * Push and pull call this module at four narrow points (see push.ts / pull.ts): strip the
 * body, learn from a reply, learn from a refusal, and keep absent fields when writing rows.
 */
import type { JsonValue } from '../../common/table-schema';
import type { DataTable, Store } from '../store/types';
import { SyncHttpError } from './errors';
import type { LocalRecord, RecordShape, RecordSnapshot, ServerRecord } from './records';

const STORE_KEY = 'sync.localOnlyColumns';

/** backend → table → columns it does not store. */
type Learned = Record<string, Record<string, { columns: string[] }>>;

export interface LocalOnlyColumnsNotice {
  tableName: string;
  columns: string[];
}

/** The server's words for "there is no such column", from the SQLite and SQL Server providers. */
const MISSING_COLUMN =
  /(?:no (?:such )?column(?: named)?|invalid column name)[:\s]+['"[]?([A-Za-z_][A-Za-z0-9_]*)/i;

export class ColumnSupport {
  private readonly listeners = new Set<(notice: LocalOnlyColumnsNotice) => void>();

  constructor(
    private readonly store: () => Store | undefined,
    /** Which backend the learned columns belong to; null when there is none. */
    private readonly backend: () => string | null,
  ) {}

  /**
   * Called each time a backend turns out not to store more columns, with all of them so far.
   * A fixed schema names one refused column per request, so several may follow one another
   * in one push: the listener gathers them into one message. Learned columns are kept, so the
   * same backend never triggers it again.
   */
  onLocalOnly(listener: (notice: LocalOnlyColumnsNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The columns of `tableName` the current backend does not store. */
  localOnly(tableName: string): readonly string[] {
    const backend = this.backend();
    if (backend === null) return [];
    return this.read()[backend]?.[tableName]?.columns ?? [];
  }

  /** A push body without the columns the backend does not store. */
  forServer(tableName: string, body: RecordSnapshot): RecordSnapshot {
    const skip = this.localOnly(tableName);
    if (skip.length === 0) return body;
    const kept: RecordSnapshot = {};
    for (const [key, value] of Object.entries(body)) if (!skip.includes(key)) kept[key] = value;
    return kept;
  }

  /** A push succeeded: user fields we sent that the reply lacks are not stored there. */
  learnFromReply(shape: RecordShape, sent: RecordSnapshot, reply: ServerRecord): void {
    const dropped = shape.userColumns.filter((column) => column in sent && !(column in reply));
    if (dropped.length > 0) this.learn(shape.tableName, dropped);
  }

  /**
   * A push was refused. When the refusal names a column we sent, it is not stored there:
   * the caller sends the operation again without it (returns true). Otherwise false.
   */
  learnFromRefusal(shape: RecordShape, sent: RecordSnapshot, error: unknown): boolean {
    if (!(error instanceof SyncHttpError) || (error.status !== 500 && error.status !== 400)) return false;
    const text = `${error.message} ${typeof error.body === 'string' ? error.body : JSON.stringify(error.body ?? '')}`;
    const named = MISSING_COLUMN.exec(text)?.[1];
    if (!named || !shape.isUserColumn(named) || !(named in sent)) return false;
    if (this.localOnly(shape.tableName).includes(named)) return false;
    this.learn(shape.tableName, [named]);
    return true;
  }

  private learn(tableName: string, columns: readonly string[]): void {
    const store = this.store();
    const backend = this.backend();
    if (!store || backend === null) return;
    let notice: LocalOnlyColumnsNotice | undefined;
    store.transaction(() => {
      const learned = this.read();
      const entry = (learned[backend] ??= {})[tableName] ?? { columns: [] };
      const added = columns.filter((column) => !entry.columns.includes(column));
      if (added.length === 0) return;
      entry.columns = [...entry.columns, ...added];
      notice = { tableName, columns: [...entry.columns] };
      learned[backend][tableName] = entry;
      store.keyValues.set(STORE_KEY, learned as unknown as JsonValue);
    });
    if (notice) for (const listener of this.listeners) listener(notice);
  }

  private read(): Learned {
    const value = this.store()?.keyValues.get(STORE_KEY);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as unknown as Learned) : {};
  }
}

/**
 * Records from the server that lack a declared column say nothing about it: the local row's
 * value is copied in before the rows are written, so a server that does not store a column
 * never blanks it. Ordinary servers send every column, so the check is one pass over the keys.
 * Mutates and returns `records`.
 */
export function keepAbsentFields<R extends LocalRecord>(
  table: DataTable<LocalRecord>,
  shape: RecordShape,
  records: R[],
): R[] {
  for (const record of records) {
    let current: LocalRecord | undefined;
    let looked = false;
    for (const column of shape.userColumns) {
      if (column in record) continue;
      if (!looked) {
        current = table.lookup(record.id);
        looked = true;
      }
      if (current && column in current) (record as Record<string, unknown>)[column] = current[column];
    }
  }
  return records;
}
