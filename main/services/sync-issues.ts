/**
 * The engine's sync issues as the contract shows them: records narrowed to TodoItem, times as
 * ISO strings.
 */
import type { SyncIssue } from '../../common/ipc-contract';
import type { TodoItem } from '../../common/todo-table';
import type { LocalRecord, SyncIssueDetails } from '../sync';

export function toSyncIssue(issue: SyncIssueDetails): SyncIssue {
  return {
    id: issue.id,
    kind: issue.kind,
    table: issue.tableName,
    recordId: issue.recordId,
    action: issue.action,
    httpStatus: issue.httpStatus,
    message: issue.message,
    clientRecord: toTodoItem(issue.clientRecord),
    serverRecord: toTodoItem(issue.serverRecord),
    baseRecord: toTodoItem(issue.baseRecord),
    createdAt: issue.createdAt.toISOString(),
  };
}

/** A decoded record of the todo table; fields the record lacks take the column defaults. */
export function toTodoItem(record: LocalRecord | null): TodoItem | null {
  if (!record) return null;
  return {
    id: record.id,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    deleted: record.deleted,
    text: typeof record.text === 'string' ? record.text : '',
    complete: record.complete === true,
    notes: typeof record.notes === 'string' ? record.notes : null,
  };
}
