/**
 * Saving an edit that was made against what an editor showed (`todos:update` with a base).
 *
 * An inline editor can stay open while a sync brings another device's change to the same todo.
 * Writing the typed value blindly would overwrite that change without anyone deciding, so the
 * save is three-way (main/sync/merge.ts editAgainstBase): fields nobody else touched take the
 * edit, other fields that changed meanwhile keep their new value, and an edited field that also
 * changed meanwhile goes through the conflict policy, like a conflict met by a push:
 * - "server-wins": the value that arrived stays; the person's value is not written;
 * - "client-wins": the person's value is written;
 * - "merge" and "ask": both edited the same field, so the person decides. The edit is saved
 *   here as usual (the row shows what they typed, nothing is lost) and a conflict is listed
 *   with the arrived record as the server's side; until it is settled its push waits.
 */
import type { TodoEditBase } from '../../common/ipc-contract';
import type { ConflictPolicy } from '../../common/sync-types';
import { todoTable, type TodoItem } from '../../common/todo-table';
import type { Store } from '../store/types';
import type { SyncContext } from '../sync';
import { editAgainstBase } from '../sync/merge';
import { toSnapshot, type LocalRecord } from '../sync/records';
import { ServiceError } from './errors';

export const EDITED_MEANWHILE_MESSAGE =
  'This todo was changed on another device while you were editing it here.';

export interface EditResult {
  item: TodoItem;
  /** saved: written as typed; conflict: written, and listed for the person; kept-theirs: the arrived value stayed. */
  outcome: 'saved' | 'conflict' | 'kept-theirs';
}

/**
 * Writes `edited` to the todo `id` against `base`, in one transaction with its queued operation
 * (and the conflict, when there is one), so no push can send the edit before its conflict exists.
 */
export function saveEditAgainstBase(
  store: Store,
  syncContext: SyncContext,
  id: string,
  edited: Partial<TodoItem>,
  base: TodoEditBase,
  notFoundMessage: string,
): EditResult {
  const tableName = todoTable.name;
  const table = store.tableByName(tableName);
  const policy: ConflictPolicy = syncContext.getConflictPolicy(tableName);
  const result = store.transaction((): EditResult => {
    const current = table.lookup(id) as LocalRecord | undefined;
    if (!current) throw new ServiceError('not-found', notFoundMessage);
    const plan = editAgainstBase(base, current, edited);
    // Changes that arrived meanwhile come from a pull, which never touches a record with
    // pending operations: with some pending, the other value is this computer's own (another
    // window), and the later local edit simply follows it.
    const pending = store.operations.forRecord(tableName, id);
    const meetsArrival = plan.conflictingFields.length > 0 && pending.length === 0;
    let changes = plan.changes;
    let outcome: EditResult['outcome'] = 'saved';
    if (meetsArrival && policy === 'server-wins') {
      changes = Object.fromEntries(
        Object.entries(changes).filter(([field]) => !plan.conflictingFields.includes(field)),
      );
      outcome = 'kept-theirs';
    } else if (meetsArrival && policy !== 'client-wins') {
      outcome = 'conflict';
    }
    if (Object.keys(changes).length === 0) return { item: current as unknown as TodoItem, outcome };

    syncContext.queue.recordUpdate(tableName, current, changes);
    const written = table.update(id, changes) as LocalRecord;
    if (outcome === 'conflict') {
      const operation = store.operations.forRecord(tableName, id).at(-1);
      if (!operation) throw new Error('The edit was saved without its queued operation.');
      // The base as the person saw it: the record now, with the edited fields as they were then.
      const seen: Record<string, unknown> = { ...current };
      for (const field of plan.conflictingFields) seen[field] = base[field as keyof TodoEditBase];
      store.syncIssues.add({
        operationId: operation.id,
        kind: 'conflict',
        tableName,
        recordId: id,
        action: 'update',
        httpStatus: null,
        message: EDITED_MEANWHILE_MESSAGE,
        serverRecord: toSnapshot(current),
        clientRecord: toSnapshot(written),
        baseRecord: toSnapshot(seen),
      });
    }
    return { item: written as unknown as TodoItem, outcome };
  });
  syncContext.status.dataChanged(tableName);
  return result;
}
