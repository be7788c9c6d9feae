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
import type { OperationRecord, Store, SyncIssueRecord, Where } from '../store/types';
import {
  PurgeRefusedError,
  SyncError,
  SyncHttpError,
  SyncUsageError,
  UnauthorizedError,
  isConnectivityError,
} from './errors';
import { ColumnSupport, keepAbsentFields } from './column-support';
import { OperationQueue } from './operation-queue';
import { policyHandler } from './policies';
import type { ProtocolClient } from './protocol-client';
import { pullTable, validatePullArguments, type PullResult, type PullSettings } from './pull';
import { DEFAULT_SETTLE_MS } from './pull-paging';
import { DEFAULT_PUSH_CONCURRENCY } from './push-plan';
import { DEFAULT_MAX_PUSH_ATTEMPTS, Pusher, type PushHandler, type PushResult } from './push';
import type { TableQuery } from './query';
import { RecordShape, toSnapshot, type LocalRecord } from './records';
import { StatusTracker, type DataChangedListener, type EngineStatus, type StatusListener } from './status';
import type { SyncTableHost } from './sync-table';

const INSTALLATION_ID_KEY = 'sync.installationId';
/** Records to fetch again from the server, as [tableName, recordId] pairs. */
const REFETCH_KEY = 'sync.refetch';
/** The largest page each backend accepted after refusing a larger one: { [origin]: rows }. */
const PAGE_LIMITS_KEY = 'sync.pageLimits';

function readRefetchList(store: Store): { tableName: string; recordId: string }[] {
  const value = store.keyValues.get(REFETCH_KEY);
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) =>
    Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string'
      ? [{ tableName: entry[0], recordId: entry[1] }]
      : [],
  );
}

/** A sync issue with its records decoded for the table (dates as Date). */
export type SyncIssueDetails = Omit<SyncIssueRecord, 'serverRecord' | 'clientRecord' | 'baseRecord'> & {
  serverRecord: LocalRecord | null;
  clientRecord: LocalRecord | null;
  baseRecord: LocalRecord | null;
};

