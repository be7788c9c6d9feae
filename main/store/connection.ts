/**
 * One better-sqlite3 connection with a prepared-statement cache: compiling SQL on every call is
 * what makes a thin layer over SQLite slow, so statements are kept by their SQL text.
 */
import type Database from 'better-sqlite3';
import type { SqlValue } from './codec';
import { StoreError, translateSqliteError } from './errors';
import { pulledPageWriter, type PulledPageWrite } from './pulled-page';
import type { StoreWorker } from './store-worker';
import type { PulledPageResult } from './types';

type Statement = Database.Statement<unknown[], unknown>;
type StatementMode = 'run' | 'rows' | 'raw' | 'pluck';

const STATEMENT_CACHE_LIMIT = 500;
/** SQLite's default automatic checkpoint. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

export class Connection {
  private readonly statements = new Map<string, Statement>();
  private writePageHere: ((page: PulledPageWrite) => PulledPageResult) | null = null;
  private automaticCheckpointHeld = false;

  /** With a checkpointer, WAL checkpoints run on its worker thread instead of inside our commits. */
  constructor(
    readonly db: Database.Database,
    private readonly checkpointer: StoreWorker | null = null,
  ) {}

  /** After a write that committed (not one inside an open transaction): let the WAL be checkpointed. */
  private committed(): void {
    if (this.checkpointer && !this.db.inTransaction) this.checkpointer.afterWrite();
  }

  private prepare(sql: string, mode: StatementMode): Statement {
    const key = `${mode}\u0000${sql}`;
    const cached = this.statements.get(key);
    if (cached) return cached;
    const statement = this.db.prepare<unknown[], unknown>(sql);
    if (mode === 'raw') statement.raw(true);
    if (mode === 'pluck') statement.pluck(true);
    if (this.statements.size >= STATEMENT_CACHE_LIMIT) {
      // Query shapes are few in practice; a full cache means something generates SQL per call.
      const oldest = this.statements.keys().next().value;
      if (oldest !== undefined) this.statements.delete(oldest);
    }
    this.statements.set(key, statement);
    return statement;
  }

  run(sql: string, params: readonly SqlValue[] = []): Database.RunResult {
    const result = this.prepare(sql, 'run').run(...params);
    this.committed();
    return result;
  }

  /** Rows as arrays, in SELECT order. */
  rawRows(sql: string, params: readonly SqlValue[] = []): unknown[][] {
    return this.prepare(sql, 'raw').all(...params) as unknown[][];
  }

  rawRow(sql: string, params: readonly SqlValue[] = []): unknown[] | undefined {
    return this.prepare(sql, 'raw').get(...params) as unknown[] | undefined;
  }

  rows(sql: string, params: readonly SqlValue[] = []): Record<string, unknown>[] {
    return this.prepare(sql, 'rows').all(...params) as Record<string, unknown>[];
  }

  row(sql: string, params: readonly SqlValue[] = []): Record<string, unknown> | undefined {
    return this.prepare(sql, 'rows').get(...params) as Record<string, unknown> | undefined;
  }

  value(sql: string, params: readonly SqlValue[] = []): unknown {
    return this.prepare(sql, 'pluck').get(...params);
  }

  /** The statement itself, for hot loops that bind many rows. */
  statement(sql: string): Statement {
    return this.prepare(sql, 'run');
  }

  /**
   * Runs `fn` in one transaction (BEGIN IMMEDIATE, so a second process cannot make it fail
   * half-way with SQLITE_BUSY on its first write); inside another transaction it becomes a
   * savepoint. A throw rolls back and is rethrown.
   */
  transaction<T>(fn: () => T): T {
    const result = this.db.transaction(fn).immediate();
    this.committed();
    return result;
  }

  /**
   * A transaction whose commit does not fsync (synchronous=NORMAL under WAL: atomic, survives
   * a process crash, may be lost on power loss). Later durable commits sync it too.
   */
  relaxedTransaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return this.transaction(fn);
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.transaction(fn);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /** Starts the worker thread ahead of the pulled pages it will write (StoreWorker.warmUp). */
  warmUpWorker(): Promise<void> {
    return this.checkpointer?.warmUp() ?? Promise.resolve();
  }

  /**
   * A pulled page, on the worker when there is one (see store-worker.ts), else here with
   * relaxed durability. SQLite's failures are translated as `guard` does.
   */
  async writePulledPage(page: PulledPageWrite, context: string): Promise<PulledPageResult> {
    if (!this.db.open) throw new StoreError('io', `${context} failed: the store is already closed.`);
    const worker = this.db.inTransaction ? null : this.checkpointer;
    const onWorker = worker?.writePulledPage(page);
    if (worker && onWorker) {
      this.holdAutomaticCheckpoint(worker);
      const result = await onWorker.catch((error: unknown) => {
        throw translateSqliteError(error, context);
      });
      if (result) return result;
    }
    this.writePageHere ??= pulledPageWriter(this.db);
    const write = this.writePageHere;
    return this.guard(context, () => this.relaxedTransaction(() => write(page)));
  }

  /**
   * While pulled pages are being written the WAL grows large (see WORKER_AUTOCHECKPOINT_PAGES):
   * an edit committed here meanwhile must not copy it back inside its own COMMIT, on the main
   * thread. Our automatic checkpoint is off until the worker's checkpoint after the last page
   * (or until the worker is gone).
   */
  private holdAutomaticCheckpoint(worker: StoreWorker): void {
    if (this.automaticCheckpointHeld) return;
    this.automaticCheckpointHeld = true;
    this.db.pragma('wal_autocheckpoint = 0');
    void worker.checkpointNow().then(() => {
      this.automaticCheckpointHeld = false;
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    });
  }

  /** Stops the checkpointer (its connection first, so ours is the last), then closes the database. */
  close(): void {
    this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /** Runs `fn`, turning SQLite errors into StoreErrors that say what `context` was doing. */
  guard<T>(context: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (!this.db.open)
        throw new StoreError('io', `${context} failed: the store is already closed.`, { cause: error });
      throw translateSqliteError(error, context);
    }
  }
}
