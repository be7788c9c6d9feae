/**
 * The store's worker thread: a second connection to the same file that takes the work which
 * would otherwise hold the main process's event loop.
 *
 * Pulled pages (pulled-page.ts). A page of 1,000 rows written into a table of 100,000 takes
 * tens of milliseconds of SQLite, most of a pull's time (issue 14). The worker writes it in
 * one transaction while the main thread receives the next page; the main thread only encodes
 * the rows. Writes on the main connection meanwhile wait for the worker's lock (busy timeout),
 * at most one page's transaction.
 *
 * WAL checkpoints. SQLite's automatic checkpoint runs inside the COMMIT that pushes the WAL past
 * 1,000 pages: that commit copies about 4 MB into the database file and fsyncs it, on whatever
 * thread committed. Here the worker runs PASSIVE checkpoints, trailing the writer from a quarter
 * of that size on: PASSIVE never takes the write lock and never waits, so the main connection
 * keeps committing while the worker copies pages and fsyncs. SQLite's automatic checkpoint on
 * the main connection stays as it is: when it comes, the worker has already copied nearly every
 * page, so it only copies the last commit's and lets the WAL restart (a background checkpoint
 * alone cannot: the writer adds frames while it runs). Only while pulled pages are written is
 * it held off (Connection.holdAutomaticCheckpoint), because the WAL is then much larger.
 *
 * The worker starts the first time it is needed (most stores never grow a large WAL or pull a
 * page, and a thread costs a few MB), or earlier when the store is told pulls will come
 * (warmUp). If it cannot start, nothing is lost: the main connection checkpoints by itself as
 * SQLite always does, and writes pulled pages itself.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { APPLY_PULLED_PAGE_SOURCE, type PulledPageWrite } from './pulled-page';
import type { PulledPageResult } from './types';

/** The worker checkpoints once the WAL holds this much: a quarter of SQLite's automatic 1,000 pages. */
export const CHECKPOINT_AT_BYTES = 1024 * 1024;
/**
 * What SQLite cuts the WAL file back to when it starts it over after a checkpoint
 * (journal_size_limit, on every connection to the file). Without it the file keeps its
 * largest size for ever, so once it had passed CHECKPOINT_AT_BYTES every later commit, however
 * small, asked for a checkpoint and its two fsyncs: 643 syncs of the WAL for 400 pushed
 * operations. Below the threshold, a file past it again means that much written since.
 */
export const WAL_SIZE_LIMIT_BYTES = CHECKPOINT_AT_BYTES / 2;
/** How long closing waits for the worker to let go of the file. */
const CLOSE_WAIT_MS = 5000;

/**
 * A checkpoint asked for while pulled pages are arriving waits until none has come for this
 * long: done between two pages it delayed the second by its whole duration (about 10 ms on a
 * small store), in the middle of the pull. During a long pull the worker's own connection
 * still checkpoints inside the commit that takes the WAL past 1,000 pages, as SQLite does.
 */
const PAGES_QUIET_MS = 50;

/**
 * The worker's own automatic checkpoint: at 16,384 pages (64 MB of WAL) instead of SQLite's
 * 1,000. A page of 1,000 changed rows in a table of 100,000 dirties about 5,000 pages (the row
 * and its six B-trees each land on a different leaf), so at 1,000 every commit of a pull also
 * checkpointed: measured with raw SQL, 1,000 updates took 130 ms that way and 37 ms this way,
 * and 100,000 inserts 3.0 s against 1.9 s. Between pulls the deferred PASSIVE checkpoint
 * above copies the WAL back, so a later pull starts with it empty. The cost: an edit committed
 * on the main connection in the middle of a large pull may meet up to this much WAL in its
 * own automatic checkpoint.
 */
const WORKER_AUTOCHECKPOINT_PAGES = 16_384;

