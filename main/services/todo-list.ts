/**
 * The list query behind `todos:query`: one page of todos with the counts the filter tabs show
 * and each row's sync state. It runs on every keystroke in the search box and on every scroll
 * of a 100,000-row list, so it asks the store for exactly three things (the page, and two
 * counts from which all three tab counts and the total follow) and marks rows from two small
 * lookups (pending operations and open issues are few).
 */
import type { TodoCounts, TodoListItem, TodoPage, TodoQuery } from '../../common/ipc-contract';
import { todoTable, type TodoItem } from '../../common/todo-table';
import type { DueView } from '../../common/due-dates';
import type { OrderBy, Store, Where } from '../store/types';
import { dueViewCondition, isDueView } from './due-views';

export const DEFAULT_TODO_SORT = { by: 'createdAt', direction: 'asc' } as const;
const DUE_VIEW_SORT = { by: 'dueDate', direction: 'asc' } as const;

/** The search AND a due view; both may hold an $or, so the view's groups each take the search's. */
function withDueView(matching: Where<TodoItem>, view: DueView, now: Date): Where<TodoItem> {
  const { $or: viewGroups, ...viewRest } = dueViewCondition(view, now);
  if (!viewGroups || !matching.$or)
    return { ...matching, ...viewRest, ...(viewGroups ? { $or: viewGroups } : {}) };
  return { ...viewRest, $or: viewGroups.map((group) => ({ ...group, $or: matching.$or })) };
}

function searchCondition(search: string | undefined): Where<TodoItem> {
  const text = search?.trim();
  if (!text) return {};
  return { $or: [{ text: { contains: text } }, { notes: { contains: text } }] };
}

/** Counts follow the search, so each tab says how many rows clicking it would show. */
export function queryTodoPage(store: Store, request: TodoQuery, now: Date = new Date()): TodoPage {
  const table = store.table(todoTable);
  const matching = searchCondition(request.search);

  const all = table.count(matching);
  const completed = table.count({ ...matching, complete: true });
  const inView = (view: DueView): number => table.count(withDueView(matching, view, now));
  const counts: TodoCounts = {
    all,
    active: all - completed,
    completed,
    today: inView('today'),
    upcoming: inView('upcoming'),
    overdue: inView('overdue'),
  };
  const total = counts[request.filter];

  const where: Where<TodoItem> = isDueView(request.filter)
    ? withDueView(matching, request.filter, now)
    : request.filter === 'all'
      ? matching
      : { ...matching, complete: request.filter === 'completed' };
  // The due views read best soonest first.
  const sort = request.sort ?? (isDueView(request.filter) ? DUE_VIEW_SORT : DEFAULT_TODO_SORT);
  // id breaks ties, so paging through rows that share a sort value neither repeats nor skips.
  const orderBy: OrderBy<TodoItem>[] = [
    ...(request.completedLast ? [{ column: 'complete' as const, direction: 'asc' as const }] : []),
    { column: sort.by, direction: sort.direction },
    { column: 'id', direction: sort.direction },
  ];
  const rows =
    request.skip >= total
      ? []
      : table.query({ where, orderBy, skip: request.skip, take: request.take }).items;

  return { items: markSyncState(store, rows), total, counts };
}

function markSyncState(store: Store, rows: TodoItem[]): TodoListItem[] {
  if (rows.length === 0) return [];
  const pendingIds = store.operations.pendingRecordIds(todoTable.name);
  const issues = new Map<string, TodoListItem['issue']>();
  if (pendingIds.size > 0) {
    for (const issue of store.syncIssues.list({ tableName: todoTable.name })) {
      // A conflict needs the person more urgently than a refusal: show it if both exist.
      if (issues.get(issue.recordId) !== 'conflict') issues.set(issue.recordId, issue.kind);
    }
  }
  // The rows are fresh objects from the store: marking them in place costs a tenth of copying.
  return rows.map((row) =>
    Object.assign(row, { pending: pendingIds.has(row.id), issue: issues.get(row.id) ?? null }),
  );
}
