/**
 * Opening the database file safely, and the Store object over it.
 *
 * Order at open matters: the file is inspected (header bytes read with plain fs) before SQLite
 * touches it, so a file from a newer app version is refused without a single byte written, and
 * a file that is not a database is moved aside (kept) instead of being overwritten.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import Database from 'better-sqlite3';
import type { ColumnMap, RecordOf, SystemColumns, TableDeclaration } from '../../common/table-schema';
import { isPlainObject } from './codec';
import { Connection } from './connection';
import { SqliteDataTable, type Row } from './data-table';
import { StoreError, storeMessages, translateSqliteError } from './errors';
import type { CompiledStatement } from './query-compiler';
import { ensureTable, migrateSystemTables, readSchemaVersion, STORE_SCHEMA_VERSION } from './schema';
import {
  createKeyValueStore,
  createOperationLog,
  createSyncIssueLog,
  createWatermarkStore,
  pendingRecordIdsQuery,
  watermarkWrite,
} from './system-tables';
import { buildLayout, declarationKey, validateDeclaration } from './table-layout';
import { StoreWorker, WAL_SIZE_LIMIT_BYTES } from './store-worker';
import type {
  DataTable,
  KeyValueStore,
  OpenStoreOptions,
  OperationLog,
  PulledPage,
  PulledPageResult,
  Store,
  StoreNotice,
  StoreQuery,
  SyncIssueLog,
  TransactionOptions,
  WatermarkStore,
} from './types';

/** The SQL a query runs, exactly: the benchmark runs it raw to compare. */
export interface ExplainedQuery {
  select: CompiledStatement;
  count: CompiledStatement | null;
}

