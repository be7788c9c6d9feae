/**
 * query-100k and insert-local: the app's own requests through the real IPC dispatcher and
 * handlers, against the same work done with better-sqlite3 directly on the same database file,
 * with the store's connection settings (WAL, synchronous=FULL, 16 MB cache).
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { TodoQuery } from '../../common/ipc-contract';
import { foldCase } from '../../main/store';
import type { BenchApp } from './app-client';
import { median, timed } from './measure';
import type { BenchReport } from './report';
import { todoColumnsOf } from './raw-store';

/** What the list window asks first: the active tab, newest first, the first page of 100. */
export const LIST_QUERY: TodoQuery = {
  filter: 'active',
  sort: { by: 'createdAt', direction: 'desc' },
  skip: 0,
  take: 100,
};

function openRaw(databasePath: string): Database.Database {
  const db = new Database(databasePath);
  db.pragma('synchronous = FULL');
  db.pragma('cache_size = -16384');
  return db;
}

/**
 * The statements `todos:query` runs for LIST_QUERY (see main/services/todo-list.ts): the count of
 * all rows, the count of completed rows, and the page — as the store compiles them.
 */
function listQueryStatements(app: BenchApp): { sql: string; params: unknown[]; rows: 'one' | 'all' }[] {
  const store = app.services.parts.store;
  const countAll = store.explainQuery('todoitem', { includeTotal: true }).count;
  const countCompleted = store.explainQuery('todoitem', {
    where: { complete: true },
    includeTotal: true,
  }).count;
  const page = store.explainQuery('todoitem', {
    where: { complete: false },
    orderBy: [
      { column: 'createdAt', direction: 'desc' },
      { column: 'id', direction: 'desc' },
    ],
    skip: LIST_QUERY.skip,
    take: LIST_QUERY.take,
  }).select;
  if (!countAll || !countCompleted) throw new Error('the store gave no count statement');
  return [
    { ...countAll, rows: 'one' },
    { ...countCompleted, rows: 'one' },
    { ...page, rows: 'all' },
  ];
}

/** Untimed first iterations: prepared statements, JIT and page cache warm up. */
const WARM_UP = 5;

/**
 * Ours and raw alternate iteration by iteration, so a burst of load on the machine falls on
 * both sides alike; the medians are compared.
 */
export async function listQuery(
  report: BenchReport,
  app: BenchApp,
  options: { id: string; items: number; iterations: number },
): Promise<void> {
  const ours: number[] = [];
  const raw: number[] = [];
  const db = openRaw(app.databasePath);
  try {
    const statements = listQueryStatements(app).map((statement) => ({
      ...statement,
      prepared: db.prepare(statement.sql),
    }));
    for (let index = 0; index < options.iterations + WARM_UP; index++) {
      const { ms, value } = await timed(() => app.request('todos:query', LIST_QUERY));
      if (value.items.length !== LIST_QUERY.take) {
        throw new Error(`the list query returned ${value.items.length} rows`);
      }
      const start = performance.now();
      for (const statement of statements) {
        if (statement.rows === 'one') statement.prepared.get(...statement.params);
        else statement.prepared.all(...statement.params);
      }
      const rawMs = performance.now() - start;
      if (index >= WARM_UP) {
        ours.push(ms);
        raw.push(rawMs);
      }
    }
  } finally {
    db.close();
  }
  report.set(
    options.id,
    { unit: 'ms', value: median(ours), baselines: { 'raw-sql': median(raw) } },
    `todos:query over ${options.items.toLocaleString('en-US')} items (active, newest first, 100 rows, counts); median of ${options.iterations}`,
  );
}

export async function insertLocal(
  report: BenchReport,
  app: BenchApp,
  options: { iterations: number },
): Promise<void> {
  const ours: number[] = [];
  const raw: number[] = [];
  const db = openRaw(app.databasePath);
  try {
    const columns = todoColumnsOf(db);
    const insert = db.prepare(
      `INSERT INTO "todoitem" (${columns.map((name) => `"${name}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    for (let index = 0; index < options.iterations + WARM_UP; index++) {
      const { ms } = await timed(() => app.request('todos:add', { text: `Added in the benchmark ${index}` }));
      const text = `Added raw ${index}`;
      const now = Date.now();
      const row = [randomUUID(), null, now, now, 0, text, foldCase(text), 0, null, null, null, null];
      const start = performance.now();
      insert.run(...row);
      const rawUs = (performance.now() - start) * 1000;
      if (index >= WARM_UP) {
        ours.push(ms * 1000);
        raw.push(rawUs);
      }
    }
  } finally {
    db.close();
  }
  report.set(
    'insert-local',
    { unit: 'µs', value: median(ours), baselines: { 'raw-sql': median(raw) } },
    `todos:add with its operation-log entry vs one INSERT, both durable (synchronous=FULL); median of ${options.iterations}`,
  );
}
