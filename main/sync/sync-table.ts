/**
 * A local table that records every change for push: `client.getSyncTable('todoitem')`.
 * Each write and its operation-queue entry commit in one store transaction.
 */
import { randomUUID } from 'node:crypto';
import type { SystemColumns } from '../../common/table-schema';
import type { Store } from '../store/types';
import { SyncUsageError } from './errors';
import type { OperationQueue } from './operation-queue';
import { Query, type ReadResult } from './query';
import type { LocalRecord, RecordShape } from './records';
import type { StatusTracker } from './status';

/** What a sync table needs from its sync context. */
export interface SyncTableHost {
  requireStore(): Store;
  readonly queue: OperationQueue;
  shapeOf(tableName: string): RecordShape;
  readonly status: StatusTracker;
}

const MAX_ID_LENGTH = 255;

export class SyncTable<R extends SystemColumns = LocalRecord> {
  constructor(
    private readonly host: SyncTableHost,
    readonly tableName: string,
  ) {}

  /** Inserts locally (a uuid id unless one is given) and queues the insert. */
  async insert(item: Partial<R>): Promise<R> {
    const store = this.host.requireStore();
    const shape = this.host.shapeOf(this.tableName);
    this.rejectUnknownColumns(item, shape);
    const id = item.id ?? randomUUID();
    if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) {
      throw new SyncUsageError(`An item id is a non-empty string of at most ${MAX_ID_LENGTH} characters.`);
    }
    const row = store.transaction(() => {
      this.host.queue.recordInsert(this.tableName, id);
      return store
        .tableByName(this.tableName)
        .insert({ ...shape.userFieldsOf(item as Record<string, unknown>), id });
    });
    this.changed();
    return row as R;
  }

  /** Changes the given user fields of the item with `item.id` and queues the update. */
  async update(item: Partial<R> & { id: string }): Promise<R> {
    const store = this.host.requireStore();
    const shape = this.host.shapeOf(this.tableName);
    this.rejectUnknownColumns(item, shape);
    const changes = shape.userFieldsOf(item as Record<string, unknown>);
    const row = store.transaction(() => {
      const table = store.tableByName(this.tableName);
      const before = this.existing(store, item.id);
      if (Object.keys(changes).length === 0) return before;
      this.host.queue.recordUpdate(this.tableName, before, changes);
      return table.update(before.id, changes);
    });
    this.changed();
    return row as R;
  }

  /** Deletes locally and queues the delete. Accepts the item or its id. */
  async del(item: { id: string } | string): Promise<void> {
    const store = this.host.requireStore();
    const id = typeof item === 'string' ? item : item?.id;
    store.transaction(() => {
      const before = this.existing(store, id);
      this.host.queue.recordDelete(this.tableName, before);
      store.tableByName(this.tableName).delete(before.id);
    });
    this.changed();
  }

  async lookup(id: string): Promise<R | null> {
    const store = this.host.requireStore();
    return (store.tableByName(this.tableName).lookup(id) as R | undefined) ?? null;
  }

  /** Reads the local table: everything, or what `query` selects. */
  async read(query?: Query<R>): Promise<ReadResult<R>> {
    const store = this.host.requireStore();
    if (query && query.tableName !== this.tableName) {
      throw new SyncUsageError(`This query is for "${query.tableName}", not "${this.tableName}".`);
    }
    const storeQuery = query?.toStoreQuery() ?? {};
    const result = store.tableByName(this.tableName).query(storeQuery as never);
    const rows = result.items as ReadResult<R>;
    if (result.total !== undefined) rows.totalCount = result.total;
    return rows;
  }

  /** A query on this table, ready to `read()` or to `pull()`. */
  query(): Query<R> {
    return new Query<R>(this.tableName, (query) => this.read(query));
  }

  where(conditions: Parameters<Query<R>['where']>[0]): Query<R> {
    return this.query().where(conditions);
  }

  orderBy(column: keyof R & string): Query<R> {
    return this.query().orderBy(column);
  }

  orderByDescending(column: keyof R & string): Query<R> {
    return this.query().orderByDescending(column);
  }

  skip(count: number): Query<R> {
    return this.query().skip(count);
  }

  take(count: number): Query<R> {
    return this.query().take(count);
  }

  includeTotalCount(): Query<R> {
    return this.query().includeTotalCount();
  }

  private existing(store: Store, id: unknown): LocalRecord {
    if (typeof id !== 'string' || id === '') throw new SyncUsageError('An item id is needed.');
    const row = store.tableByName(this.tableName).lookup(id) as LocalRecord | undefined;
    if (row) return row;
    this.host.queue.assertNotDeleting(this.tableName, id);
    throw new SyncUsageError(`There is no item ${id} in "${this.tableName}".`);
  }

  private rejectUnknownColumns(item: object, shape: RecordShape): void {
    if (typeof item !== 'object' || item === null) throw new SyncUsageError('An item must be an object.');
    const unknown = Object.keys(item).filter((key) => !shape.isKnownColumn(key));
    if (unknown.length > 0) {
      throw new SyncUsageError(`"${this.tableName}" has no column "${unknown.join('", "')}".`);
    }
  }

  private changed(): void {
    this.host.status.dataChanged(this.tableName);
  }
}