/** The Store, plus what only tools (benchmark, diagnostics) need. */
export interface LocalStore extends Store {
  /**
   * Overwrites what deleted rows left in the file (secure_delete, VACUUM, then a truncated WAL):
   * after a secret such as a plaintext token was removed, its bytes are gone from the disk file too.
   */
  eraseDeletedContent(): void;
  explainQuery(
    tableName: string,
    query?: StoreQuery<SystemColumns & Record<string, unknown>>,
  ): ExplainedQuery;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/**
 * 16 MB of page cache per connection (the default is 2 MB): 100,000 todos fit, so list queries
 * and bulk pulls do not spill pages back and forth through the OS.
 */
const PAGE_CACHE_KIB = 16_384;
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

/** Thrown inside opening when the file cannot be read as a database; triggers the move-aside. */
class UnreadableDatabase extends Error {}

function isErrno(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}

function readOnlyError(path: string, cause?: unknown): StoreError {
  return new StoreError('read-only', `${storeMessages.READ_ONLY_MESSAGE} (${path})`, { cause });
}

function canWrite(path: string): boolean {
  try {
    fs.accessSync(path, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Looks at the file before SQLite does: 'new' when SQLite will create it, 'existing' when it
 * is a database to probe. Throws StoreError for newer-schema / read-only / io, and
 * UnreadableDatabase when it is not a database.
 */
function inspectFile(path: string): 'new' | 'existing' {
  const folder = nodePath.dirname(path);
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (error) {
    if (isErrno(error, 'EACCES', 'EPERM', 'EROFS')) throw readOnlyError(folder, error);
    throw new StoreError('io', `Todo Sync cannot create the folder for its database (${folder}).`, {
      cause: error,
    });
  }
  let header: Buffer;
  let size: number;
  try {
    const stat = fs.statSync(path);
    if (!stat.isFile()) throw new StoreError('io', `The database path ${path} is not a file.`);
    size = stat.size;
    header = Buffer.alloc(100);
    const handle = fs.openSync(path, 'r');
    try {
      fs.readSync(handle, header, 0, 100, 0);
    } finally {
      fs.closeSync(handle);
    }
  } catch (error) {
    if (error instanceof StoreError) throw error;
    if (isErrno(error, 'ENOENT')) {
      // A new file: SQLite will create it and its -wal/-shm files in the folder.
      if (!canWrite(folder)) throw readOnlyError(folder);
      return 'new';
    }
    if (isErrno(error, 'EACCES', 'EPERM')) {
      throw new StoreError(
        'io',
        `Todo Sync is not allowed to read its database file (${path}). Check its permissions.`,
        {
          cause: error,
        },
      );
    }
    throw new StoreError('io', `Todo Sync could not read its database file (${path}).`, { cause: error });
  }
  // An empty file is what SQLite itself leaves when it was killed while creating one.
  if (size === 0) {
    if (!canWrite(path) || !canWrite(folder)) throw readOnlyError(path);
    return 'new';
  }
  if (size < 100 || !header.subarray(0, 16).equals(SQLITE_HEADER))
    throw new UnreadableDatabase('not a SQLite file');
  const fileVersion = header.readInt32BE(60);
  if (fileVersion > STORE_SCHEMA_VERSION) throw newerSchemaError(path, fileVersion);
  // WAL keeps -wal and -shm files next to the database, so the folder must be writable too.
  if (!canWrite(path) || !canWrite(folder)) throw readOnlyError(path);
  return 'existing';
}

function newerSchemaError(path: string, fileVersion: number): StoreError {
  return new StoreError(
    'newer-schema',
    `This database (${path}) was written by a newer version of Todo Sync (data format ${fileVersion}; this ` +
      `version understands up to ${STORE_SCHEMA_VERSION}). Update Todo Sync to open it; the file was left untouched.`,
  );
}

function timestampSuffix(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/** Renames the file and its side files to `<path>.corrupt-<time>`; never deletes anything. */
function moveAside(path: string): string {
  let target = `${path}.corrupt-${timestampSuffix()}`;
  for (let attempt = 1; fs.existsSync(target); attempt++)
    target = `${path}.corrupt-${timestampSuffix()}-${attempt}`;
  try {
    fs.renameSync(path, target);
    for (const suffix of SIDE_FILES) {
      // Same suffixes on the new name, so SQLite can open the preserved set as it was.
      if (fs.existsSync(`${path}${suffix}`)) fs.renameSync(`${path}${suffix}`, `${target}${suffix}`);
    }
  } catch (error) {
    throw new StoreError(
      'corrupt',
      `The Todo Sync database (${path}) is damaged and could not be moved aside to start a fresh one. ` +
        'Move or rename the file yourself, then restart Todo Sync.',
      { cause: error },
    );
  }
  return target;
}

function isUnreadableSqliteError(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'SqliteError') return false;
  const code = (error as Error & { code?: string }).code ?? '';
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

/**
 * Checks an existing file through a read-only connection: it never writes the file, and closing
 * it neither checkpoints nor deletes the WAL. So a file we then refuse (newer schema) or move
 * aside (damaged) is left exactly as we found it, WAL included.
 */
function probeExistingFile(path: string, busyTimeoutMs: number, nativeBinding: string | undefined): void {
  let probe: Database.Database;
  try {
    probe = new Database(path, {
      readonly: true,
      fileMustExist: true,
      timeout: busyTimeoutMs,
      nativeBinding,
    });
  } catch (error) {
    if (isUnreadableSqliteError(error))
      throw new UnreadableDatabase('SQLite cannot open it', { cause: error });
    throw translateSqliteError(error, `Opening the database ${path}`);
  }
  try {
    // The WAL may hold a newer version number than the header inspectFile read.
    const fileVersion = probe.pragma('user_version', { simple: true }) as number;
    if (fileVersion > STORE_SCHEMA_VERSION) throw newerSchemaError(path, fileVersion);
    // quick_check reads every page once (about 0.1 s at 100,000 todos): a damaged page found now
    // means the person starts on a fresh file with the old one kept, instead of errors later.
    const check = probe.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') throw new UnreadableDatabase(`quick_check: ${String(check)}`);
  } catch (error) {
    if (isUnreadableSqliteError(error))
      throw new UnreadableDatabase('SQLite cannot read it', { cause: error });
    throw translateSqliteError(error, `Opening the database ${path}`);
  } finally {
    probe.close();
  }
}

function openDatabase(
  path: string,
  busyTimeoutMs: number,
  nativeBinding: string | undefined,
): Database.Database {
  if (inspectFile(path) === 'existing') probeExistingFile(path, busyTimeoutMs, nativeBinding);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: busyTimeoutMs, nativeBinding });
  } catch (error) {
    if (isUnreadableSqliteError(error))
      throw new UnreadableDatabase('SQLite cannot open it', { cause: error });
    throw translateSqliteError(error, `Opening the database ${path}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    // Durability: this file holds edits that exist nowhere else until they sync. WAL with
    // synchronous=NORMAL survives a process crash but can lose the last commits on power loss
    // or an OS crash; FULL syncs the WAL on every commit and survives both. The cost is one
    // fsync per transaction, which is small for person-paced edits, and bulk writes (pull,
    // import) commit as one transaction.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    return db;
  } catch (error) {
    db.close();
    if (isUnreadableSqliteError(error))
      throw new UnreadableDatabase('SQLite cannot read it', { cause: error });
    throw translateSqliteError(error, `Opening the database ${path}`);
  }
}

interface DeclaredTable {
  key: string;
  table: SqliteDataTable;
}

const ROWS_ENCODED_PER_TURN = 250;

class SqliteStore implements LocalStore {
  readonly operations: OperationLog;
  readonly syncIssues: SyncIssueLog;
  readonly watermarks: WatermarkStore;
  readonly keyValues: KeyValueStore;
  private readonly tables = new Map<string, DeclaredTable>();

  constructor(
    readonly path: string,
    private readonly connection: Connection,
    readonly notice: StoreNotice | null,
  ) {
    this.operations = createOperationLog(connection);
    this.syncIssues = createSyncIssueLog(connection);
    this.watermarks = createWatermarkStore(connection);
    this.keyValues = createKeyValueStore(connection);
  }

  table<C extends ColumnMap>(declaration: TableDeclaration<C>): DataTable<RecordOf<TableDeclaration<C>>> {
    return this.declare(declaration) as unknown as DataTable<RecordOf<TableDeclaration<C>>>;
  }

  private declare(declaration: unknown): SqliteDataTable {
    validateDeclaration(declaration);
    const key = declarationKey(declaration);
    const known = this.tables.get(declaration.name);
    if (known?.key === key) return known.table;
    for (const name of this.tables.keys()) {
      if (name !== declaration.name && name.toLowerCase() === declaration.name.toLowerCase()) {
        throw new StoreError(
          'invalid-query',
          `Table ${declaration.name} clashes with table ${name} (names ignore case).`,
        );
      }
    }
    const layout = buildLayout(declaration);
    this.connection.guard(`Preparing table ${declaration.name}`, () => ensureTable(this.connection, layout));
    const table = new SqliteDataTable(this.connection, layout);
    this.tables.set(declaration.name, { key, table });
    return table;
  }

  /** The declared table called `name`; throws 'unknown-table'. */
  private declared(name: string): SqliteDataTable {
    const known = typeof name === 'string' ? this.tables.get(name) : undefined;
    if (!known) throw new StoreError('unknown-table', `No table named "${String(name)}" is declared.`);
    return known.table;
  }

  tableByName(name: string): DataTable<SystemColumns & Record<string, unknown>> {
    return this.declared(name) as unknown as DataTable<SystemColumns & Record<string, unknown>>;
  }

  get declarations(): readonly TableDeclaration[] {
    return [...this.tables.values()].map((entry) => entry.table.declaration);
  }

  transaction<T>(fn: () => T, options?: TransactionOptions): T {
    const relaxed = options?.durability === 'relaxed';
    return this.connection.guard('Saving changes', () =>
      relaxed ? this.connection.relaxedTransaction(fn) : this.connection.transaction(fn),
    );
  }

  expectPulls(): Promise<void> {
    return this.connection.warmUpWorker();
  }

  async writePulledPage(tableName: string, page: PulledPage): Promise<PulledPageResult> {
    const table = this.declared(tableName);
    // Encoded a slice per turn of the event loop: a page at once holds it for several ms.
    const encoded = table.encodePulled([], page.deletions);
    for (let start = 0; start < page.upserts.length; start += ROWS_ENCODED_PER_TURN) {
      if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const slice = page.upserts.slice(start, start + ROWS_ENCODED_PER_TURN);
      for (const value of table.encodePulled(slice, []).values) encoded.values.push(value);
    }
    return this.connection.writePulledPage(
      {
        ...encoded,
        pending: pendingRecordIdsQuery(tableName),
        then: page.watermark ? [watermarkWrite(page.watermark)] : [],
      },
      'Saving pulled records',
    );
  }

  explainQuery(tableName: string, query?: StoreQuery<Row>): ExplainedQuery {
    const { select, count } = this.declared(tableName).explain(query);
    return { select, count };
  }

  eraseDeletedContent(): void {
    this.connection.guard('Erasing deleted data', () => {
      const db = this.connection.db;
      db.pragma('secure_delete = ON');
      db.exec('VACUUM');
      db.pragma('wal_checkpoint(TRUNCATE)');
    });
  }

  close(): void {
    this.connection.close();
  }
}

function createStore(path: string, options: OpenStoreOptions, notice: StoreNotice | null): SqliteStore {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const db = openDatabase(path, busyTimeoutMs, options.nativeBinding);
  // Pulled pages and checkpoints off the main thread: see store-worker.ts.
  const connection = new Connection(
    db,
    new StoreWorker({
      path,
      nativeBinding: options.nativeBinding,
      busyTimeoutMs,
      pageCacheKib: PAGE_CACHE_KIB,
    }),
  );
  try {
    connection.guard('Upgrading the database', () => migrateSystemTables(connection));
    // A concurrent newer app could have migrated between our check and our lock.
    if (readSchemaVersion(connection) > STORE_SCHEMA_VERSION) {
      throw newerSchemaError(path, readSchemaVersion(connection));
    }
    const store = new SqliteStore(path, connection, notice);
    for (const declaration of options.tables) store.table(declaration);
    return store;
  } catch (error) {
    connection.close();
    if (error instanceof StoreError && error.code === 'corrupt') {
      throw new UnreadableDatabase('damaged while preparing tables', { cause: error });
    }
    throw error;
  }
}

function checkOptions(options: unknown): asserts options is OpenStoreOptions {
  if (!isPlainObject(options) || typeof options.path !== 'string' || options.path === '') {
    throw new StoreError('invalid-value', 'openStore needs the path of the database file.');
  }
  if (!Array.isArray(options.tables)) {
    throw new StoreError(
      'invalid-value',
      'openStore needs the list of table declarations (it may be empty).',
    );
  }
  const timeout = options.busyTimeoutMs;
  if (
    timeout !== undefined &&
    (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout < 0)
  ) {
    throw new StoreError('invalid-value', 'busyTimeoutMs must be a whole number of milliseconds.');
  }
}

/**
 * Opens (creating or upgrading) the database at `options.path` and declares `options.tables`.
 * A damaged file is moved aside and a fresh one started; `store.notice` then tells the person.
 * Throws StoreError: newer-schema, read-only, locked, io, corrupt (could not even move it aside).
 */
export function openStore(options: OpenStoreOptions): LocalStore {
  checkOptions(options);
  const path = nodePath.resolve(options.path);
  try {
    return createStore(path, options, null);
  } catch (error) {
    if (!(error instanceof UnreadableDatabase))
      throw translateSqliteError(error, `Opening the database ${path}`);
  }
  const preservedAt = moveAside(path);
  const notice: StoreNotice = {
    kind: 'recovered-from-corruption',
    preservedAt,
    message:
      'Your Todo Sync database could not be read, so Todo Sync started with an empty one. The damaged file was kept at ' +
      `${preservedAt}. Items that had already synced will come back from the server at the next sync.`,
  };
  try {
    return createStore(path, options, notice);
  } catch (error) {
    if (error instanceof UnreadableDatabase) {
      throw new StoreError('corrupt', storeMessages.CORRUPT_MESSAGE, { cause: error });
    }
    throw translateSqliteError(error, `Opening the database ${path}`);
  }
}
