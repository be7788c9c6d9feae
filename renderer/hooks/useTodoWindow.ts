/**
 * The data behind the virtual list, as a hook: a TodoWindowCache (renderer/todo-window-cache.ts)
 * holds the pages and decides what to fetch; this subscribes to it, loads a new generation when
 * the query or the data changes, and hands the list a snapshot that changes when the rows do.
 */
import { useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import type { TodoCounts, TodoListItem } from '../../common/ipc-contract';
import { queryKeyOf, TodoWindowCache, type TodoWindowQuery } from '../todo-window-cache';

export { PAGE_SIZE, type TodoWindowQuery } from '../todo-window-cache';

export interface TodoWindow {
  /** Rows matching the query. */
  total: number;
  counts: TodoCounts;
  /** The first page of the current query has arrived. */
  ready: boolean;
  error: string | null;
  rowAt(index: number): TodoListItem | undefined;
  /** The rows the list shows (inclusive); pages covering them are fetched. */
  setVisibleRange(first: number, last: number): void;
  /** Applies a change locally at once; the next refresh brings the stored truth. */
  patchRow(id: string, changes: Partial<TodoListItem>): void;
  /** Refetches the rows in view; resolves once they are on screen (or the fetch failed). */
  refresh(): Promise<void>;
}

type WindowActions = Pick<TodoWindow, 'rowAt' | 'setVisibleRange' | 'patchRow' | 'refresh'>;

const next = (tick: number) => tick + 1;

export function useTodoWindow(query: TodoWindowQuery, dataVersion: number): TodoWindow {
  const [cache] = useState(() => new TodoWindowCache());
  const [renderTick, rerender] = useReducer(next, 0);
  const [reloadTick, requestReload] = useReducer(next, 0);
  const actions = useState<WindowActions>(() => ({
    rowAt: (index) => cache.rowAt(index),
    setVisibleRange: (first, last) => cache.setVisibleRange(first, last),
    patchRow: (id, changes) => cache.patchRow(id, changes),
    refresh: () => {
      // Settled by the first generation started after this call: the one the re-render loads.
      const settled = cache.afterNextLoad();
      requestReload(0);
      return settled;
    },
  }))[0];

  useEffect(() => {
    const unsubscribe = cache.subscribe(() => rerender(0));
    return () => {
      unsubscribe();
      cache.dispose();
    };
  }, [cache]);

  const latestQuery = useRef(query);
  latestQuery.current = query;
  const queryKey = queryKeyOf(query);
  useEffect(() => cache.load(latestQuery.current), [cache, queryKey, dataVersion, reloadTick]);

  const { total, counts, ready, error, shownGeneration } = cache;
  return useMemo(
    () => ({ total, counts, ready, error, ...actions }),
    // A new page or a patched row changes what rowAt returns; the generation and a tick capture that.
    [total, counts, ready, error, shownGeneration, renderTick, actions],
  );
}