/** How the person settles a conflict: keep mine, take the server's, or choose per field. */
export type ConflictChoice = 'mine' | 'server' | { fieldChoices: Record<string, 'mine' | 'server'> };

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
      await this.track(() => this.refetchStale());
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
      await this.track(() => this.refetchStale(query.tableName));
      if (store.operations.list({ tableName: query.tableName }).length > 0)
        await this.pushNow(query.tableName);
      return this.track(() =>
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
   * record and drop our change; fieldChoices: pick per field, then send against the server's version.
   * The next push sends the result.
   */
  async resolveConflict(issueId: number, resolution: ConflictChoice): Promise<void> {
    const store = this.requireStore();
    const tableName = store.transaction(() => {
      const { issue, operation } = this.issueAndOperation(issueId);
      if (issue.kind !== 'conflict') {
        throw new SyncUsageError(
          'Only a conflict can be resolved; a refused change is retried or discarded.',
        );
      }
      const shape = this.shapeOf(issue.tableName);
      const table = store.tableByName(issue.tableName);
      const server = issue.serverRecord ? shape.fromSnapshot(issue.serverRecord) : null;
      const serverLive = server !== null && !server.deleted;
      if (resolution === 'server') {
        if (serverLive) table.upsertMany(keepAbsentFields(table, shape, [server]));
        else table.delete(issue.recordId);
        this.dropRecordOperations(issue.tableName, issue.recordId);
        this.markForRefetch(issue.tableName, issue.recordId);
        return issue.tableName;
      }
      const local = table.lookup(issue.recordId) as LocalRecord | undefined;
      if (resolution === 'mine') {
        // The person may have deleted the record while the conflict was listed (the issue
        // then says "delete"): keeping "mine" means deleting the server's copy.
        if (operation.action === 'delete' || !local) {
          this.dropRecordOperations(issue.tableName, issue.recordId, operation.id);
          if (serverLive) {
            store.operations.update(operation.id, {
              action: 'delete',
              version: server.version,
              sent: null,
              attempts: 0,
            });
          } else {
            this.dropRecordOperations(issue.tableName, issue.recordId);
          }
        } else if (serverLive) {
          store.operations.update(operation.id, {
            action: 'update',
            version: server.version,
            base: toSnapshot(server),
            sent: null,
            attempts: 0,
          });
        } else {
          // Deleted on the server: bring it back (an insert carrying the deleted version restores it).
          store.operations.update(operation.id, {
            action: 'insert',
            version: server?.version ?? null,
            sent: null,
            attempts: 0,
          });
        }
        store.syncIssues.remove(issue.id);
        return issue.tableName;
      }
      if (
        typeof resolution !== 'object' ||
        resolution === null ||
        typeof resolution.fieldChoices !== 'object'
      ) {
        throw new SyncUsageError('A resolution is "mine", "server" or { fieldChoices }.');
      }
      if (!serverLive || !local || operation.action === 'delete') {
        throw new SyncUsageError('Choosing per field needs the record on both sides.');
      }
      const merged: Record<string, unknown> = {};
      for (const [field, choice] of Object.entries(resolution.fieldChoices)) {
        if (!shape.isUserColumn(field))
          throw new SyncUsageError(`"${field}" is not a field of ${issue.tableName}.`);
        if (choice !== 'mine' && choice !== 'server')
          throw new SyncUsageError(`Choose "mine" or "server" for ${field}.`);
        // A field the server does not store has only our value: "server" cannot blank it.
        merged[field] = choice === 'server' && field in server ? server[field] : local[field];
      }
      table.update(issue.recordId, { ...merged, version: server.version });
      store.operations.update(operation.id, {
        action: 'update',
        version: server.version,
        base: toSnapshot(server),
        sent: null,
        attempts: 0,
      });
      store.syncIssues.remove(issue.id);
      return issue.tableName;
    });
    this.status.dataChanged(tableName);
  }

  /** Sends the operation again, optionally after changing the record ("edit and retry"). */
  async retryIssue(issueId: number, changes?: Record<string, unknown>): Promise<void> {
    const store = this.requireStore();
    const tableName = store.transaction(() => {
      const { issue, operation } = this.issueAndOperation(issueId);
      if (changes && Object.keys(changes).length > 0) {
        if (operation.action === 'delete') throw new SyncUsageError('A deletion has nothing to edit.');
        const shape = this.shapeOf(issue.tableName);
        const unknown = Object.keys(changes).filter((key) => !shape.isUserColumn(key));
        if (unknown.length > 0) throw new SyncUsageError(`"${unknown.join('", "')}" cannot be edited.`);
        store.tableByName(issue.tableName).update(issue.recordId, shape.userFieldsOf(changes));
      }
      store.operations.update(operation.id, { attempts: 0 });
      store.syncIssues.remove(issue.id);
      return issue.tableName;
    });
    this.status.dataChanged(tableName);
  }

  /**
   * Drops the record's pending changes and shows its last known server state again; a record
   * the server never had disappears.
   */
  async discardIssue(issueId: number): Promise<void> {
    const store = this.requireStore();
    const tableName = store.transaction(() => {
      const { issue, operation } = this.issueAndOperation(issueId);
      const shape = this.shapeOf(issue.tableName);
      const table = store.tableByName(issue.tableName);
      const server = issue.serverRecord ? shape.fromSnapshot(issue.serverRecord) : null;
      const base = operation.base ? shape.fromSnapshot(operation.base) : null;
      const lastServerState = server ?? (base?.version ? base : null);
      if (lastServerState && !lastServerState.deleted)
        table.upsertMany(keepAbsentFields(table, shape, [lastServerState]));
      else table.delete(issue.recordId);
      this.dropRecordOperations(issue.tableName, issue.recordId);
      this.markForRefetch(issue.tableName, issue.recordId);
      return issue.tableName;
    });
    this.status.dataChanged(tableName);
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

  /** Runs a sync step, keeping status, connectivity and the last error up to date. */
  private async track<T>(step: () => Promise<T>): Promise<T> {
    try {
      const result = await step();
      this.status.reachedServer();
      this.status.succeeded();
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

  private issueAndOperation(issueId: number): { issue: SyncIssueRecord; operation: OperationRecord } {
    const store = this.requireStore();
    const issue = store.syncIssues.get(issueId);
    if (!issue)
      throw new SyncUsageError(`There is no sync issue ${issueId}; it may have been settled already.`);
    const operation = store.operations.get(issue.operationId);
    if (!operation) {
      throw new SyncUsageError(`The change behind sync issue ${issueId} is no longer pending.`);
    }
    return { issue, operation };
  }

  /**
   * The record's local copy may be older than the server's: the copy kept in an issue is
   * from when the conflict happened, and pulls skipped the record while it had changes
   * pending (their watermark moved past it). It is fetched again on the next push or pull.
   */
  private markForRefetch(tableName: string, recordId: string): void {
    const store = this.requireStore();
    const entries = readRefetchList(store);
    if (!entries.some((entry) => entry.tableName === tableName && entry.recordId === recordId)) {
      entries.push({ tableName, recordId });
      store.keyValues.set(
        REFETCH_KEY,
        entries.map((entry) => [entry.tableName, entry.recordId]),
      );
    }
  }

  /** Brings records marked by markForRefetch to the server's current version (few: one per settled issue). */
  private async refetchStale(tableName?: string): Promise<void> {
    const store = this.requireStore();
    const due = readRefetchList(store).filter((entry) => !tableName || entry.tableName === tableName);
    for (const { tableName: name, recordId } of due) {
      const shape = this.shapeOf(name);
      const server = await this.protocol.lookupIncludingDeleted(name, recordId);
      store.transaction(() => {
        // A change made since is pending: its push brings the server's version back.
        if (store.operations.forRecord(name, recordId).length === 0) {
          const table = store.tableByName(name);
          if (server && !server.deleted)
            table.upsertMany(keepAbsentFields(table, shape, [shape.fromServer(server)]));
          else table.delete(recordId);
        }
        const remaining = readRefetchList(store).filter(
          (entry) => entry.tableName !== name || entry.recordId !== recordId,
        );
        store.keyValues.set(
          REFETCH_KEY,
          remaining.map((entry) => [entry.tableName, entry.recordId]),
        );
      });
      this.status.dataChanged(name);
    }
  }

  /** Drops the record's pending operations, except `keep`. */
  private dropRecordOperations(tableName: string, recordId: string, keep?: number): void {
    const store = this.requireStore();
    for (const operation of store.operations.forRecord(tableName, recordId)) {
      if (operation.id === keep) continue;
      store.syncIssues.removeForOperation(operation.id);
      store.operations.remove(operation.id);
    }
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
