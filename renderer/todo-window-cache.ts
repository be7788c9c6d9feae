/**
 * The data behind the virtual list, without Preact: pages of todos fetched on demand for the
 * rows in view, and the decisions about what to fetch and when to swap.
 *
 * Pages belong to a generation; each `load` (a new query or a data change) starts a new
 * generation and fetches the pages in view, while the previous generation stays on screen until
 * that batch arrives. Swapping in one step avoids flashes of empty rows while someone types a
 * search. `useTodoWindow` is the thin hook that drives it from a component.
 */
import type { TodoCounts, TodoFilter, TodoListItem, TodoPage } from '../common/ipc-contract';
import { describeError, todoSync } from './api';

export const PAGE_SIZE = 100;
/** Newest first: a todo just added appears at the top, under the field it was typed in. */
const SORT = { by: 'createdAt', direction: 'desc' } as const;

export interface TodoWindowQuery {
  filter: TodoFilter;
  search: string;
}

/** Fetches one page of a query; `fetchTodoPage` in the app, a stub in tests. */
export type PageFetcher = (query: TodoWindowQuery, page: number) => Promise<TodoPage>;

interface PageSet {
  generation: number;
  pages: Map<number, TodoListItem[]>;
  total: number;
  counts: TodoCounts;
}

interface Waiter {
  generation: number;
  resolve(): void;
}

export const NO_COUNTS: TodoCounts = { all: 0, active: 0, completed: 0, today: 0, upcoming: 0, overdue: 0 };

/** Two queries with the same key ask for the same rows. */
export function queryKeyOf(query: TodoWindowQuery): string {
  return `${query.filter}\u0000${query.search.trim()}`;
}

/** The page numbers holding rows `first` to `last` (inclusive). */
export function pagesCovering(first: number, last: number): number[] {
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

export function fetchTodoPage(query: TodoWindowQuery, page: number): Promise<TodoPage> {
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

export class TodoWindowCache {
  private shown: PageSet = { generation: 0, pages: new Map(), total: 0, counts: NO_COUNTS };
  /** The newest generation started; until its first batch lands the previous one stays shown. */
  private generation = 0;
  private query: TodoWindowQuery = { filter: 'all', search: '' };
  private queryKey: string | undefined;
  private readonly inFlight = new Set<string>();
  private range = { first: 0, last: 0 };
  private waiters: Waiter[] = [];
  private readonly listeners = new Set<() => void>();
  private disposed = false;
  private isReady = false;
  private lastError: string | null = null;

  constructor(private readonly fetchPage: PageFetcher = fetchTodoPage) {}

  /** Rows matching the query shown. */
  get total(): number {
    return this.shown.total;
  }

  get counts(): TodoCounts {
    return this.shown.counts;
  }

  /** The first batch of the current query has arrived (or failed). */
  get ready(): boolean {
    return this.isReady;
  }

  get error(): string | null {
    return this.lastError;
  }

  /** The generation on screen; a new one means every row may have changed. */
  get shownGeneration(): number {
    return this.shown.generation;
  }

  /** Called after anything on screen changed: a page arrived, a row was patched, an error. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  rowAt(index: number): TodoListItem | undefined {
    return this.shown.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** The rows the list shows (inclusive); pages covering them are fetched. */
  setVisibleRange(first: number, last: number): void {
    if (this.range.first === first && this.range.last === last) return;
    this.range = { first, last };
    this.loadMissingPages();
  }

  /** Applies a change locally at once; the next load brings the stored truth. */
  patchRow(id: string, changes: Partial<TodoListItem>): void {
    for (const items of this.shown.pages.values()) {
      const at = items.findIndex((item) => item.id === id);
      const item = items[at];
      if (item) {
        items[at] = { ...item, ...changes };
        this.changed();
        return;
      }
    }
  }

  /** Settles once the first generation loaded after this call is on screen (or has failed). */
  afterNextLoad(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiters.push({ generation: this.generation + 1, resolve });
    });
  }

  /**
   * Starts a new generation for `query`: fetches the pages in view and swaps them in together.
   * A different query than the last starts at the top again, keeping the height of the view.
   */
  load(query: TodoWindowQuery): void {
    const key = queryKeyOf(query);
    if (this.queryKey !== undefined && this.queryKey !== key) {
      this.isReady = false;
      this.range = { first: 0, last: Math.max(0, this.range.last - this.range.first) };
    }
    this.queryKey = key;
    this.query = query;
    const next = ++this.generation;
    const wanted = pagesCovering(this.range.first, this.range.last);
    Promise.all(wanted.map((page) => this.fetchPage(query, page))).then(
      (results) => {
        if (this.disposed || this.generation !== next) return;
        this.swapIn(next, wanted, results);
        this.settleWaiters(next);
        this.loadMissingPages();
      },
      (failure: unknown) => {
        if (this.disposed || this.generation !== next) return;
        this.isReady = true;
        this.lastError = describeError(failure);
        this.changed();
        this.settleWaiters(next);
      },
    );
  }

  /** Nothing arriving later changes the cache or reaches a listener. */
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }

  private swapIn(generation: number, wanted: number[], results: TodoPage[]): void {
    const pages = new Map<number, TodoListItem[]>();
    wanted.forEach((page, i) => pages.set(page, results[i]?.items ?? []));
    const last = results[results.length - 1];
    this.shown = { generation, pages, total: last?.total ?? 0, counts: last?.counts ?? NO_COUNTS };
    this.isReady = true;
    this.lastError = null;
    this.changed();
  }

  /** Pages in view that the generation on screen lacks: fetched one by one, added as they come. */
  private loadMissingPages(): void {
    const current = this.shown;
    // Nothing is fetched before the first load brings the query, and until the current
    // generation's first batch has landed, scrolling waits for the swap.
    if (this.queryKey === undefined || current.generation !== this.generation) return;
    for (const page of pagesCovering(this.range.first, this.range.last)) {
      const key = `${current.generation}:${page}`;
      if (current.pages.has(page) || this.inFlight.has(key)) continue;
      if (page * PAGE_SIZE >= current.total && page > 0) continue;
      this.inFlight.add(key);
      this.fetchPage(this.query, page).then(
        (result) => {
          this.inFlight.delete(key);
          if (this.disposed || this.shown.generation !== current.generation) return;
          this.shown.pages.set(page, result.items);
          this.shown.total = result.total;
          this.shown.counts = result.counts;
          this.changed();
        },
        (failure: unknown) => {
          this.inFlight.delete(key);
          if (this.disposed || this.shown.generation !== current.generation) return;
          this.lastError = describeError(failure);
          this.changed();
        },
      );
    }
  }

  private settleWaiters(landed: number): void {
    const waiting = this.waiters;
    this.waiters = waiting.filter((waiter) => waiter.generation > landed);
    for (const waiter of waiting) if (waiter.generation <= landed) waiter.resolve();
  }

  private changed(): void {
    if (this.disposed) return;
    for (const listener of this.listeners) listener();
  }
}
