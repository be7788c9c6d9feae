/**
 * The virtual todo list: a fixed row height, only the rows in view (plus a small margin) in the
 * DOM, pages fetched as the person scrolls. Keyboard: arrows/Page/Home/End move, Space toggles,
 * Enter edits, Delete removes. One row is the tab stop (roving tabindex).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TodoEditBase, TodoListItem } from '../../common/ipc-contract';
import type { SectionedWindow } from '../hooks/useCompletedSection';
import type { Selection } from '../hooks/useSelection';
import { useRovingFocus, useVirtualWindow } from '../hooks/useVirtualList';
import { CompletedHeader } from './CompletedHeader';
import { ROW_HEIGHT, TodoRow, type RowActions } from './TodoRow';

export interface ListActions {
  toggle(item: TodoListItem): void;
  saveEdit(item: TodoListItem, text: string, base: TodoEditBase): Promise<void>;
  remove(item: TodoListItem): void;
  undoRemove(): void;
  openIssue(item: TodoListItem): void;
  openDetails(item: TodoListItem): void;
  /** Space or Delete on a multi-selection. */
  toggleSelected(): void;
  removeSelected(): void;
  clearCompleted(): void;
}

interface TodoListProps {
  data: SectionedWindow;
  selection: Selection;
  /** Changes when filter or search change: scroll back to the top. */
  queryKey: string;
  deletingId: string | null;
  actions: ListActions;
  emptyText: string;
  labelledBy: string;
  id: string;
}

/** What the list's handlers read at the time they run, not when they were made. */
interface Latest {
  readonly current: { actions: ListActions; data: SectionedWindow; selection: Selection };
}

interface RowFocus {
  holdFocus(): void;
  focusRow(index: number): void;
  setActiveIndex(index: number): void;
}

/** What a row asks of the list, made once: it reads the current props through `latest`. */
function useRowActions(
  latest: Latest,
  { holdFocus, focusRow, setActiveIndex }: RowFocus,
  setEditingId: (id: string | null) => void,
): RowActions {
  return useMemo<RowActions>(() => {
    const current = () => latest.current;
    const endEdit = (backToRow: boolean) => {
      if (backToRow) holdFocus();
      setEditingId(null);
    };
    return {
      activate: (index, event) => {
        focusRow(index);
        const { data: rows, selection: selected } = current();
        const item = rows.rowAt(index);
        if (event?.shiftKey) selected.extendTo(index, rows.rowAt);
        else if ((event?.ctrlKey || event?.metaKey) && item) selected.toggle(item, index);
        else selected.clickRow(index);
      },
      toggle: (item) => current().actions.toggle(item),
      startEdit: (item, index) => {
        focusRow(index);
        setEditingId(item.id);
      },
      saveEdit: async (item, text, backToRow, base) => {
        try {
          await current().actions.saveEdit(item, text, base);
        } finally {
          endEdit(backToRow);
        }
      },
      cancelEdit: endEdit,
      remove: (item, index) => {
        focusRow(index);
        current().actions.remove(item);
      },
      undoRemove: () => current().actions.undoRemove(),
      openIssue: (item) => current().actions.openIssue(item),
      openDetails: (item, index) => {
        setActiveIndex(index);
        current().actions.openDetails(item);
      },
    };
  }, []);
}

/** Where Page Up/Down, Home and End move the focus from `index`; null for any other key. */
function jumpTarget(key: string, index: number, total: number, viewportHeight: number): number | null {
  const pageRows = Math.max(1, Math.floor(viewportHeight / ROW_HEIGHT) - 1);
  switch (key) {
    case 'PageDown':
      return index + pageRows;
    case 'PageUp':
      return index - pageRows;
    case 'Home':
      return 0;
    case 'End':
      return total - 1;
    default:
      return null;
  }
}

/** Space, Enter, F2 and Delete on a focused row: one todo, or the selection when there is one. */
function actOnRow(
  event: KeyboardEvent,
  item: TodoListItem,
  index: number,
  { actions, selection }: { actions: ListActions; selection: Selection },
  rowActions: RowActions,
): void {
  const many = selection.size > 0;
  if (event.key === ' ') {
    event.preventDefault();
    if (many) actions.toggleSelected();
    else rowActions.toggle(item);
  } else if (event.key === 'Enter') {
    event.preventDefault();
    rowActions.openDetails(item, index);
  } else if (event.key === 'F2') {
    event.preventDefault();
    rowActions.startEdit(item, index);
  } else if (event.key === 'Delete' || event.key === 'Backspace') {
    event.preventDefault();
    if (many) actions.removeSelected();
    else rowActions.remove(item, index);
  }
}

interface ListKeys {
  latest: Latest;
  total: number;
  viewportHeight: number;
  deletingId: string | null;
  rowActions: RowActions;
  moveTo(index: number): void;
}

