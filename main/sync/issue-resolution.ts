/**
 * Settling sync issues: what "keep mine", "take the server's", a choice per field, "retry"
 * and "discard" do to the record, its queued operations and the issue, each in one store
 * transaction. The sync context exposes these; the next push sends the result. Records whose
 * local copy may be stale afterwards are listed to be fetched again (see markForRefetch).
 */
import type { OperationRecord, Store, SyncIssueRecord } from '../store/types';
import { keepAbsentFields } from './column-support';
import { SyncUsageError } from './errors';
import { rearm, refusedOutright } from './operation-queue';
import { toSnapshot, type LocalRecord, type RecordShape, type ServerRecord } from './records';

/** Records to fetch again from the server, as [tableName, recordId] pairs. */
const REFETCH_KEY = 'sync.refetch';

/** What settling an issue needs of the sync context. */
export interface IssueHost {
  store: Store;
  shapeOf(tableName: string): RecordShape;
}

/** How the person settles a conflict: keep mine, take the server's, or choose per field. */
export type ConflictChoice = 'mine' | 'server' | { fieldChoices: Record<string, 'mine' | 'server'> };

function readRefetchList(store: Store): { tableName: string; recordId: string }[] {
  const value = store.keyValues.get(REFETCH_KEY);
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) =>
    Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string'
      ? [{ tableName: entry[0], recordId: entry[1] }]
      : [],
  );
}

/**
 * mine: send our record again against the server's version; server: take the server's
 * record and drop our change; fieldChoices: pick per field, then send against the server's version.
 * The next push sends the result.
 */
