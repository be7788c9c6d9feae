/**
 * `todos:bulk`: many todo writes in one call, for multi-select, Clear completed and undoing
 * them. A select-all of 10,000 todos would otherwise be 10,000 IPC round trips.
 *
 * Every id is looked up before anything is written: a request that names a missing todo (deleted
 * elsewhere meanwhile) or the same todo twice is refused whole and changes nothing. The writes
 * then run in one store transaction, so the rows and their queued operations commit together
 * with one fsync instead of one per todo.
 */
import type { TodoBulk, TodoBulkResult, TodoChanges } from '../../common/ipc-contract';
import { todoTable, type TodoItem } from '../../common/todo-table';
import type { Store } from '../store/types';
import type { SyncTable } from '../sync';
import { ServiceError } from './errors';

export async function applyTodoBulk(
  store: Store,
  todos: SyncTable<TodoItem>,
  request: TodoBulk,
  definedChanges: (changes: TodoChanges) => Partial<TodoItem>,
): Promise<TodoBulkResult> {
  const table = store.table(todoTable);
  const updates = request.update ?? [];
  const removals = request.remove ?? [];
  const touched = new Set<string>();
  const missing: string[] = [];
  const removedBefore: TodoItem[] = [];
  for (const id of [...updates.map((u) => u.id), ...removals]) {
    if (touched.has(id)) {
      throw new ServiceError('invalid-request', 'The same todo is named twice in one change.', [id]);
    }
    touched.add(id);
    if (!table.lookup(id)) missing.push(id);
  }
  if (missing.length > 0) {
    throw new ServiceError(
      'not-found',
      missing.length === 1
        ? 'One of these todos no longer exists. It may have been deleted, here or on another device.'
        : `${missing.length} of these todos no longer exist. They may have been deleted, here or on another device.`,
      missing.slice(0, 20),
    );
  }
  for (const id of removals) {
    const row = table.lookup(id);
    if (row) removedBefore.push(row);
  }

  // The sync table's writes run synchronously inside their async bodies, so they all land in
  // this one transaction; their promises are awaited after it committed.
  const pending = store.transaction(() => ({
    added: (request.add ?? []).map(({ todo, complete }) =>
      todos.insert({ ...(todo as Partial<TodoItem>), ...(complete === undefined ? {} : { complete }) }),
    ),
    updated: updates.map(({ id, changes }) => todos.update({ id, ...definedChanges(changes) })),
    removed: removals.map((id) => todos.del(id)),
  }));
  const [added, updated] = await Promise.all([Promise.all(pending.added), Promise.all(pending.updated)]);
  await Promise.all(pending.removed);
  return { added, updated, removed: removedBefore };
}