/**
 * The worker: one connection; a PASSIVE checkpoint per request (see PAGES_QUIET_MS), a pulled
 * page per request (in the order sent), closing on demand. Pulled pages are relaxed writes (see
 * Store.transaction): synchronous=NORMAL.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const flag = new Int32Array(workerData.closed);
let db;
try {
  db = new Database(workerData.path, {
    fileMustExist: true,
    nativeBinding: workerData.nativeBinding,
    timeout: workerData.busyTimeoutMs,
  });
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  if (workerData.pageCacheKib) db.pragma('cache_size = -' + workerData.pageCacheKib);
  db.pragma('wal_autocheckpoint = ${WORKER_AUTOCHECKPOINT_PAGES}');
  db.pragma('journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}');
} catch (error) {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  throw error;
}
parentPort.postMessage({ type: 'ready' });
const statements = new Map();
const statement = (sql) => {
  let prepared = statements.get(sql);
  if (!prepared) { prepared = db.prepare(sql); statements.set(sql, prepared); }
  return prepared;
};
${APPLY_PULLED_PAGE_SOURCE}
let lastPageAt = -Infinity;
let deferred;
function checkpointWhenQuiet() {
  const wait = lastPageAt + ${PAGES_QUIET_MS} - performance.now();
  if (wait > 0) {
    deferred = setTimeout(checkpointWhenQuiet, wait);
    return;
  }
  let result = null;
  try {
    result = db.pragma('wal_checkpoint(PASSIVE)')[0];
  } catch {
    // Busy or closing: the next request tries again.
  }
  parentPort.postMessage({ type: 'checkpointed', result });
}
parentPort.on('message', (message) => {
  if (message.type === 'pulled-page') {
    try {
      parentPort.postMessage({ type: 'page-written', id: message.id, result: applyPulledPage(db, statement, message.page) });
    } catch (error) {
      parentPort.postMessage({
        type: 'page-failed',
        id: message.id,
        error: { message: String(error && error.message), code: error && typeof error.code === 'string' ? error.code : undefined },
      });
    }
    // From the end of the write: the next page may already be waiting behind a due timer.
    lastPageAt = performance.now();
  } else if (message === 'checkpoint') {
    checkpointWhenQuiet();
  } else if (message === 'close') {
    clearTimeout(deferred);
    try { db.close(); } finally {
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      parentPort.close();
    }
  }
});
`;

export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

export interface StoreWorkerOptions {
  /** The database file (its WAL is `<path>-wal`). */
  path: string;
  nativeBinding?: string | undefined;
  /** The worker's writes wait this long for the main connection's lock, as the main connection's do. */
  busyTimeoutMs: number;
  /** The worker connection's page cache, as the main connection's (SQLite's default: 2 MB). */
  pageCacheKib?: number;
}

/** SQLite's error as the worker reports it: translateSqliteError reads its code as from the driver. */
class WorkerSqliteError extends Error {
  override readonly name = 'SqliteError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'checkpointed'; result: CheckpointResult | null }
  | { type: 'page-written'; id: number; result: PulledPageResult }
  | { type: 'page-failed'; id: number; error: { message: string; code?: string } };

interface PendingPage {
  resolve(result: PulledPageResult | null): void;
  reject(error: Error): void;
}

export class StoreWorker {
  private readonly walPath: string;
  private worker: Worker | null = null;
  private failed = false;
  private waiting = false;
  /** Set to 1 by the worker once its connection is closed (or could not open). */
  private readonly closed = new SharedArrayBuffer(4);
  private readonly listeners: ((result: CheckpointResult | null) => void)[] = [];
  private readonly pages = new Map<number, PendingPage>();
  private nextPageId = 1;
  /** Set once the worker's connection is open. */
  private booted = false;
  private readonly bootWaiters: (() => void)[] = [];

  constructor(private readonly options: StoreWorkerOptions) {
    this.walPath = `${options.path}-wal`;
  }

  /** Called after each write: asks for a checkpoint when the WAL has grown past the threshold. */
  afterWrite(): void {
    if (this.failed || this.waiting) return;
    const size = fs.statSync(this.walPath, { throwIfNoEntry: false })?.size ?? 0;
    if (size < CHECKPOINT_AT_BYTES) return;
    this.request();
  }

  /** Asks the worker for a checkpoint now; resolves with SQLite's answer (null: none was made). */
  checkpointNow(): Promise<CheckpointResult | null> {
    const answered = new Promise<CheckpointResult | null>((resolve) => this.listeners.push(resolve));
    this.request();
    return answered;
  }

