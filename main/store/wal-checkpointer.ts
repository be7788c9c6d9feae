/**
 * WAL checkpoints on a worker thread, so the main process never stalls on one.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that pushes the WAL past 1,000 pages: that
 * commit copies about 4 MB into the database file and fsyncs it, on whatever thread committed.
 * During a large pull that is the main process's event loop, and it was the longest stall
 * measured (issue 14). Here a worker thread with its own connection to the same file runs PASSIVE
 * checkpoints, trailing the writer from a quarter of that size on: PASSIVE never takes the write
 * lock and never waits, so the main connection keeps committing while the worker copies pages
 * and fsyncs. SQLite's automatic checkpoint on the main connection stays as it is: when it comes,
 * the worker has already copied nearly every page, so it only copies the last commit's and lets
 * the WAL restart (a background checkpoint alone cannot: the writer adds frames while it runs).
 *
 * The worker starts the first time the WAL grows past the threshold (most stores never get
 * there, and a thread costs a few MB). If it cannot start, nothing changes: the main connection
 * checkpoints by itself as SQLite always does.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';

/** The worker checkpoints once the WAL holds this much: a quarter of SQLite's automatic 1,000 pages. */
export const CHECKPOINT_AT_BYTES = 1024 * 1024;
/** How long closing waits for the worker to let go of the file. */
const CLOSE_WAIT_MS = 5000;

/** The worker: one connection, a PASSIVE checkpoint per request, closing on demand. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const flag = new Int32Array(workerData.closed);
let db;
try {
  db = new Database(workerData.path, { fileMustExist: true, nativeBinding: workerData.nativeBinding });
} catch (error) {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  throw error;
}
parentPort.on('message', (message) => {
  if (message === 'checkpoint') {
    let result = null;
    try {
      result = db.pragma('wal_checkpoint(PASSIVE)')[0];
    } catch {
      // Busy or closing: the next request tries again.
    }
    parentPort.postMessage({ type: 'checkpointed', result });
  } else if (message === 'close') {
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

export interface WalCheckpointerOptions {
  /** The database file (its WAL is `<path>-wal`). */
  path: string;
  nativeBinding?: string | undefined;
}

export class WalCheckpointer {
  private readonly walPath: string;
  private worker: Worker | null = null;
  private failed = false;
  private waiting = false;
  /** Set to 1 by the worker once its connection is closed (or could not open). */
  private readonly closed = new SharedArrayBuffer(4);
  private readonly listeners: ((result: CheckpointResult | null) => void)[] = [];

  constructor(private readonly options: WalCheckpointerOptions) {
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
        },
      });
      worker.on('message', (message: { type: string; result: CheckpointResult | null }) => {
        if (message.type !== 'checkpointed') return;
        this.waiting = false;
        for (const listener of this.listeners.splice(0)) listener(message.result);
      });
      worker.on('error', () => this.fallBack());
      // It must never keep the process alive by itself.
      worker.unref();
      this.worker = worker;
      return worker;
    } catch {
      this.fallBack();
      return null;
    }
  }

  /** The worker is gone: the main connection's automatic checkpoint does all the work, as before. */
  private fallBack(): void {
    this.failed = true;
    this.waiting = false;
    this.worker = null;
    for (const listener of this.listeners.splice(0)) listener(null);
  }

  /**
   * Closes the worker's connection before the store closes its own, waiting for it: the store's
   * connection must be the last one, so that closing it checkpoints and removes the WAL exactly
   * as before (and a later store on the same path never meets a straggler's connection).
   */
  close(): void {
    const worker = this.worker;
    this.worker = null;
    this.failed = true;
    if (!worker) return;
    worker.postMessage('close');
    Atomics.wait(new Int32Array(this.closed), 0, 0, CLOSE_WAIT_MS);
    void worker.terminate();
  }
}
