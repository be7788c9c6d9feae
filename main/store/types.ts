/**
 * The store's public surface. The store module is the only place in the project that
 * holds SQL text; the sync engine, the services and the benchmark use these methods.
 * All methods are synchronous (better-sqlite3), so a caller composes atomic batches by
 * calling them inside `store.transaction(() => …)`.
 */
import type {
  ColumnMap,
  JsonValue,
  RecordOf,
  SystemColumns,
  TableDeclaration,
} from '../../common/table-schema';
import type { OperationAction } from '../../common/sync-types';

// ------------------------------------------------------------------ queries

export interface FieldOperators<V> {
  eq?: V | null;
  ne?: V | null;
  lt?: V;
  le?: V;
  gt?: V;
  ge?: V;
  /** A null in the list also matches rows whose value is null. */
  in?: readonly (V | null)[];
  /** Strings only; case-insensitive on caseInsensitive columns. */
  contains?: string;
  /** Strings only; case-insensitive on caseInsensitive columns. */
  startsWith?: string;
}

/** `{ complete: false }` or `{ createdAt: { ge: date } }`; all entries are ANDed. */
export type Where<R> = {
  [K in keyof R]?: R[K] | null | FieldOperators<NonNullable<R[K]>>;
} & {
  /** Any of these groups matches (each group is ANDed inside). */
  $or?: readonly Where<R>[];
};

export interface OrderBy<R> {
  column: keyof R & string;
  direction?: 'asc' | 'desc';
}

export interface StoreQuery<R> {
  where?: Where<R>;
  orderBy?: readonly OrderBy<R>[];
  skip?: number;
  take?: number;
  /** Also count every row matching `where`, ignoring skip/take. */
  includeTotal?: boolean;
  select?: readonly (keyof R & string)[];
}

export interface QueryResult<R> {
  items: R[];
  /** Present when `includeTotal` was asked. */
  total?: number;
}

// ------------------------------------------------------------------ data tables

/** Insert input: id is generated when absent; omitted columns take their defaults. */
export type InsertInput<R> = Partial<R>;

export interface DataTable<R> {
  readonly declaration: TableDeclaration;
  lookup(id: string): R | undefined;
  query(query?: StoreQuery<R>): QueryResult<R>;
  /** Inserts; throws StoreError('constraint') when the id exists. */
  insert(record: InsertInput<R>): R;
  /** Partial update; throws StoreError('not-found') when the id does not exist. */
  update(id: string, changes: Partial<R>): R;
  /** Returns whether a row was deleted. */
  delete(id: string): boolean;
  /** Inserts or replaces whole rows (the pull path); one prepared statement, no re-read. */
  upsertMany(records: readonly InsertInput<R>[]): void;
  deleteMany(ids: readonly string[]): number;
  count(where?: Where<R>): number;
  /** Deletes every row matching `where` (all rows when absent); returns how many. */
  clear(where?: Where<R>): number;
}

// ------------------------------------------------------------------ sync system tables

/** One queued local change, persisted in the same transaction as the data write. */
export interface OperationRecord {
  /** Monotonic: queue order. */
  id: number;
  tableName: string;
  recordId: string;
  action: OperationAction;
  /** The record's server version at edit time (sent as If-Match). */
  version: string | null;
  /** The record as it was before the first pending edit: the base of a three-way merge. */
  base: Record<string, JsonValue> | null;
  /** For deletes: the record as it was when deleted, so it can be restored or exported. */
  item: Record<string, JsonValue> | null;
  /** True while a push has this operation in flight: it is never collapsed into. */
  pushing: boolean;
  /**
   * The user fields last sent for this operation, set before the request leaves: the server
   * may have applied it even though no reply came. Null while the operation was never sent.
   */
  sent: Record<string, JsonValue> | null;
  attempts: number;
  createdAt: Date;
}

export type NewOperation = Omit<OperationRecord, 'id' | 'pushing' | 'sent' | 'attempts' | 'createdAt'>;

export interface OperationLog {
  append(op: NewOperation): OperationRecord;
  get(id: number): OperationRecord | undefined;
  /** Queue order; optionally one table or one record. */
  list(filter?: { tableName?: string; recordId?: string }): OperationRecord[];
  /** The pending operations of one record, in queue order. */
  forRecord(tableName: string, recordId: string): OperationRecord[];
  update(id: number, changes: Partial<Omit<OperationRecord, 'id'>>): OperationRecord;
  remove(id: number): boolean;
  countByTable(): Record<string, number>;
  /** The newest queued operation's id in any table (0 when none): a cheap "was anything queued since?". */
  newestId(): number;
  /** Record ids with pending operations, for a table (pull must not overwrite them). */
  pendingRecordIds(tableName: string): Set<string>;
  /** Clears the pushing flag on every operation (after a crash mid-push). */
  resetPushing(): void;
}

export interface SyncIssueRecord {
  id: number;
  operationId: number;
  kind: 'conflict' | 'rejected';
  tableName: string;
  recordId: string;
  action: OperationAction;
  httpStatus: number | null;
  message: string;
  serverRecord: Record<string, JsonValue> | null;
  clientRecord: Record<string, JsonValue> | null;
  baseRecord: Record<string, JsonValue> | null;
  createdAt: Date;
}

export type NewSyncIssue = Omit<SyncIssueRecord, 'id' | 'createdAt'>;

