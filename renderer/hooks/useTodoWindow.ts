/**
 * The data behind the virtual list: pages of todos fetched on demand for the rows in view.
 *
 * Pages belong to a generation; a new query or a data change starts a new generation and
 * fetches the pages in view, while the previous generation stays on screen until that batch
 * arrives. Swapping in one step avoids flashes of empty rows while someone types a search.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import type { TodoCounts, TodoFilter, TodoListItem, TodoPage } from '../../common/ipc-contract';
import { describeError, todoSync } from '../api';

export const PAGE_SIZE = 100;
/** Newest first: a todo just added appears at the top, under the field it was typed in. */
const SORT = { by: 'createdAt', direction: 'desc' } as const;

export interface TodoWindowQuery {
  filter: TodoFilter;
  search: string;
}

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

interface PageSet {
  generation: number;
  pages: Map<number, TodoListItem[]>;
  total: number;
  counts: TodoCounts;
}

const NO_COUNTS: TodoCounts = { all: 0, active: 0, completed: 0, today: 0, upcoming: 0, overdue: 0 };

function pagesCovering(first: number, last: number): number[] {
  const pages: number[] = [];
  for (
    let page = Math.floor(first / PAGE_SIZE);
    page <= Math.floor(Math.max(first, last) / PAGE_SIZE);
    page++
  ) {
    pages.push(page);
  }
  return pages;
}

function fetchPage(query: TodoWindowQuery, page: number): Promise<TodoPage> {
  const search = query.search.trim();
  return todoSync.queryTodos({
    filter: query.filter,
    ...(search ? { search } : {}),
    sort: SORT,
    // All shows the Completed section after the active todos (see useCompletedSection).
    ...(query.filter === 'all' ? { completedLast: true } : {}),
    skip: page * PAGE_SIZE,
    take: PAGE_SIZE,
  });
}

export function useTodoWindow(query: TodoWindowQuery, dataVersion: number): TodoWindow {
  const [renderTick, rerender] = useReducer((tick: number) => tick + 1, 0);
  const [error, setError] = useState<string | null>(null);
  const shown = useRef<PageSet>({ generation: 0, pages: new Map(), total: 0, counts: NO_COUNTS });
  const generation = useRef(0);
  const ready = useRef(false);
  const inFlight = useRef(new Set<string>());
  const range = useRef({ first: 0, last: 0 });
  const refreshWaiters = useRef<{ generation: number; resolve(): void }[]>([]);
  const queryRef = useRef(query);
  queryRef.current = query;

  const loadMissingPages = useCallback(() => {
    const current = shown.current;
    // Until the current generation's first batch has landed, scrolling waits for the swap.
    if (current.generation !== generation.current) return;
    for (const page of pagesCovering(range.current.first, range.current.last)) {
      const key = `${current.generation}:${page}`;
      if (current.pages.has(page) || inFlight.current.has(key)) continue;
      if (page * PAGE_SIZE >= current.total && page > 0) continue;
      inFlight.current.add(key);
      fetchPage(queryRef.current, page).then(
        (result) => {
          inFlight.current.delete(key);
          if (shown.current.generation !== current.generation) return;
          shown.current.pages.set(page, result.items);
          shown.current.total = result.total;
          shown.current.counts = result.counts;
          rerender(0);
        },
        (failure: unknown) => {
          inFlight.current.delete(key);
          if (shown.current.generation === current.generation) setError(describeError(failure));
        },
      );
    }
  }, []);

  const queryKey = `${query.filter}\u0000${query.search.trim()}`;
  const previousQueryKey = useRef(queryKey);
  const [refreshTick, forceRefresh] = useReducer((tick: number) => tick + 1, 0);

  useEffect(() => {
    if (previousQueryKey.current !== queryKey) {
      previousQueryKey.current = queryKey;
      ready.current = false;
      range.current = { first: 0, last: Math.max(0, range.current.last - range.current.first) };
    }
    const next = ++generation.current;
    const wanted = pagesCovering(range.current.first, range.current.last);
    let cancelled = false;
    const settleWaiters = () => {
      const waiting = refreshWaiters.current;
      refreshWaiters.current = waiting.filter((waiter) => waiter.generation > next);
      for (const waiter of waiting) if (waiter.generation <= next) waiter.resolve();
    };
    Promise.all(wanted.map((page) => fetchPage(queryRef.current, page))).then(
      (results) => {
        if (cancelled || generation.current !== next) return;
        const pages = new Map<number, TodoListItem[]>();
        wanted.forEach((page, i) => pages.set(page, results[i]?.items ?? []));
        const last = results[results.length - 1];
        shown.current = {
          generation: next,
          pages,
          total: last?.total ?? 0,
          counts: last?.counts ?? NO_COUNTS,
        };
        ready.current = true;
        setError(null);
        rerender(0);
        settleWaiters();
        loadMissingPages();
      },
      (failure: unknown) => {
        if (cancelled || generation.current !== next) return;
        ready.current = true;
        setError(describeError(failure));
        settleWaiters();
      },
    );
    return () => {
      cancelled = true;
    };
  }, [queryKey, dataVersion, refreshTick, loadMissingPages]);

  const setVisibleRange = useCallback(
    (first: number, last: number) => {
      if (range.current.first === first && range.current.last === last) return;
      range.current = { first, last };
      loadMissingPages();
    },
    [loadMissingPages],
  );

  const refresh = useCallback(
    () =>
      new Promise<void>((resolve) => {
        // Settled by the first generation started after this call.
        refreshWaiters.current.push({ generation: generation.current + 1, resolve });
        forceRefresh(0);
      }),
    [],
  );

  const rowAt = useCallback((index: number): TodoListItem | undefined => {
    return shown.current.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }, []);

  const patchRow = useCallback((id: string, changes: Partial<TodoListItem>) => {
    for (const items of shown.current.pages.values()) {
      const at = items.findIndex((item) => item.id === id);
      const item = items[at];
      if (item) {
        items[at] = { ...item, ...changes };
        rerender(0);
        return;
      }
    }
  }, []);

  const { total, counts, generation: shownGeneration } = shown.current;
  const isReady = ready.current;
  return useMemo(
    () => ({ total, counts, ready: isReady, error, rowAt, setVisibleRange, patchRow, refresh }),
    // A new page or a patched row changes what rowAt returns; the generation and a tick capture that.
    [total, counts, isReady, error, shownGeneration, renderTick, rowAt, setVisibleRange, patchRow, refresh],
  );
}
