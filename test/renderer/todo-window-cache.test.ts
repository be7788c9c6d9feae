import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TodoListItem, TodoPage, TodoQuery } from '../../common/ipc-contract';

const queried: TodoQuery[] = [];
vi.mock('../../renderer/api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../renderer/api')>()),
  todoSync: {
    queryTodos: async (query: TodoQuery): Promise<TodoPage> => {
      queried.push(query);
      return { items: [], total: 0, counts: counts(0) };
    },
  },
}));

const { AppError } = await import('../../renderer/api');
const { fetchTodoPage, PAGE_SIZE, pagesCovering, TodoWindowCache } =
  await import('../../renderer/todo-window-cache');
type Query = Parameters<typeof fetchTodoPage>[0];

function counts(all: number) {
  return { all, active: all, completed: 0, today: 0, upcoming: 0, overdue: 0 };
}

function item(id: string): TodoListItem {
  return { id, text: `text ${id}`, complete: false } as unknown as TodoListItem;
}

/** A fetcher whose answers the test gives, one request at a time. */
function manualFetcher() {
  const requests: {
    query: Query;
    page: number;
    answer(total: number, prefix?: string): Promise<void>;
    fail(error: unknown): Promise<void>;
  }[] = [];
  const fetchPage = (query: Query, page: number) =>
    new Promise<TodoPage>((resolve, reject) => {
      requests.push({
        query,
        page,
        answer: async (total, prefix = query.search || 'r') => {
          const first = page * PAGE_SIZE;
          const count = Math.max(0, Math.min(PAGE_SIZE, total - first));
          resolve({
            items: Array.from({ length: count }, (_, i) => item(`${prefix}${first + i}`)),
            total,
            counts: counts(total),
          });
          await flush();
        },
        fail: async (error) => {
          reject(error);
          await flush();
        },
      });
    });
  return { requests, fetchPage };
}

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const ALL: Query = { filter: 'all', search: '' };

describe('pagesCovering', () => {
  it('lists every page holding a row of the range', () => {
    expect(pagesCovering(0, 0)).toEqual([0]);
    expect(pagesCovering(0, PAGE_SIZE - 1)).toEqual([0]);
    expect(pagesCovering(PAGE_SIZE - 1, PAGE_SIZE)).toEqual([0, 1]);
    expect(pagesCovering(250, 120)).toEqual([2]);
  });
});