/** Push conflicts and errors left for the person; they survive restarts. */
export interface SyncIssueLog {
  add(issue: NewSyncIssue): SyncIssueRecord;
  get(id: number): SyncIssueRecord | undefined;
  list(filter?: { kind?: 'conflict' | 'rejected'; tableName?: string }): SyncIssueRecord[];
  forOperation(operationId: number): SyncIssueRecord | undefined;
  remove(id: number): boolean;
  /** The person changed the record while the issue was listed: what it shows follows. Undefined if gone. */
  updateClientSide(
    id: number,
    changes: Partial<Pick<SyncIssueRecord, 'action' | 'clientRecord'>>,
  ): SyncIssueRecord | undefined;
  removeForOperation(operationId: number): number;
  count(filter?: { kind?: 'conflict' | 'rejected' }): number;
}

/** Incremental pull state per (table, queryId). */
export interface PullWatermark {
  tableName: string;
  queryId: string;
  /** Highest updatedAt applied so far. */
  updatedAt: Date;
  /**
   * Ids (with their versions) already applied at exactly `updatedAt`, kept while the server
   * may still write rows with that same timestamp (the next pull reads that millisecond again
   * and skips these). Empty once the server's clock has moved past it.
   */
  seenAtWatermark: Record<string, string>;
  /** The id of the last row applied (rows are applied in (updatedAt, id) order); null in old watermarks. */
  lastId: string | null;
}

export interface WatermarkStore {
  get(tableName: string, queryId: string): PullWatermark | undefined;
  set(watermark: PullWatermark): void;
  /** Clears every watermark of a table (purge); returns how many. */
  clearTable(tableName: string): number;
}

/** Small JSON values: installation id, settings, window state. */
export interface KeyValueStore {
  get(key: string): JsonValue | undefined;
  set(key: string, value: JsonValue): void;
  delete(key: string): boolean;
}

// ------------------------------------------------------------------ the store

export interface StoreNotice {
  kind: 'recovered-from-corruption';
  /** Where the unreadable file was moved; it is kept, never deleted. */
  preservedAt: string;
  message: string;
}

export interface TransactionOptions {
  /** 'full' (the default) waits for the disk on commit. */
  durability?: 'full' | 'relaxed';
}

export interface Store {
  readonly path: string;
  /** Set when opening had to do something the person should hear about. */
  readonly notice: StoreNotice | null;
  /** The table of a declaration, declared (created or migrated) on first use, at run time too; idempotent. */
  table<C extends ColumnMap>(declaration: TableDeclaration<C>): DataTable<RecordOf<TableDeclaration<C>>>;
  /** The table declared under `name`, untyped (the sync engine works on any table); throws 'unknown-table'. */
  tableByName(name: string): DataTable<SystemColumns & Record<string, unknown>>;
  /** Every declared table. */
  readonly declarations: readonly TableDeclaration[];
  /**
   * Runs `fn` atomically; nested calls become savepoints. A throw rolls everything back.
   * `durability: 'relaxed'` commits without waiting for the disk: still atomic and crash-safe,
   * but an OS crash or power loss may undo it. Only for data that can be fetched again (a
   * pulled page with its watermark). Inside another transaction the outer one decides.
   */
  transaction<T>(fn: () => T, options?: TransactionOptions): T;
  /**
   * Writes one pulled page in one transaction with relaxed durability (see `transaction`): its
   * rows upserted and its deletions made, except for records with queued operations, then its
   * watermark. On the store's worker thread when it has one, so the main thread stays free.
   */
  writePulledPage(tableName: string, page: PulledPage): Promise<PulledPageResult>;
  /**
   * Pulled pages will come: starts the worker thread that writes them now (it takes 60–110 ms
   * to start, which the first page would otherwise wait for). Harmless to call again. Resolves
   * once the worker is up, or the main thread will do its work; never rejects.
   */
  expectPulls(): Promise<void>;
  readonly operations: OperationLog;
  readonly syncIssues: SyncIssueLog;
  readonly watermarks: WatermarkStore;
  readonly keyValues: KeyValueStore;
  close(): void;
}

export interface PulledPage {
  upserts: readonly (SystemColumns & Record<string, unknown>)[];
  /** Ids the server deleted. */
  deletions: readonly string[];
  watermark?: PullWatermark | undefined;
}

export interface PulledPageResult {
  upserted: number;
  deleted: number;
  /** Rows and deletions left alone because the record has queued operations. */
  skippedPending: number;
  /** Rows already stored exactly as the server sent them (this client's own pushes, coming back): not rewritten. */
  unchanged: number;
}

export interface OpenStoreOptions {
  /** The database file; the app passes a file in its user-data folder. */
  path: string;
  tables: readonly TableDeclaration[];
  /** How long a write waits for another connection's lock before StoreError('locked'); 5000 by default. */
  busyTimeoutMs?: number;
  /**
   * better-sqlite3's compiled addon to load instead of the installed one. Development only: the
   * Electron smoke test points the app at the Electron build while the Node build stays in place
   * for the test runner that is loading it at the same time.
   */
  nativeBinding?: string;
}

export type StoreErrorCode =
  | 'invalid-query'
  | 'invalid-value'
  | 'unknown-table'
  | 'not-found'
  | 'constraint'
  | 'newer-schema'
  | 'corrupt'
  | 'locked'
  | 'read-only'
  | 'io';

export type { ColumnMap, RecordOf, TableDeclaration };
