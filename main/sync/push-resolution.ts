/**
 * Applying a push handler's decision (push-error.ts) to the queue and the local record, in one
 * transaction, once the handler has returned. The operation may have been withdrawn while the
 * handler ran (the person resolved its issue): then nothing is applied.
 */
import type { OperationRecord, Store } from '../store/types';
import { KEEP_ATTEMPTS, rearm } from './operation-queue';
import type { Resolution } from './push-error';
import { toSnapshot, type LocalRecord, type RecordShape } from './records';
import type { StatusTracker } from './status';

export interface ResolutionHost {
  store: Store;
  status: StatusTracker;
  shape: RecordShape;
}

/** `retry`: the operation stays queued, rearmed as the decision says; `gone`: it was withdrawn. */
export type ResolutionOutcome = 'cancelled' | 'retry' | 'gone';

/** One decision about one operation, inside its transaction. */
interface Applying {
  store: Store;
  shape: RecordShape;
  table: ReturnType<Store['tableByName']>;
  recordId: string;
  /** The operation as it is now (it may have changed while the handler ran). */
  current: OperationRecord;
  /** The server's copy of the record, when the failure brought or looked it up. */
  serverRecord: LocalRecord | null;
}

export function applyResolution(
  host: ResolutionHost,
  operation: OperationRecord,
  resolution: Resolution,
  serverRecord: LocalRecord | null,
): ResolutionOutcome {
  const { store, status, shape } = host;
  const outcome = store.transaction((): ResolutionOutcome => {
    const current = store.operations.get(operation.id);
    if (!current) return 'gone';
    const applying: Applying = {
      store,
      shape,
      table: store.tableByName(operation.tableName),
      recordId: operation.recordId,
      current,
      serverRecord,
    };
    switch (resolution.kind) {
      case 'cancel':
        store.syncIssues.removeForOperation(operation.id);
        store.operations.remove(operation.id);
        return 'cancelled';
      case 'cancelAndUpdate':
        return cancelAndUpdate(applying, resolution.record);
      case 'cancelAndDiscard':
        return cancelAndDiscard(applying);
      case 'update':
        return retryWith(applying, resolution.record);
      case 'changeAction':
        return retryAs(applying, resolution.action, resolution.record);
      case 'retry':
        return 'retry';
    }
  });
  status.dataChanged(operation.tableName);
  return outcome;
}

/** Drops the operation and writes `record` locally; its version becomes the next operations'. */
function cancelAndUpdate(applying: Applying, record: Record<string, unknown>): ResolutionOutcome {
  const { store, table, recordId, current } = applying;
  if (record.deleted === true) table.delete(recordId);
  else writeLocal(applying, record);
  const version = versionOf(record);
  if (version) {
    for (const next of store.operations.forRecord(current.tableName, recordId)) {
      if (next.id !== current.id) store.operations.update(next.id, { version });
    }
  }
  store.syncIssues.removeForOperation(current.id);
  store.operations.remove(current.id);
  return 'cancelled';
}

/** Drops the local record and every operation queued for it. */
function cancelAndDiscard(applying: Applying): ResolutionOutcome {
  const { store, table, recordId, current } = applying;
  table.delete(recordId);
  for (const next of store.operations.forRecord(current.tableName, recordId)) {
    store.syncIssues.removeForOperation(next.id);
    store.operations.remove(next.id);
  }
  return 'cancelled';
}

/** Writes `record` locally and sends the operation again, against the version it carries. */
function retryWith(applying: Applying, record: Record<string, unknown>): ResolutionOutcome {
  const { store, current, serverRecord } = applying;
  const version = versionOf(record) ?? current.version;
  if (current.action !== 'delete') writeLocal(applying, record);
  // A conflicting insert of a record the server has is retried as an update of it.
  const serverHasIt = serverRecord !== null && !serverRecord.deleted;
  const action = current.action === 'insert' && serverHasIt ? 'update' : current.action;
  rearm(store, current.id, { version, action, base: rebased(applying, version) }, KEEP_ATTEMPTS);
  return 'retry';
}

/** Sends the operation again as `action`, on its record (optionally writing `record` first). */
function retryAs(
  applying: Applying,
  action: OperationRecord['action'],
  record: Record<string, unknown> | undefined,
): ResolutionOutcome {
  const { store, shape, table, recordId, current, serverRecord } = applying;
  let version = versionOf(record) ?? serverRecord?.version ?? current.version;
  if (action === 'delete') {
    const before = (table.lookup(recordId) as LocalRecord | undefined) ?? record;
    table.delete(recordId);
    const item = before ? toSnapshot(before) : current.item;
    rearm(store, current.id, { action, version, base: rebased(applying, version), item }, KEEP_ATTEMPTS);
    return 'retry';
  }
  if (record) writeLocal(applying, record);
  else if (!table.lookup(recordId) && current.item) writeLocal(applying, shape.fromSnapshot(current.item));
  // An insert is a plain POST unless the server holds a deleted copy to restore.
  if (action === 'insert') version = serverRecord?.deleted ? serverRecord.version : null;
  rearm(store, current.id, { action, version, base: rebased(applying, version) }, KEEP_ATTEMPTS);
  return 'retry';
}

/** Writes the user fields of `record` (and the system fields it carries) to the local row. */
function writeLocal(applying: Applying, record: Record<string, unknown>): void {
  const { shape, table, recordId } = applying;
  const current = table.lookup(recordId) as LocalRecord | undefined;
  const next: Record<string, unknown> = { ...(current ?? { id: recordId }), ...shape.userFieldsOf(record) };
  for (const key of ['version', 'createdAt', 'updatedAt'] as const) {
    if (record[key] !== undefined) next[key] = record[key];
  }
  next.id = recordId;
  next.deleted = false;
  table.upsertMany([next]);
}

/**
 * Once the retry carries the server's version, the server's record is the base of any later
 * three-way merge: its changes are already part of what we send.
 */
function rebased(applying: Applying, version: string | null): OperationRecord['base'] {
  const { serverRecord, current } = applying;
  return serverRecord && !serverRecord.deleted && version === serverRecord.version
    ? toSnapshot(serverRecord)
    : current.base;
}

function versionOf(record: Record<string, unknown> | undefined): string | undefined {
  return typeof record?.version === 'string' ? record.version : undefined;
}