describe('TodoWindowCache', () => {
  let fetcher: ReturnType<typeof manualFetcher>;
  let cache: InstanceType<typeof TodoWindowCache>;
  let changes: number;

  beforeEach(() => {
    fetcher = manualFetcher();
    cache = new TodoWindowCache(fetcher.fetchPage);
    changes = 0;
    cache.subscribe(() => changes++);
  });

  it('loads the pages in view and swaps them in together', async () => {
    cache.setVisibleRange(0, 150);
    cache.load(ALL);
    expect(fetcher.requests.map((request) => request.page)).toEqual([0, 1]);
    expect(cache.ready).toBe(false);

    await fetcher.requests[1]?.answer(180);
    expect(cache.rowAt(150)).toBeUndefined();
    await fetcher.requests[0]?.answer(180);
    expect(cache.ready).toBe(true);
    expect(cache.total).toBe(180);
    expect(cache.rowAt(0)?.id).toBe('r0');
    expect(cache.rowAt(150)?.id).toBe('r150');
    expect(changes).toBe(1);
  });

  it('fetches nothing before the first load brings the query', () => {
    cache.setVisibleRange(0, 30);
    expect(fetcher.requests).toHaveLength(0);
    cache.load(ALL);
    expect(fetcher.requests).toHaveLength(1);
  });

  it('keeps the previous generation on screen until the next one has landed', async () => {
    cache.load(ALL);
    await fetcher.requests[0]?.answer(5, 'old');
    const shown = cache.shownGeneration;

    cache.load(ALL);
    expect(cache.rowAt(0)?.id).toBe('old0');
    expect(cache.shownGeneration).toBe(shown);
    await fetcher.requests[1]?.answer(5, 'new');
    expect(cache.rowAt(0)?.id).toBe('new0');
    expect(cache.shownGeneration).toBeGreaterThan(shown);
  });

  it('drops an older generation that answers after a newer one started', async () => {
    cache.load(ALL);
    cache.load(ALL);
    await fetcher.requests[0]?.answer(5, 'stale');
    expect(cache.ready).toBe(false);
    expect(cache.rowAt(0)).toBeUndefined();
    await fetcher.requests[1]?.answer(5, 'fresh');
    expect(cache.rowAt(0)?.id).toBe('fresh0');
  });

  it('fetches a page scrolled into once, and none past the end', async () => {
    cache.load(ALL);
    await fetcher.requests[0]?.answer(250);

    cache.setVisibleRange(150, 160);
    cache.setVisibleRange(150, 161);
    cache.setVisibleRange(150, 161);
    expect(fetcher.requests.map((request) => request.page)).toEqual([0, 1]);
    await fetcher.requests[1]?.answer(250);
    expect(cache.rowAt(160)?.id).toBe('r160');

    cache.setVisibleRange(290, 320);
    expect(fetcher.requests.map((request) => request.page)).toEqual([0, 1, 2]);
  });

  it('waits for a new generation to land before fetching pages scrolled into', async () => {
    cache.load(ALL);
    await fetcher.requests[0]?.answer(500);
    cache.load(ALL);
    cache.setVisibleRange(250, 260);
    expect(fetcher.requests).toHaveLength(2);
    await fetcher.requests[1]?.answer(500);
    // The swap brings the pages loaded with the generation; the rest follow one by one.
    expect(fetcher.requests.map((request) => request.page)).toEqual([0, 0, 2]);
  });

  it('starts a new query at the top, keeping the height of the view', async () => {
    cache.setVisibleRange(0, 20);
    cache.load(ALL);
    await fetcher.requests[0]?.answer(500);
    cache.setVisibleRange(300, 320);
    await fetcher.requests[1]?.answer(500);

    cache.load({ filter: 'all', search: 'milk' });
    expect(cache.ready).toBe(false);
    const request = fetcher.requests[2];
    expect(request?.page).toBe(0);
    expect(request?.query.search).toBe('milk');
    await request?.answer(3);
    expect(cache.rowAt(0)?.id).toBe('milk0');
    expect(cache.ready).toBe(true);
  });

  it('treats a search differing only in surrounding spaces as the same query', async () => {
    cache.load({ filter: 'all', search: 'milk' });
    await fetcher.requests[0]?.answer(500);
    cache.setVisibleRange(300, 320);
    cache.load({ filter: 'all', search: 'milk ' });
    expect(fetcher.requests.at(-1)?.page).toBe(3);
  });

  it('settles afterNextLoad once a generation started after the call has landed', async () => {
    cache.load(ALL);
    let settled = false;
    void cache.afterNextLoad().then(() => (settled = true));
    await fetcher.requests[0]?.answer(5);
    expect(settled).toBe(false);

    cache.load(ALL);
    await fetcher.requests[1]?.answer(5);
    expect(settled).toBe(true);
  });

  it('reports a failed load, settles its waiters, and clears the error with the next one', async () => {
    const settled = cache.afterNextLoad();
    cache.load(ALL);
    await fetcher.requests[0]?.fail(new AppError('store', 'The disk is full.'));
    await settled;
    expect(cache.error).toBe('The disk is full.');
    expect(cache.ready).toBe(true);

    cache.load(ALL);
    await fetcher.requests[1]?.answer(2);
    expect(cache.error).toBeNull();
  });

  it('reports a failed page without losing the rows already shown', async () => {
    cache.load(ALL);
    await fetcher.requests[0]?.answer(300);
    cache.setVisibleRange(120, 130);
    await fetcher.requests[1]?.fail(new Error('boom'));
    expect(cache.error).toMatch(/went wrong/);
    expect(cache.rowAt(0)?.id).toBe('r0');
  });

  it('patches a loaded row at once and tells its listeners', async () => {
    cache.load(ALL);
    await fetcher.requests[0]?.answer(3);
    const before = changes;
    cache.patchRow('r1', { complete: true, pending: true });
    expect(cache.rowAt(1)).toMatchObject({ id: 'r1', complete: true, pending: true });
    expect(changes).toBe(before + 1);
    cache.patchRow('missing', { complete: true });
    expect(changes).toBe(before + 1);
  });

  it('ignores answers arriving after it was disposed', async () => {
    cache.load(ALL);
    cache.dispose();
    await fetcher.requests[0]?.answer(3);
    expect(cache.rowAt(0)).toBeUndefined();
    expect(changes).toBe(0);
  });
});

describe('fetchTodoPage', () => {
  it('asks for one page, newest first, completed last in All, the search trimmed', async () => {
    queried.length = 0;
    await fetchTodoPage({ filter: 'all', search: '  milk ' }, 2);
    await fetchTodoPage({ filter: 'active', search: ' ' }, 0);
    expect(queried).toEqual([
      {
        filter: 'all',
        search: 'milk',
        sort: { by: 'createdAt', direction: 'desc' },
        completedLast: true,
        skip: 2 * PAGE_SIZE,
        take: PAGE_SIZE,
      },
      { filter: 'active', sort: { by: 'createdAt', direction: 'desc' }, skip: 0, take: PAGE_SIZE },
    ]);
  });
});
