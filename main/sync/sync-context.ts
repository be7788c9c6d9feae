/**
 * The sync context, read like the SDK's:
 *
 *   const syncContext = client.getSyncContext();
 *   syncContext.pushHandler = { onConflict(serverRecord, clientRecord, pushError) {...}, onError(pushError) {...} };
 *   await syncContext.initialize(store);
 *   await syncContext.push();
 *   await syncContext.pull(new Query('todoitem'), 'all-todos');
 *
 * It also owns what the SDK leaves out: built-in conflict policies per table, the status the
 * app shows, and the sync issues (conflicts, rejected operations) the person settles.
 * push, pull and purge run one at a time.
 */
import { randomUUID } from 'node:crypto';
import type { ConflictPolicy } from '../../common/sync-types';
import { CONFLICT_POLICIES } from '../../common/sync-types';
import type { OperationRecord, Store, SyncIssueRecord, TransactionOptions, Where } from '../store/types';
import {
  PurgeRefusedError,
  SyncError,
  SyncHttpError,
  SyncUsageError,
  UnauthorizedError,
  isConnectivityError,
} from './errors';
import { ColumnSupport } from './column-support';
import {
  applyRefetched,
  discardIssue,
  refetchDue,
  resolveConflict,
  retryIssue,
  type ConflictChoice,
  type IssueHost,
} from './issue-resolution';
import { OperationQueue } from './operation-queue';
import { policyHandler } from './policies';
import type { ProtocolClient } from './protocol-client';
import { pullTable, validatePullArguments, type PullResult, type PullSettings } from './pull';
import { DEFAULT_SETTLE_MS } from './pull-paging';
import { DEFAULT_PUSH_CONCURRENCY } from './push-plan';
import { DEFAULT_MAX_PUSH_ATTEMPTS, Pusher, type PushResult } from './push';
import type { PushHandler } from './push-error';
import type { TableQuery } from './query';
import { RecordShape, type LocalRecord } from './records';
import { StatusTracker, type DataChangedListener, type EngineStatus, type StatusListener } from './status';
import type { SyncTableHost } from './sync-table';

const INSTALLATION_ID_KEY = 'sync.installationId';
/** The largest page each backend accepted after refusing a larger one: { [origin]: rows }. */
const PAGE_LIMITS_KEY = 'sync.pageLimits';

/** A sync issue with its records decoded for the table (dates as Date). */
export type SyncIssueDetails = Omit<SyncIssueRecord, 'serverRecord' | 'clientRecord' | 'baseRecord'> & {
  serverRecord: LocalRecord | null;
  clientRecord: LocalRecord | null;
  baseRecord: LocalRecord | null;
};

export interface SyncContextOptions {
  maxPushAttempts?: number;
  defaultConflictPolicy?: ConflictPolicy;
  /** See DEFAULT_SETTLE_MS in pull-paging.ts; tests choose it to make "settled" deterministic. */
  pullSettleMs?: number;
  /** Push operations in flight at once, 1..32 (DEFAULT_PUSH_CONCURRENCY). */
  pushConcurrency?: number;
}

export class SyncContext implements SyncTableHost {
  /** Overrides the conflict policies when set (what it leaves unhandled is kept for the person). */
  pushHandler: PushHandler | undefined;
  readonly status: StatusTracker;
  /** Columns the backend turned out not to store: kept on this computer only. */
  readonly columnSupport: ColumnSupport;

