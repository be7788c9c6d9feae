/**
 * The virtual todo list: a fixed row height, only the rows in view (plus a small margin) in the
 * DOM, pages fetched as the person scrolls. Keyboard: arrows/Page/Home/End move, Space toggles,
 * Enter edits, Delete removes. One row is the tab stop (roving tabindex).
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TodoEditBase, TodoListItem } from '../../common/ipc-contract';
import type { SectionedWindow } from '../hooks/useCompletedSection';
import type { Selection } from '../hooks/useSelection';
import { CompletedHeader } from './CompletedHeader';
import { ROW_HEIGHT, TodoRow, type RowActions } from './TodoRow';

const OVERSCAN_ROWS = 6;

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
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);
  const [activeIndex, setActiveIndex] = useState(0);
  const [editingId, setEditingId] = useState<string | null>(null);
  /** Keyboard focus belongs in the list: restore it when the focused row is re-rendered away. */
  const keepFocus = useRef(false);
  const scrollFrame = useRef(0);

  const total = data.total;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN_ROWS);
  const last = Math.min(total - 1, Math.ceil((scrollTop + viewportHeight) / ROW_HEIGHT) + OVERSCAN_ROWS);

  useEffect(() => {
    data.setVisibleRange(first, Math.max(first, last));
  }, [data, first, last]);

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewportHeight(element.clientHeight));
    observer.observe(element);
    setViewportHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (viewport.current) viewport.current.scrollTop = 0;
    setScrollTop(0);
    setActiveIndex(0);
    setEditingId(null);
  }, [queryKey]);

  // Rows can vanish under the cursor (completed while filtering Active, deleted elsewhere).
  const clampedActive = total === 0 ? 0 : Math.min(activeIndex, total - 1);

  const activeRef = useRef(clampedActive);
  activeRef.current = clampedActive;
  const editingRef = useRef(editingId);
  editingRef.current = editingId;

  /** Puts focus back on the active row when it fell out of the list (its element was re-rendered away). */
  const restoreFocus = useCallback(() => {
    const element = viewport.current;
    if (!element || !keepFocus.current || editingRef.current !== null) return;
    if (element.contains(document.activeElement) && document.activeElement !== element) return;
    element.querySelector<HTMLElement>(`[data-index="${activeRef.current}"]`)?.focus({ preventScroll: true });
  }, []);

  useLayoutEffect(restoreFocus);

  const onScroll = () => {
    if (scrollFrame.current) return;
    scrollFrame.current = requestAnimationFrame(() => {
      scrollFrame.current = 0;
      if (viewport.current) setScrollTop(viewport.current.scrollTop);
    });
  };
  useEffect(() => () => cancelAnimationFrame(scrollFrame.current), []);

  const scrollIntoView = (index: number) => {
    const element = viewport.current;
    if (!element) return;
    const top = index * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) {
      element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
    }
    setScrollTop(element.scrollTop);
  };

  const moveTo = (index: number) => {
    if (total === 0) return;
    const next = Math.max(0, Math.min(total - 1, index));
    keepFocus.current = true;
    setActiveIndex(next);
    scrollIntoView(next);
    // The row may already be in the DOM: move focus now so a fast key repeat keeps up.
    viewport.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus({ preventScroll: true });
  };

  const latest = useRef({ actions, data, selection });
  latest.current = { actions, data, selection };

  const rowActions = useMemo<RowActions>(
    () => ({
      activate: (index, event) => {
        keepFocus.current = true;
        setActiveIndex(index);
        const { data: rows, selection: selected } = latest.current;
        const item = rows.rowAt(index);
        if (event?.shiftKey) selected.extendTo(index, rows.rowAt);
        else if ((event?.ctrlKey || event?.metaKey) && item) selected.toggle(item, index);
        else selected.clickRow(index);
      },
      toggle: (item) => latest.current.actions.toggle(item),
      startEdit: (item, index) => {
        keepFocus.current = true;
        setActiveIndex(index);
        setEditingId(item.id);
      },
      saveEdit: async (item, text, backToRow, base) => {
        try {
          await latest.current.actions.saveEdit(item, text, base);
        } finally {
          if (backToRow) keepFocus.current = true;
          setEditingId(null);
        }
      },
      cancelEdit: (backToRow) => {
        if (backToRow) keepFocus.current = true;
        setEditingId(null);
      },
      remove: (item, index) => {
        keepFocus.current = true;
        setActiveIndex(index);
        latest.current.actions.remove(item);
      },
      undoRemove: () => latest.current.actions.undoRemove(),
      openIssue: (item) => latest.current.actions.openIssue(item),
      openDetails: (item, index) => {
        setActiveIndex(index);
        latest.current.actions.openDetails(item);
      },
    }),
    [],
  );

  /** Arrows move the focus; with Shift they extend the selection, without they end it. */
  const moveWithSelection = (index: number, next: number, extend: boolean) => {
    const bounded = Math.max(0, Math.min(total - 1, next));
    if (extend) {
      if (latest.current.selection.size === 0) latest.current.selection.clickRow(index);
      latest.current.selection.extendTo(bounded, latest.current.data.rowAt);
    } else {
      latest.current.selection.clickRow(bounded);
    }
    moveTo(bounded);
  };

  const onKeyDown = useCallback(
    (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      const row = target.closest<HTMLElement>('[data-index]');
      if (!row || target.closest('.edit-field')) return;
      const index = Number(row.dataset.index);
      const onRowItself = target === row;
      const item = latest.current.data.rowAt(index);
      const pageRows = Math.max(1, Math.floor(viewportHeight / ROW_HEIGHT) - 1);
      switch (event.key) {
        case 'ArrowDown':
          event.preventDefault();
          moveWithSelection(index, index + 1, event.shiftKey);
          return;
        case 'ArrowUp':
          event.preventDefault();
          moveWithSelection(index, index - 1, event.shiftKey);
          return;
        case 'Escape':
          if (latest.current.selection.size > 0) {
            event.preventDefault();
            latest.current.selection.clear();
          }
          return;
        case 'PageDown':
          event.preventDefault();
          moveTo(index + pageRows);
          return;
        case 'PageUp':
          event.preventDefault();
          moveTo(index - pageRows);
          return;
        case 'Home':
          event.preventDefault();
          moveTo(0);
          return;
        case 'End':
          event.preventDefault();
          moveTo(total - 1);
          return;
      }
      if (!onRowItself || !item || item.id === deletingId) return;
      const many = latest.current.selection.size > 0;
      if (event.key === ' ') {
        event.preventDefault();
        if (many) latest.current.actions.toggleSelected();
        else rowActions.toggle(item);
      } else if (event.key === 'Enter') {
        event.preventDefault();
        rowActions.openDetails(item, index);
      } else if (event.key === 'F2') {
        event.preventDefault();
        rowActions.startEdit(item, index);
      } else if (event.key === 'Delete' || event.key === 'Backspace') {
        event.preventDefault();
        if (many) latest.current.actions.removeSelected();
        else rowActions.remove(item, index);
      }
    },
    // moveTo reads the current total and viewport through this render's closure.
    [total, viewportHeight, deletingId, rowActions],
  );

  const rows = [];
  for (let index = first; index <= last; index++) {
    if (index === data.headerIndex) {
      rows.push(
        <CompletedHeader
          key="completed-header"
          index={index}
          count={data.completedCount}
          collapsed={data.collapsed}
          active={index === clampedActive}
          onToggle={() => data.setCollapsed(!data.collapsed)}
          onClear={() => actions.clearCompleted()}
          onFocusRow={(at) => {
            keepFocus.current = true;
            setActiveIndex(at);
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
        total={data.headerIndex === null ? total : total - 1}
        position={data.dataIndexOf(index) ?? index}
        item={item}
        active={index === clampedActive}
        editing={item !== undefined && item.id === editingId}
        deleting={item !== undefined && item.id === deletingId}
        selected={item !== undefined && selection.has(item.id)}
        actions={rowActions}
      />,
    );
  }

  return (
    <div
      ref={viewport}
      id={id}
      class="list-viewport"
      role="tabpanel"
      aria-labelledby={labelledBy}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      onFocusOut={(event) => {
        const next = event.relatedTarget as Node | null;
        if (next) {
          if (!viewport.current?.contains(next)) keepFocus.current = false;
          return;
        }
        // No new target: a click on nothing, the window losing focus, or the focused element being
        // removed (a finished edit, a row that left the filter). Only the last keeps focus here.
        const from = event.target as HTMLElement;
        requestAnimationFrame(() => {
          const dropped =
            !from.isConnected && (document.activeElement === document.body || !document.activeElement);
          keepFocus.current = dropped;
          if (dropped) restoreFocus();
        });
      }}
      data-testid="todo-list"
    >
      {data.error ? (
        <div class="list-message" role="alert">
          <p>{data.error}</p>
          <button type="button" class="button" onClick={data.refresh}>
            Try again
          </button>
        </div>
      ) : total === 0 && data.ready ? (
        <div class="list-message">
          <p>{emptyText}</p>
        </div>
      ) : (
        <div class="list-spacer" role="list" aria-label="Todos" style={{ height: `${total * ROW_HEIGHT}px` }}>
          {rows}
        </div>
      )}
    </div>
  );
}
