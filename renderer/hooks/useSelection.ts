/**
 * Multi-select in the list: Ctrl/Cmd+click adds or removes one todo, Shift+click and
 * Shift+arrows select a range from the anchor, Ctrl/Cmd+A selects every todo in view (all of
 * the current filter and search, fetched page by page, not only the rows on screen), Esc clears.
 * The selection is a set of ids, so it survives scrolling and refreshes; it is cleared when the
 * filter or search changes.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TodoFilter, TodoListItem } from '../../common/ipc-contract';
import { todoSync } from '../api';
import { snapshotOf, type TodoSnapshot } from './useUndo';

export interface Selection {
  readonly size: number;
  has(id: string): boolean;
  /** The selected todos with what bulk actions need, in list order where loaded. */
  items(): TodoSnapshot[];
  /** A plain click: the clicked row becomes the anchor, the selection empties. */
  clickRow(index: number): void;
  toggle(item: TodoListItem, index: number): void;
  /** Selects from the anchor to `index`, with the rows `rowAt` knows. */
  extendTo(index: number, rowAt: (index: number) => TodoListItem | undefined): void;
  selectAll(): Promise<void>;
  clear(): void;
  /** Drops ids that are gone (after a bulk delete). */
  forget(ids: readonly string[]): void;
  /** After a bulk complete: the snapshots follow, so the next toggle knows the state. */
  markComplete(complete: boolean): void;
}

const PAGE = 1000;

export function useSelection(query: { filter: TodoFilter; search: string }): Selection {
  const [selected, setSelected] = useState<ReadonlyMap<string, TodoSnapshot>>(new Map());
  const anchor = useRef<number | null>(null);
  const queryKey = `${query.filter}\u0000${query.search.trim()}`;
  const latestQuery = useRef(query);
  latestQuery.current = query;

  useEffect(() => {
    setSelected(new Map());
    anchor.current = null;
  }, [queryKey]);

  const clickRow = useCallback((index: number) => {
    anchor.current = index;
    setSelected((current) => (current.size === 0 ? current : new Map()));
  }, []);

  const toggle = useCallback((item: TodoListItem, index: number) => {
    anchor.current = index;
    setSelected((current) => {
      const next = new Map(current);
      if (next.has(item.id)) next.delete(item.id);
      else next.set(item.id, snapshotOf(item));
      return next;
    });
  }, []);

  const extendTo = useCallback((index: number, rowAt: (index: number) => TodoListItem | undefined) => {
    const from = anchor.current ?? index;
    if (anchor.current === null) anchor.current = index;
    const next = new Map<string, TodoSnapshot>();
    for (let i = Math.min(from, index); i <= Math.max(from, index); i++) {
      const item = rowAt(i);
      if (item) next.set(item.id, snapshotOf(item));
    }
    setSelected(next);
  }, []);

  const selectAll = useCallback(async () => {
    const { filter, search } = latestQuery.current;
    const next = new Map<string, TodoSnapshot>();
    for (let skip = 0; ; skip += PAGE) {
      const page = await todoSync.queryTodos({
        filter,
        ...(search.trim() ? { search: search.trim() } : {}),
        skip,
        take: PAGE,
      });
      for (const item of page.items) next.set(item.id, snapshotOf(item));
      if (page.items.length < PAGE || skip + PAGE >= page.total) break;
    }
    setSelected(next);
  }, []);

  const clear = useCallback(() => {
    setSelected((current) => (current.size === 0 ? current : new Map()));
  }, []);

  const forget = useCallback((ids: readonly string[]) => {
    setSelected((current) => {
      const next = new Map(current);
      for (const id of ids) next.delete(id);
      return next;
    });
  }, []);

  const markComplete = useCallback((complete: boolean) => {
    setSelected((current) => new Map([...current].map(([id, item]) => [id, { ...item, complete }])));
  }, []);

  return useMemo(
    () => ({
      size: selected.size,
      has: (id: string) => selected.has(id),
      items: () => [...selected.values()],
      clickRow,
      toggle,
      extendTo,
      selectAll,
      clear,
      forget,
      markComplete,
    }),
    [selected, clickRow, toggle, extendTo, selectAll, clear, forget, markComplete],
  );
}
