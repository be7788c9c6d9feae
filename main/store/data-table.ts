/**
 * A declared table: typed reads and writes over one SQLite table. The row type is checked at
 * compile time by the callers' generics and at run time here (the sync engine and IPC hand us
 * values that TypeScript never saw).
 */
import { randomUUID } from 'node:crypto';
import { isPlainObject, quoteIdentifier, type SqlValue } from './codec';
import type { Connection } from './connection';
import { StoreError } from './errors';
import { compileQuery, compileWhere, type CompiledQuery } from './query-compiler';
import { foldSqlValue, indexColumnNames, type ColumnLayout, type TableLayout } from './table-layout';
import type { PulledPageTarget, PulledPageWrite } from './pulled-page';
import type { DataTable, InsertInput, QueryResult, StoreQuery, Where } from './types';

export type Row = Record<string, unknown>;

/** Encoded value to write when a record omits the column, or `undefined` when it must be given. */
function omittedValue(column: ColumnLayout): SqlValue | undefined {
  const declared = column.spec.defaultValue;
  if (declared !== undefined && declared !== null) return column.encode(declared);
  return column.spec.nullable ? null : undefined;
}

/** The table as a pulled page's writer needs it: indexed columns as their index covers them. */
function pulledPageTarget(layout: TableLayout): PulledPageTarget {
  const indexedSql = new Set(
    (layout.declaration.indexes ?? []).flatMap((columns) =>
      indexColumnNames(layout, columns).map(quoteIdentifier),
    ),
  );
  const columns = [...layout.writeColumnsSql];
  const indexed = columns.flatMap((sql, position) => (position > 0 && indexedSql.has(sql) ? [position] : []));
  const versionAt = columns.indexOf('"version"');
  if (versionAt < 1) throw new Error(`Table ${layout.name} has no version column to write pulled rows by.`);
  return { table: layout.sql, columns, indexed, versionAt };
}

export class SqliteDataTable implements DataTable<Row> {
  private readonly omitted: readonly (SqlValue | undefined)[];
  private readonly insertSql: string;
  private readonly upsertSql: string;
  private readonly pulledTarget: PulledPageTarget;
  private readonly lookupSql: string;
  private readonly deleteSql: string;

  constructor(
    private readonly connection: Connection,
    readonly layout: TableLayout,
  ) {
    this.omitted = layout.columns.map(omittedValue);
    const names = layout.writeColumnsSql.join(', ');
    const placeholders = layout.writeColumnsSql.map(() => '?').join(', ');
    this.insertSql = `INSERT INTO ${layout.sql} (${names}) VALUES (${placeholders})`;
    const assignments = layout.writeColumnsSql
      .filter((name) => name !== '"id"')
      .map((name) => `${name} = excluded.${name}`)
      .join(', ');
    // ON CONFLICT DO UPDATE, not INSERT OR REPLACE: replace deletes the old row first, which
    // would fire foreign-key cascades and change its rowid.
    this.upsertSql = `${this.insertSql} ON CONFLICT("id") DO UPDATE SET ${assignments}`;
    this.lookupSql = `SELECT ${layout.selectAllSql} FROM ${layout.sql} WHERE "id" = ?`;
    this.deleteSql = `DELETE FROM ${layout.sql} WHERE "id" = ?`;
    this.pulledTarget = pulledPageTarget(layout);
  }

  get declaration(): TableLayout['declaration'] {
    return this.layout.declaration;
  }

  private label(action: string): string {
    return `${action} in ${this.layout.name}`;
  }

  private checkId(id: unknown, action: string): string {
    if (typeof id !== 'string' || id === '') {
      throw new StoreError('invalid-value', `${this.label(action)}: a record id must be non-empty text.`);
    }
    return id;
  }

  private checkRecord(record: unknown, action: string): Row {
    if (!isPlainObject(record)) {
      throw new StoreError('invalid-value', `${this.label(action)}: a record must be a plain object.`);
    }
    for (const key of Object.keys(record)) {
      if (!this.layout.byName.has(key)) {
        throw new StoreError(
          'invalid-value',
          `${this.label(action)}: table ${this.layout.name} has no column "${key}".`,
        );
      }
    }
    return record;
  }

