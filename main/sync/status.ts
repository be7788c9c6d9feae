/**
 * The engine's status: what it is doing, whether the server answered, what is waiting.
 * Listeners are told at most once per `throttleMs` (a push of 10,000 operations must not
 * recount the queue 10,000 times), and always about the final state.
 */
import type { Connectivity, SyncErrorInfo, SyncPhase, SyncStatus } from '../../common/sync-types';
import type { Store, TransactionOptions } from '../store/types';
import { SyncError } from './errors';

/** The engine's part of the app's SyncStatus: the scheduler adds `nextSyncAt`. */
export type EngineStatus = Omit<SyncStatus, 'nextSyncAt'>;

export type StatusListener = (status: EngineStatus) => void;
export type DataChangedListener = (tableNames: string[]) => void;

const LAST_SYNCED_KEY = 'sync.lastSyncedAt';

export function errorInfo(error: unknown): SyncErrorInfo {
  const at = new Date().toISOString();
  if (error instanceof SyncError) return { code: error.code, message: error.message, at };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Syncing failed unexpectedly: ${message}`, at };
}

export class StatusTracker {
  private phase: SyncPhase = { kind: 'idle' };
  private connectivity: Connectivity = 'online';
  private lastError: SyncErrorInfo | null = null;
  private store: Store | undefined;
  private readonly statusListeners = new Set<StatusListener>();
  private readonly dataListeners = new Set<DataChangedListener>();
  private changedTables = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private lastEmit = 0;

  constructor(
    private readonly backendUrl: () => string | null,
    private readonly throttleMs = 100,
  ) {}

  attach(store: Store): void {
    this.store = store;
    this.changed();
  }

  get(): EngineStatus {
    const store = this.store;
    const pendingByTable = store ? store.operations.countByTable() : {};
    const lastSynced = store?.keyValues.get(LAST_SYNCED_KEY);
    return {
      phase: this.phase,
      connectivity: this.connectivity,
      pendingOperations: Object.values(pendingByTable).reduce((sum, count) => sum + count, 0),
      pendingByTable,
      unresolvedConflicts: store ? store.syncIssues.count({ kind: 'conflict' }) : 0,
      rejectedOperations: store ? store.syncIssues.count({ kind: 'rejected' }) : 0,
      lastSyncedAt: typeof lastSynced === 'string' ? lastSynced : null,
      lastError: this.lastError,
      backendUrl: this.backendUrl(),
    };
  }

  setPhase(phase: SyncPhase): void {
    this.phase = phase;
    this.changed();
  }

  /** A request reached the server (whatever it answered, other than 401). */
  reachedServer(): void {
    if (this.connectivity === 'online') return;
    this.connectivity = 'online';
    this.changed();
  }

  setConnectivity(connectivity: Connectivity): void {
    if (this.connectivity === connectivity) return;
    this.connectivity = connectivity;
    this.changed();
  }

  failed(error: unknown): void {
    this.lastError = errorInfo(error);
    this.changed();
  }

  /**
   * A sync step went through. `durability: 'relaxed'` after a pull: the time written is only
   * shown, and a durable commit here would also wait for the disk to take every page the pull
   * wrote (relaxed, see Store.writePulledPage), about 13 ms on the main thread after 10,000
   * rows. After a push it stays durable, and so makes the push's relaxed writes durable too.
   */
  succeeded(at = new Date(), durability: TransactionOptions['durability'] = 'full'): void {
    this.lastError = null;
    const store = this.store;
    store?.transaction(() => store.keyValues.set(LAST_SYNCED_KEY, at.toISOString()), { durability });
    this.changed();
  }

  dataChanged(tableName: string): void {
    this.changedTables.add(tableName);
    this.changed();
  }

  onStatusChanged(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onDataChanged(listener: DataChangedListener): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  /** Something listeners should hear about changed. */
  changed(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastEmit + this.throttleMs - Date.now());
    this.timer = setTimeout(() => this.emit(), wait);
    this.timer.unref?.();
  }

  /** Emits now (e.g. at the end of a sync, so a caller awaiting it sees listeners updated). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.emit();
    }
  }

  private emit(): void {
    this.timer = undefined;
    this.lastEmit = Date.now();
    const tables = [...this.changedTables];
    this.changedTables = new Set();
    if (tables.length > 0) {
      for (const listener of this.dataListeners) safely(() => listener(tables));
    }
    if (this.statusListeners.size === 0) return;
    const status = this.get();
    for (const listener of this.statusListeners) safely(() => listener(status));
  }
}

/** A listener's bug must not break syncing. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    console.error('A sync status listener failed:', error);
  }
}