  private store: Store | undefined;
  private queueInstance: OperationQueue | undefined;
  private readonly shapes = new Map<string, RecordShape>();
  private readonly policies = new Map<string, ConflictPolicy>();
  private defaultPolicy: ConflictPolicy;
  private readonly maxPushAttempts: number;
  private readonly pullSettleMs: number;
  private readonly pushConcurrency: number;
  /**
   * The answer that left operations for the next sync in the latest push (a 500…): shown as
   * the status's error even after a pull succeeds, until a push sends them.
   */
  private pushDeferral: SyncError | null = null;
  private exclusive: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly protocol: ProtocolClient,
    private readonly backendUrl: () => string | null,
    options: SyncContextOptions = {},
  ) {
    this.status = new StatusTracker(backendUrl);
    this.columnSupport = new ColumnSupport(() => this.store, backendUrl);
    this.pushConcurrency = options.pushConcurrency ?? DEFAULT_PUSH_CONCURRENCY;
    if (!Number.isInteger(this.pushConcurrency) || this.pushConcurrency < 1 || this.pushConcurrency > 32) {
      throw new SyncUsageError('pushConcurrency must be a whole number from 1 to 32.');
    }
    this.pullSettleMs = options.pullSettleMs ?? DEFAULT_SETTLE_MS;
    if (!Number.isFinite(this.pullSettleMs) || this.pullSettleMs < 0) {
      throw new SyncUsageError('pullSettleMs must be a number of milliseconds, 0 or more.');
    }
    this.defaultPolicy = checkPolicy(options.defaultConflictPolicy ?? 'merge');
    this.maxPushAttempts = options.maxPushAttempts ?? DEFAULT_MAX_PUSH_ATTEMPTS;
    if (!Number.isInteger(this.maxPushAttempts) || this.maxPushAttempts < 1) {
      throw new SyncUsageError('maxPushAttempts must be a whole number of at least 1.');
    }
  }

  /** Binds the context to a store; operations left "pushing" by a crash are released. */
  async initialize(store: Store): Promise<void> {
    if (this.store && this.store !== store)
      throw new SyncUsageError('This sync context is already initialized.');
    store.operations.resetPushing();
    this.store = store;
    this.queueInstance = new OperationQueue(store);
    this.status.attach(store);
  }

  get queue(): OperationQueue {
    if (!this.queueInstance) throw new SyncUsageError('Call syncContext.initialize(store) first.');
    return this.queueInstance;
  }

  get isInitialized(): boolean {
    return this.store !== undefined;
  }

  /** The persisted id of this installation, created on first use. */
  installationId(): string | undefined {
    const store = this.store;
    if (!store) return undefined;
    const existing = store.keyValues.get(INSTALLATION_ID_KEY);
    if (typeof existing === 'string' && existing !== '') return existing;
    const created = randomUUID();
    store.keyValues.set(INSTALLATION_ID_KEY, created);
    return created;
  }

  requireStore(): Store {
    if (!this.store) throw new SyncUsageError('Call syncContext.initialize(store) first.');
    return this.store;
  }

  shapeOf(tableName: string): RecordShape {
    let shape = this.shapes.get(tableName);
    if (!shape) {
      shape = new RecordShape(this.requireStore().tableByName(tableName).declaration);
      this.shapes.set(tableName, shape);
    }
    return shape;
  }

  // ---------------------------------------------------------------- conflict policies

  /** A table's policy; `null` sets the default for tables without their own. */
  setConflictPolicy(tableName: string | null, policy: ConflictPolicy): void {
    checkPolicy(policy);
    if (tableName === null) this.defaultPolicy = policy;
    else this.policies.set(tableName, policy);
  }

  getConflictPolicy(tableName: string): ConflictPolicy {
    return this.policies.get(tableName) ?? this.defaultPolicy;
  }

  // ---------------------------------------------------------------- push / pull / purge

  /**
   * Pushes every pending operation. Rejects only when the server cannot be reached (or 401);
   * operations the server could not take this time are counted in `deferred` and kept.
   */
  push(): Promise<PushResult> {
    return this.runExclusive(async () => {
      await this.refetchStale();
      return this.pushNow();
    });
  }

  /**
   * Pulls `query`'s rows of its table after pushing that table's pending operations.
   * With a queryId the pull is incremental, otherwise full.
   */
  async pull(query: TableQuery, queryId?: string, settings?: PullSettings): Promise<PullResult> {
    const paging = validatePullArguments(queryId, settings);
    return this.runExclusive(async () => {
      const store = this.requireStore();
      this.shapeOf(query.tableName);
      await this.refetchStale(query.tableName, 'relaxed');
      if (store.operations.list({ tableName: query.tableName }).length > 0)
        await this.pushNow(query.tableName);
      return this.track(
        () =>
          pullTable(
            {
              store,
              protocol: this.protocol,
              status: this.status,
              shapeOf: (name) => this.shapeOf(name),
              pageLimit: this.pageLimit(),
              settleMs: this.pullSettleMs,
            },
            query,
            queryId,
            paging,
          ),
        'relaxed',
      );
    });
  }

  /**
   * Deletes the query's rows locally and forgets the table's watermarks, in one transaction.
   * Refuses while the table has pending operations, unless `force` (which drops them).
   */
  purge(query: TableQuery, force = false): Promise<number> {
    return this.runExclusive(async () => {
      const store = this.requireStore();
      const tableName = query.tableName;
      this.shapeOf(tableName);
      const removed = store.transaction(() => {
        const pending = store.operations.list({ tableName });
        if (pending.length > 0 && !force) throw new PurgeRefusedError(tableName, pending.length);
        const table = store.tableByName(tableName);
        const where = query.getWhere() as Where<LocalRecord> | undefined;
        const purgedIds = where
          ? new Set(table.query({ where, select: ['id'] }).items.map((row) => row.id))
          : undefined;
        for (const operation of pending) {
          if (purgedIds && !purgedIds.has(operation.recordId)) continue;
          store.syncIssues.removeForOperation(operation.id);
          store.operations.remove(operation.id);
        }
        store.watermarks.clearTable(tableName);
        return table.clear(where);
      });
      this.status.dataChanged(tableName);
      return removed;
    });
  }

  // ---------------------------------------------------------------- status

  getStatus(): EngineStatus {
    return this.status.get();
  }

  onStatusChanged(listener: StatusListener): () => void {
    return this.status.onStatusChanged(listener);
  }

  /** Tables whose local rows changed (writes, pulls, push replies, resolutions). */
  onDataChanged(listener: DataChangedListener): () => void {
    return this.status.onDataChanged(listener);
  }

  getPendingOperations(tableName?: string): OperationRecord[] {
    return this.requireStore().operations.list(tableName ? { tableName } : undefined);
  }

  // ---------------------------------------------------------------- issues for the person

  listIssues(filter?: { kind?: 'conflict' | 'rejected'; tableName?: string }): SyncIssueDetails[] {
    return this.requireStore()
      .syncIssues.list(filter)
      .map((issue) => this.details(issue));
  }

  getIssue(issueId: number): SyncIssueDetails | undefined {
    const issue = this.requireStore().syncIssues.get(issueId);
    return issue ? this.details(issue) : undefined;
  }

  /**
   * mine: send our record again against the server's version; server: take the server's
   * record and drop our change; fieldChoices: pick per field, then send against the server's
   * version. The next push sends the result (issue-resolution.ts).
   */
  async resolveConflict(issueId: number, resolution: ConflictChoice): Promise<void> {
    this.status.dataChanged(resolveConflict(this.issueHost(), issueId, resolution));
  }

  /** Sends the operation again, optionally after changing the record ("edit and retry"). */
  async retryIssue(issueId: number, changes?: Record<string, unknown>): Promise<void> {
    this.status.dataChanged(retryIssue(this.issueHost(), issueId, changes));
  }

  /**
   * Drops the record's pending changes and shows its last known server state again; a record
   * the server never had disappears.
   */
  async discardIssue(issueId: number): Promise<void> {
    this.status.dataChanged(discardIssue(this.issueHost(), issueId));
  }

  // ---------------------------------------------------------------- internals

  /** The page limit learned for the current backend, kept in the store per origin. */
  private pageLimit(): { get(): number | undefined; set(limit: number): void } {
    const store = this.requireStore();
    const origin = (): string | null => {
      try {
        const url = this.backendUrl();
        return url ? new URL(url).origin : null;
      } catch {
        return null;
      }
    };
    const limits = (): Record<string, number> => {
      const value = store.keyValues.get(PAGE_LIMITS_KEY);
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (Object.fromEntries(
            Object.entries(value).filter(([, limit]) => typeof limit === 'number'),
          ) as Record<string, number>)
        : {};
    };
    return {
      get: () => {
        const key = origin();
        return key === null ? undefined : limits()[key];
      },
      set: (limit) => {
        const key = origin();
        if (key !== null) store.keyValues.set(PAGE_LIMITS_KEY, { ...limits(), [key]: limit });
      },
    };
  }

  private handlerFor(tableName: string): PushHandler {
    return this.pushHandler ?? policyHandler(this.getConflictPolicy(tableName), this.shapeOf(tableName));
  }

  private async pushNow(tableName?: string): Promise<PushResult> {
    const store = this.requireStore();
    const pusher = new Pusher({
      store,
      protocol: this.protocol,
      status: this.status,
      shapeOf: (name) => this.shapeOf(name),
      handlerFor: (name) => this.handlerFor(name),
      maxAttempts: this.maxPushAttempts,
      concurrency: this.pushConcurrency,
      columns: this.columnSupport,
    });
    return this.track(async () => {
      const result = await pusher.run(tableName);
      this.pushDeferral = result.deferredError;
      return result;
    });
  }

  /**
   * Runs a sync step, keeping status, connectivity and the last error up to date.
   * `durability`: of the last-synced time written after it (see StatusTracker.succeeded).
   * A step that went through without a single answer from the server (a push of an empty
   * queue) changes neither: offline, it must not say "online, synced just now".
   */
  private async track<T>(
    step: () => Promise<T>,
    durability: TransactionOptions['durability'] = 'full',
  ): Promise<T> {
    const answeredBefore = this.protocol.answeredRequests();
    try {
      const result = await step();
      if (this.protocol.answeredRequests() > answeredBefore) {
        this.status.reachedServer();
        this.status.succeeded(new Date(), durability);
      }
      if (this.pushDeferral) this.status.failed(this.pushDeferral);
      return result;
    } catch (error) {
      if (error instanceof UnauthorizedError) this.status.setConnectivity('unauthorized');
      else if (isConnectivityError(error)) this.status.setConnectivity('offline');
      else if (error instanceof SyncHttpError) this.status.reachedServer();
      this.status.failed(error);
      throw error;
    } finally {
      this.status.setPhase({ kind: 'idle' });
      this.status.flush();
    }
  }

  private runExclusive<T>(step: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(step, step);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  private issueHost(): IssueHost {
    return { store: this.requireStore(), shapeOf: (name) => this.shapeOf(name) };
  }

  /**
   * Brings the records an issue resolution left waiting for the server's copy (markForRefetch;
   * few, one per settled issue) to the server's current version, as a tracked sync step. With
   * none waiting (nearly always) nothing is done: a step that made no request says nothing
   * about the server, and its last-synced write before the push or pull cost a commit (about
   * 6 ms on the main thread after a pull into a large table).
   */
  private async refetchStale(
    tableName?: string,
    durability: TransactionOptions['durability'] = 'full',
  ): Promise<void> {
    const host = this.issueHost();
    const due = refetchDue(host.store, tableName);
    if (due.length === 0) return;
    await this.track(async () => {
      for (const { tableName: name, recordId } of due) {
        this.shapeOf(name);
        const server = await this.protocol.lookupIncludingDeleted(name, recordId);
        applyRefetched(host, name, recordId, server);
        this.status.dataChanged(name);
      }
    }, durability);
  }

  private details(issue: SyncIssueRecord): SyncIssueDetails {
    const shape = this.shapeOf(issue.tableName);
    return {
      ...issue,
      serverRecord: issue.serverRecord ? shape.fromSnapshot(issue.serverRecord) : null,
      clientRecord: issue.clientRecord ? shape.fromSnapshot(issue.clientRecord) : null,
      baseRecord: issue.baseRecord ? shape.fromSnapshot(issue.baseRecord) : null,
    };
  }
}

function checkPolicy(policy: ConflictPolicy): ConflictPolicy {
  if (!CONFLICT_POLICIES.includes(policy)) {
    throw new SyncUsageError(
      `"${String(policy)}" is not a conflict policy (${CONFLICT_POLICIES.join(', ')}).`,
    );
  }
  return policy;
}