  /**
   * Fills `out` with every write column's value (fold columns after their column) and returns
   * the id. `now` supplies missing timestamps on local inserts; null writes rows as given.
   */
  private encodeRow(record: Row, out: SqlValue[], now: number | null, offset = 0): string {
    const columns = this.layout.columns;
    let position = offset;
    for (let index = 0; index < columns.length; index++) {
      const column = columns[index] as ColumnLayout;
      const value = record[column.name];
      let encoded: SqlValue | undefined;
      if (value !== undefined) encoded = column.encode(value);
      else if (column.name === 'id' && now !== null) encoded = randomUUID();
      else if ((column.name === 'createdAt' || column.name === 'updatedAt') && now !== null) encoded = now;
      else encoded = this.omitted[index];
      if (encoded === undefined) {
        throw new StoreError('invalid-value', `${this.layout.name}.${column.name} needs a value.`);
      }
      out[position++] = encoded;
      if (column.foldSql) out[position++] = foldSqlValue(encoded);
    }
    const id = out[offset];
    if (typeof id !== 'string' || id === '') {
      throw new StoreError('invalid-value', `${this.layout.name}: a record id must be non-empty text.`);
    }
    return id;
  }

  private decodeWritten(out: readonly SqlValue[]): Row {
    const row: Row = {};
    let position = 0;
    for (const column of this.layout.columns) {
      row[column.name] = column.decode(out[position++]);
      if (column.foldSql) position++;
    }
    return row;
  }

  private decodeRaw(raw: readonly unknown[], columns: readonly ColumnLayout[]): Row {
    const row: Row = {};
    for (let index = 0; index < columns.length; index++) {
      const column = columns[index] as ColumnLayout;
      row[column.name] = column.decode(raw[index]);
    }
    return row;
  }

  lookup(id: string): Row | undefined {
    const key = this.checkId(id, 'Lookup');
    return this.connection.guard(this.label('Lookup'), () => {
      const raw = this.connection.rawRow(this.lookupSql, [key]);
      return raw ? this.decodeRaw(raw, this.layout.columns) : undefined;
    });
  }

  /** The SQL and parameters a query compiles to (for the benchmark and for debugging). */
  explain(query: StoreQuery<Row> = {}): CompiledQuery {
    return compileQuery(this.layout, query);
  }

  query(query: StoreQuery<Row> = {}): QueryResult<Row> {
    const compiled = compileQuery(this.layout, query);
    return this.connection.guard(this.label('Query'), () => {
      const read = (): QueryResult<Row> => {
        const rows = this.connection.rawRows(compiled.select.sql, compiled.select.params);
        const items = rows.map((raw) => this.decodeRaw(raw, compiled.columns));
        if (!compiled.count) return { items };
        return { items, total: this.connection.value(compiled.count.sql, compiled.count.params) as number };
      };
      // The page and its total must come from one snapshot.
      return compiled.count && !this.connection.inTransaction
        ? this.connection.db.transaction(read).deferred()
        : read();
    });
  }

  insert(record: InsertInput<Row>): Row {
    const checked = this.checkRecord(record, 'Insert');
    const values: SqlValue[] = [];
    this.encodeRow(checked, values, Date.now());
    this.connection.guard(this.label('Insert'), () => this.connection.run(this.insertSql, values));
    return this.decodeWritten(values);
  }