  /**
   * Writes a pulled page on the worker. Null at once when there is no worker, or later when it
   * died before answering: the caller then writes the page itself (writing a page twice is
   * harmless: the same rows, the same watermark). A SQLite failure rejects, with SQLite's code.
   */
  writePulledPage(page: PulledPageWrite): Promise<PulledPageResult | null> | null {
    const worker = this.worker ?? this.start();
    if (!worker) return null;
    const id = this.nextPageId++;
    const written = new Promise<PulledPageResult | null>((resolve, reject) =>
      this.pages.set(id, { resolve, reject }),
    );
    // A page on its way keeps the process alive, as a write on the main thread would.
    if (this.pages.size === 1) worker.ref();
    worker.postMessage({ type: 'pulled-page', id, page });
    return written;
  }

  /**
   * Starts the thread now, ahead of the work it will get: it takes 60–110 ms to boot here (a
   * Node environment, then better-sqlite3), which the first pulled page otherwise waited for.
   * Resolves once its connection is open, or it has failed (then the main thread does its
   * work); never rejects.
   */
  warmUp(): Promise<void> {
    if (!this.worker) this.start();
    if (this.booted || this.failed) return Promise.resolve();
    return new Promise((resolve) => this.bootWaiters.push(resolve));
  }

  /** Whether the worker takes checkpoints (false once it failed: the main connection does them all). */
  get active(): boolean {
    return !this.failed;
  }

  private request(): void {
    const worker = this.worker ?? this.start();
    if (!worker) {
      for (const listener of this.listeners.splice(0)) listener(null);
      return;
    }
    // One request at a time: a WAL that grows while the worker copies needs no second one.
    this.waiting = true;
    worker.postMessage('checkpoint');
  }

  private start(): Worker | null {
    if (this.failed) return null;
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          driver: require.resolve('better-sqlite3'),
          path: this.options.path,
          nativeBinding: this.options.nativeBinding,
          closed: this.closed,
          busyTimeoutMs: this.options.busyTimeoutMs,
          pageCacheKib: this.options.pageCacheKib,
        },
      });
      worker.on('message', (message: WorkerMessage) => this.answered(message));
      worker.on('error', () => this.fallBack());
      worker.on('exit', () => {
        if (this.worker === worker) this.fallBack();
      });
      // It must never keep the process alive by itself.
      worker.unref();
      this.worker = worker;
      return worker;
    } catch {
      this.fallBack();
      return null;
    }
  }

  private answered(message: WorkerMessage): void {
    if (message.type === 'ready') {
      this.booted = true;
      for (const resolve of this.bootWaiters.splice(0)) resolve();
      return;
    }
    if (message.type === 'checkpointed') {
      this.waiting = false;
      for (const listener of this.listeners.splice(0)) listener(message.result);
      return;
    }
    const page = this.pages.get(message.id);
    if (!page) return;
    this.pages.delete(message.id);
    if (this.pages.size === 0) this.worker?.unref();
    if (message.type === 'page-written') page.resolve(message.result);
    else page.reject(new WorkerSqliteError(message.error.message, message.error.code ?? 'SQLITE_ERROR'));
  }

  /**
   * The worker is gone: the main connection's automatic checkpoint does all the work, as
   * before, and pages not yet answered are the caller's to write.
   */
  private fallBack(): void {
    this.failed = true;
    this.waiting = false;
    this.worker = null;
    for (const resolve of this.bootWaiters.splice(0)) resolve();
    for (const listener of this.listeners.splice(0)) listener(null);
    for (const page of this.pages.values()) page.resolve(null);
    this.pages.clear();
  }

  /**
   * Closes the worker's connection before the store closes its own, waiting for it: the store's
   * connection must be the last one, so that closing it checkpoints and removes the WAL exactly
   * as before (and a later store on the same path never meets a straggler's connection).
   */
  close(): void {
    const worker = this.worker;
    this.fallBack();
    if (!worker) return;
    worker.postMessage('close');
    Atomics.wait(new Int32Array(this.closed), 0, 0, CLOSE_WAIT_MS);
    void worker.terminate();
  }
}