/** The list's keyboard: arrows (Shift extends the selection), Esc, paging, and the row's own keys. */
function useListKeys({ latest, total, viewportHeight, deletingId, rowActions, moveTo }: ListKeys) {
  /** Arrows move the focus; with Shift they extend the selection, without they end it. */
  const moveWithSelection = (index: number, next: number, extend: boolean) => {
    const bounded = Math.max(0, Math.min(total - 1, next));
    const { selection, data } = latest.current;
    if (extend) {
      if (selection.size === 0) selection.clickRow(index);
      selection.extendTo(bounded, data.rowAt);
    } else {
      selection.clickRow(bounded);
    }
    moveTo(bounded);
  };

  return useCallback(
    (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      const row = target.closest<HTMLElement>('[data-index]');
      if (!row || target.closest('.edit-field')) return;
      const index = Number(row.dataset.index);
      const current = latest.current;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        moveWithSelection(index, event.key === 'ArrowDown' ? index + 1 : index - 1, event.shiftKey);
        return;
      }
      if (event.key === 'Escape') {
        if (current.selection.size > 0) {
          event.preventDefault();
          current.selection.clear();
        }
        return;
      }
      const jump = jumpTarget(event.key, index, total, viewportHeight);
      if (jump !== null) {
        event.preventDefault();
        moveTo(jump);
        return;
      }
      const item = current.data.rowAt(index);
      if (target !== row || !item || item.id === deletingId) return;
      actOnRow(event, item, index, current, rowActions);
    },
    // moveTo reads the current total and viewport through this render's closure.
    [total, viewportHeight, deletingId, rowActions],
  );
}

interface VisibleRowsProps {
  first: number;
  last: number;
  data: SectionedWindow;
  selection: Selection;
  active: number;
  editingId: string | null;
  deletingId: string | null;
  rowActions: RowActions;
  onClearCompleted(): void;
  focusRow(index: number): void;
}

/** The rows from `first` to `last`: todos (or placeholders while their page loads) and the Completed header. */
function VisibleRows({
  first,
  last,
  data,
  selection,
  active,
  editingId,
  deletingId,
  rowActions,
  onClearCompleted,
  focusRow,
}: VisibleRowsProps) {
  const rows = [];
  for (let index = first; index <= last; index++) {
    if (index === data.headerIndex) {
      rows.push(
        <CompletedHeader
          key="completed-header"
          index={index}
          count={data.completedCount}
          collapsed={data.collapsed}
          active={index === active}
          onToggle={() => data.setCollapsed(!data.collapsed)}
          onClear={onClearCompleted}
          onFocusRow={(at) => {
            focusRow(at);
            selection.clickRow(at);
          }}
        />,
      );
      continue;
    }
    const item = data.rowAt(index);
    rows.push(
      <TodoRow
        key={item ? item.id : `placeholder-${index}`}
        index={index}
        // Screen readers count todos: the Completed header is not one of them.
        total={data.headerIndex === null ? data.total : data.total - 1}
        position={data.dataIndexOf(index) ?? index}
        item={item}
        active={index === active}
        editing={item !== undefined && item.id === editingId}
        deleting={item !== undefined && item.id === deletingId}
        selected={item !== undefined && selection.has(item.id)}
        actions={rowActions}
      />,
    );
  }
  return <>{rows}</>;
}

export function TodoList({
  data,
  selection,
  queryKey,
  deletingId,
  actions,
  emptyText,
  labelledBy,
  id,
}: TodoListProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const view = useVirtualWindow(data, viewport);
  const focus = useRovingFocus(viewport, data.total, editingId, view.scrollIntoView);

  useEffect(() => {
    view.scrollToTop();
    focus.setActiveIndex(0);
    setEditingId(null);
  }, [queryKey]);

  const latest = useRef({ actions, data, selection });
  latest.current = { actions, data, selection };
  const rowActions = useRowActions(latest, focus, setEditingId);
  const onKeyDown = useListKeys({
    latest,
    total: data.total,
    viewportHeight: view.viewportHeight,
    deletingId,
    rowActions,
    moveTo: focus.moveTo,
  });

  return (
    <div
      ref={viewport}
      id={id}
      class="list-viewport"
      role="tabpanel"
      aria-labelledby={labelledBy}
      onScroll={view.onScroll}
      onKeyDown={onKeyDown}
      onFocusOut={focus.onFocusOut}
      data-testid="todo-list"
    >
      {data.error ? (
        <div class="list-message" role="alert">
          <p>{data.error}</p>
          <button type="button" class="button" onClick={data.refresh}>
            Try again
          </button>
        </div>
      ) : data.total === 0 && data.ready ? (
        <div class="list-message">
          <p>{emptyText}</p>
        </div>
      ) : (
        <div
          class="list-spacer"
          role="list"
          aria-label="Todos"
          style={{ height: `${data.total * ROW_HEIGHT}px` }}
        >
          <VisibleRows
            first={view.first}
            last={view.last}
            data={data}
            selection={selection}
            active={focus.active}
            editingId={editingId}
            deletingId={deletingId}
            rowActions={rowActions}
            onClearCompleted={() => actions.clearCompleted()}
            focusRow={focus.focusRow}
          />
        </div>
      )}
    </div>
  );
}
