/**
 * The engine's sync issues as the contract shows them: records narrowed to TodoItem, times as
 * ISO strings, and who changed each field from the engine's own three-way analysis.
 */
import type { FieldChange, SyncIssue, TodoField } from '../../common/ipc-contract';
import type { ColumnSpec } from '../../common/table-schema';
import { userColumnsOf } from '../../common/table-zod';
import { todoTable, type TodoItem } from '../../common/todo-table';
import { analyzeFields, parseDate, type LocalRecord, type SyncIssueDetails } from '../sync';

const TODO_FIELDS: readonly TodoField[] = userColumnsOf(todoTable);

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
    serverDeleted: isDeletedOnServer(issue),
    baseRecord: toTodoItem(issue.baseRecord),
    // From the engine's records, not the narrowed ones: a field the server's record lacks
    // is "local-only", which a default-filled TodoItem could no longer tell.
    fieldChanges: analyzeFields(
      TODO_FIELDS,
      issue.baseRecord,
      issue.clientRecord,
      issue.serverRecord,
    ) as Record<TodoField, FieldChange>,
    createdAt: issue.createdAt.toISOString(),
  };
}

/**
 * A conflict whose server side is gone: the engine met a tombstone (soft delete) or no record at
 * all (a server that deletes for good) when it looked the record up after a 404 or a 412.
 */
function isDeletedOnServer(issue: SyncIssueDetails): boolean {
  if (issue.kind !== 'conflict') return false;
  return issue.serverRecord === null ? issue.action !== 'delete' : issue.serverRecord.deleted;
}

/** A value of the column's kind, else the column's default (null for nullable columns). */
function fieldValue(spec: ColumnSpec, value: unknown): unknown {
  const fallback = spec.defaultValue ?? null;
  switch (spec.kind) {
    case 'string':
      return typeof value === 'string' ? value : fallback;
    case 'boolean':
      return typeof value === 'boolean' ? value : fallback;
    case 'integer':
    case 'real':
      return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
    case 'date':
      return parseDate(value) ?? fallback;
    case 'json':
      return value === undefined ? fallback : value;
  }
}

/** A decoded record of the todo table; fields the record lacks take the column defaults. */
export function toTodoItem(record: LocalRecord | null): TodoItem | null {
  if (!record) return null;
  const item: Record<string, unknown> = {
    id: record.id,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    deleted: record.deleted,
  };
  for (const field of TODO_FIELDS) item[field] = fieldValue(todoTable.columns[field], record[field]);
  return item as unknown as TodoItem;
}
