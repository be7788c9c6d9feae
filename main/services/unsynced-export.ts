/**
 * "Export unsynced changes": every local change the server has not accepted yet, as JSON a
 * person can keep before resetting local data or hand to support. Read-only.
 */
import type { UnsyncedExport } from '../../common/ipc-contract';
import type { JsonValue } from '../../common/table-schema';
import type { Store } from '../store/types';

export interface UnsyncedChange {
  table: string;
  recordId: string;
  action: string;
  /** ISO time the change was queued. */
  queuedAt: string;
  /** The server version the change was made against (null for a new record). */
  serverVersion: string | null;
  /** The record as it is now (for a deletion: as it was when deleted). */
  record: unknown;
  /** The record as the server last had it, before these changes. */
  recordBeforeChanges: Record<string, JsonValue> | null;
  /** Why the server refused it or what conflicts with it, when it did. */
  problem: string | null;
}

export function exportUnsyncedChanges(
  store: Store,
  context: { now: Date; backendUrl: string | null },
): UnsyncedExport {
  const problems = new Map<number, string>();
  for (const issue of store.syncIssues.list()) problems.set(issue.operationId, issue.message);

  const changes: UnsyncedChange[] = store.operations.list().map((operation) => ({
    table: operation.tableName,
    recordId: operation.recordId,
    action: operation.action,
    queuedAt: operation.createdAt.toISOString(),
    serverVersion: operation.version,
    record:
      operation.action === 'delete'
        ? operation.item
        : (store.tableByName(operation.tableName).lookup(operation.recordId) ?? null),
    recordBeforeChanges: operation.base,
    problem: problems.get(operation.id) ?? null,
  }));

  const document = {
    exportedBy: 'Todo Sync',
    exportedAt: context.now.toISOString(),
    backendUrl: context.backendUrl,
    changeCount: changes.length,
    changes,
  };
  const stamp = context.now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  return {
    suggestedFileName: `todo-sync-unsynced-changes-${stamp}.json`,
    json: JSON.stringify(document, null, 2),
    operationCount: changes.length,
  };
}