export function resolveConflict(host: IssueHost, issueId: number, resolution: ConflictChoice): string {
  const { store } = host;
  return store.transaction(() => {
    const { issue, operation } = issueAndOperation(store, issueId);
    if (issue.kind !== 'conflict') {
      throw new SyncUsageError('Only a conflict can be resolved; a refused change is retried or discarded.');
    }
    const shape = host.shapeOf(issue.tableName);
    const table = store.tableByName(issue.tableName);
    const server = issue.serverRecord ? shape.fromSnapshot(issue.serverRecord) : null;
    const serverLive = server !== null && !server.deleted;
    if (resolution === 'server') {
      if (serverLive) table.upsertMany(keepAbsentFields(table, shape, [server]));
      else table.delete(issue.recordId);
      dropRecordOperations(store, issue.tableName, issue.recordId);
      markForRefetch(store, issue.tableName, issue.recordId);
      return issue.tableName;
    }
    const local = table.lookup(issue.recordId) as LocalRecord | undefined;
    if (resolution === 'mine') {
      // The person may have deleted the record while the conflict was listed (the issue
      // then says "delete"): keeping "mine" means deleting the server's copy.
      if (operation.action === 'delete' || !local) {
        dropRecordOperations(store, issue.tableName, issue.recordId, operation.id);
        if (serverLive) {
          rearm(store, operation.id, { action: 'delete', version: server.version });
        } else {
          dropRecordOperations(store, issue.tableName, issue.recordId);
        }
      } else if (serverLive) {
        rearm(store, operation.id, { action: 'update', version: server.version, base: toSnapshot(server) });
      } else {
        // Deleted on the server: bring it back (an insert carrying the deleted version restores it).
        rearm(store, operation.id, { action: 'insert', version: server?.version ?? null });
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
    rearm(store, operation.id, { action: 'update', version: server.version, base: toSnapshot(server) });
    store.syncIssues.remove(issue.id);
    return issue.tableName;
  });
}

/** Sends the operation again, optionally after changing the record ("edit and retry"). */
export function retryIssue(host: IssueHost, issueId: number, changes?: Record<string, unknown>): string {
  const { store } = host;
  return store.transaction(() => {
    const { issue, operation } = issueAndOperation(store, issueId);
    if (changes && Object.keys(changes).length > 0) {
      if (operation.action === 'delete') throw new SyncUsageError('A deletion has nothing to edit.');
      const shape = host.shapeOf(issue.tableName);
      const unknown = Object.keys(changes).filter((key) => !shape.isUserColumn(key));
      if (unknown.length > 0) throw new SyncUsageError(`"${unknown.join('", "')}" cannot be edited.`);
      store.tableByName(issue.tableName).update(issue.recordId, shape.userFieldsOf(changes));
    }
    if (refusedOutright(issue)) {
      // The server did not store what was sent: the record as it is now is what goes, also
      // when it is edited again before the next sync.
      rearm(store, operation.id, {});
    } else {
      // The same operation again, still remembering what it sent (a landed attempt is recognised).
      store.operations.update(operation.id, { attempts: 0 });
    }
    store.syncIssues.remove(issue.id);
    return issue.tableName;
  });
}

/**
 * Drops the record's pending changes and shows its last known server state again; a record
 * the server never had disappears.
 */
export function discardIssue(host: IssueHost, issueId: number): string {
  const { store } = host;
  return store.transaction(() => {
    const { issue, operation } = issueAndOperation(store, issueId);
    const shape = host.shapeOf(issue.tableName);
    const table = store.tableByName(issue.tableName);
    const server = issue.serverRecord ? shape.fromSnapshot(issue.serverRecord) : null;
    const base = operation.base ? shape.fromSnapshot(operation.base) : null;
    const lastServerState = server ?? (base?.version ? base : null);
    if (lastServerState && !lastServerState.deleted)
      table.upsertMany(keepAbsentFields(table, shape, [lastServerState]));
    else table.delete(issue.recordId);
    dropRecordOperations(store, issue.tableName, issue.recordId);
    markForRefetch(store, issue.tableName, issue.recordId);
    return issue.tableName;
  });
}

function issueAndOperation(
  store: Store,
  issueId: number,
): { issue: SyncIssueRecord; operation: OperationRecord } {
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
export function markForRefetch(store: Store, tableName: string, recordId: string): void {
  const entries = readRefetchList(store);
  if (!entries.some((entry) => entry.tableName === tableName && entry.recordId === recordId)) {
    entries.push({ tableName, recordId });
    store.keyValues.set(
      REFETCH_KEY,
      entries.map((entry) => [entry.tableName, entry.recordId]),
    );
  }
}

/** The records markForRefetch listed, of one table or all. */
export function refetchDue(store: Store, tableName?: string): { tableName: string; recordId: string }[] {
  return readRefetchList(store).filter((entry) => !tableName || entry.tableName === tableName);
}

/**
 * Writes what the server has now for a listed record (`server` null: it is gone) and takes it
 * off the list, unless a change made since is pending: its push brings the server's version.
 */
export function applyRefetched(
  host: IssueHost,
  tableName: string,
  recordId: string,
  server: ServerRecord | null,
): void {
  const { store } = host;
  const shape = host.shapeOf(tableName);
  store.transaction(() => {
    if (store.operations.forRecord(tableName, recordId).length === 0) {
      const table = store.tableByName(tableName);
      if (server && !server.deleted)
        table.upsertMany(keepAbsentFields(table, shape, [shape.fromServer(server)]));
      else table.delete(recordId);
    }
    const remaining = readRefetchList(store).filter(
      (entry) => entry.tableName !== tableName || entry.recordId !== recordId,
    );
    store.keyValues.set(
      REFETCH_KEY,
      remaining.map((entry) => [entry.tableName, entry.recordId]),
    );
  });
}

/** Drops the record's pending operations, except `keep`. */
function dropRecordOperations(store: Store, tableName: string, recordId: string, keep?: number): void {
  for (const operation of store.operations.forRecord(tableName, recordId)) {
    if (operation.id === keep) continue;
    store.syncIssues.removeForOperation(operation.id);
    store.operations.remove(operation.id);
  }
}