  update(id: string, changes: Partial<Row>): Row {
    const key = this.checkId(id, 'Update');
    const checked = this.checkRecord(changes, 'Update');
    const assignments: string[] = [];
    const params: SqlValue[] = [];
    for (const column of this.layout.columns) {
      const value = checked[column.name];
      if (value === undefined) continue;
      if (column.name === 'id') {
        if (value !== key)
          throw new StoreError('invalid-value', `${this.label('Update')}: a record's id cannot change.`);
        continue;
      }
      const encoded = column.encode(value);
      assignments.push(`${column.sql} = ?`);
      params.push(encoded);
      if (column.foldSql) {
        assignments.push(`${column.foldSql} = ?`);
        params.push(foldSqlValue(encoded));
      }
    }
    // A local edit moves updatedAt; the sync engine passes the server's own value explicitly.
    if (checked.updatedAt === undefined) {
      assignments.push('"updatedAt" = ?');
      params.push(Date.now());
    }
    params.push(key);
    const sql = `UPDATE ${this.layout.sql} SET ${assignments.join(', ')} WHERE "id" = ? RETURNING ${this.layout.selectAllSql}`;
    const raw = this.connection.guard(this.label('Update'), () => this.connection.rawRow(sql, params));
    if (!raw) throw new StoreError('not-found', `${this.label('Update')}: no record has the id ${key}.`);
    return this.decodeRaw(raw, this.layout.columns);
  }

  delete(id: string): boolean {
    const key = this.checkId(id, 'Delete');
    return this.connection.guard(
      this.label('Delete'),
      () => this.connection.run(this.deleteSql, [key]).changes > 0,
    );
  }

  upsertMany(records: readonly InsertInput<Row>[]): void {
    if (!Array.isArray(records))
      throw new StoreError('invalid-value', `${this.label('Upsert')}: needs a list of records.`);
    if (records.length === 0) return;
    const label = this.label('Upsert');
    this.connection.guard(label, () =>
      this.connection.transaction(() => {
        const statement = this.connection.statement(this.upsertSql);
        const values: SqlValue[] = [];
        for (const record of records) {
          this.encodeRow(this.checkRecord(record, 'Upsert'), values, null);
          statement.run(values);
        }
      }),
    );
  }

  /**
   * A pulled page's rows and deletions checked and encoded for Store.writePulledPage, which
   * writes them (perhaps on the store's worker thread). The rows' parameters go one after the
   * other into one flat list, each row's starting with its id (one list crosses to a worker
   * far faster than a thousand), with which columns are indexed (see pulled-page.ts).
   */
  encodePulled(
    records: readonly InsertInput<Row>[],
    deletions: readonly string[],
  ): Pick<PulledPageWrite, 'target' | 'values' | 'deleteSql' | 'deletions'> {
    if (!Array.isArray(records) || !Array.isArray(deletions))
      throw new StoreError('invalid-value', `${this.label('Upsert')}: needs lists of records and ids.`);
    const width = this.pulledTarget.columns.length;
    const values: SqlValue[] = new Array<SqlValue>(records.length * width);
    records.forEach((record, index) => {
      this.encodeRow(this.checkRecord(record, 'Upsert'), values, null, index * width);
    });
    const ids = deletions.map((id: unknown) => this.checkId(id, 'Delete'));
    return { target: this.pulledTarget, values, deleteSql: this.deleteSql, deletions: ids };
  }

  deleteMany(ids: readonly string[]): number {
    if (!Array.isArray(ids))
      throw new StoreError('invalid-value', `${this.label('Delete')}: needs a list of ids.`);
    const keys = ids.map((id: unknown) => this.checkId(id, 'Delete'));
    return this.connection.guard(this.label('Delete'), () =>
      this.connection.transaction(() => {
        const statement = this.connection.statement(this.deleteSql);
        let deleted = 0;
        for (const key of keys) deleted += statement.run(key).changes;
        return deleted;
      }),
    );
  }

  count(where?: Where<Row>): number {
    const compiled = compileWhere(this.layout, where);
    return this.connection.guard(
      this.label('Count'),
      () =>
        this.connection.value(
          `SELECT count(*) FROM ${this.layout.sql}${compiled.sql}`,
          compiled.params,
        ) as number,
    );
  }

  clear(where?: Where<Row>): number {
    const compiled = compileWhere(this.layout, where);
    return this.connection.guard(
      this.label('Clear'),
      () => this.connection.run(`DELETE FROM ${this.layout.sql}${compiled.sql}`, compiled.params).changes,
    );
  }
}
