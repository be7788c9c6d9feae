/**
 * The query builder of a sync table, read like the SDK's:
 *
 *   todoItemTable.where({ complete: false }).orderBy('createdAt').take(50).read()
 *
 * The same object describes a local read and, through `syncContext.pull(query)`, which
 * server rows to pull (only its table and where-conditions matter there).
 */
import type { StoreQuery, Where } from '../store/types';
import { SyncUsageError } from './errors';
import type { LocalRecord } from './records';

/** What pull and purge read of a query: its table and its where-conditions. */
export interface TableQuery {
  readonly tableName: string;
  getWhere(): object | undefined;
}

/** The rows, with `totalCount` when `includeTotalCount()` was asked. */
export type ReadResult<R> = R[] & { totalCount?: number };

type Column<R> = keyof R & string;

export class Query<R extends object = LocalRecord> implements TableQuery {
  readonly tableName: string;
  private conditions: Where<R> | undefined;
  private readonly ordering: { column: string; direction: 'asc' | 'desc' }[] = [];
  private skipCount: number | undefined;
  private takeCount: number | undefined;
  private withTotal = false;
  private columns: string[] | undefined;
  /** Held as an object with a method, so a Query of a narrower row type stays assignable. */
  private readonly reader: { read(query: Query<R>): Promise<ReadResult<R>> } | undefined;

  constructor(tableName: string, reader?: (query: Query<R>) => Promise<ReadResult<R>>) {
    this.tableName = tableName;
    this.reader = reader ? { read: reader } : undefined;
    if (typeof tableName !== 'string' || tableName === '')
      throw new SyncUsageError('A query needs a table name.');
  }

  /** ANDs `conditions` with earlier ones; a column may appear in only one where() call. */
  where(conditions: Where<R>): this {
    if (typeof conditions !== 'object' || conditions === null) {
      throw new SyncUsageError('where() takes an object such as { complete: false }.');
    }
    if (this.conditions) {
      const repeated = Object.keys(conditions).filter((key) => key in (this.conditions as object));
      if (repeated.length > 0) {
        throw new SyncUsageError(
          `where() was given "${repeated.join('", "')}" twice; combine the conditions instead.`,
        );
      }
    }
    this.conditions = { ...this.conditions, ...conditions };
    return this;
  }

  orderBy(column: Column<R>): this {
    this.ordering.push({ column, direction: 'asc' });
    return this;
  }

  orderByDescending(column: Column<R>): this {
    this.ordering.push({ column, direction: 'desc' });
    return this;
  }

  skip(count: number): this {
    this.skipCount = wholeNumber(count, 'skip');
    return this;
  }

  take(count: number): this {
    this.takeCount = wholeNumber(count, 'take');
    return this;
  }

  includeTotalCount(): this {
    this.withTotal = true;
    return this;
  }

  select(...columns: Column<R>[]): this {
    this.columns = columns;
    return this;
  }

  getWhere(): Where<R> | undefined {
    return this.conditions;
  }

  toStoreQuery(): StoreQuery<R> {
    const query: StoreQuery<R> = {};
    if (this.conditions) query.where = this.conditions;
    if (this.ordering.length > 0) query.orderBy = this.ordering as unknown as StoreQuery<R>['orderBy'];
    if (this.skipCount !== undefined) query.skip = this.skipCount;
    if (this.takeCount !== undefined) query.take = this.takeCount;
    if (this.withTotal) query.includeTotal = true;
    if (this.columns) query.select = this.columns as unknown as StoreQuery<R>['select'];
    return query;
  }

  /** Reads the local table. */
  read(): Promise<ReadResult<R>> {
    if (!this.reader) {
      return Promise.reject(
        new SyncUsageError(
          `This query is not bound to a table: use client.getSyncTable('${this.tableName}').where(...)`,
        ),
      );
    }
    return this.reader.read(this);
  }
}

function wholeNumber(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0)
    throw new SyncUsageError(`${name}() takes a whole number of at least 0.`);
  return value;
}
