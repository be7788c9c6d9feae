/**
 * push-inserts-1k / push-updates-1k: our engine pushing queued operations, against a plain loop
 * of the same requests and the official SDK's push. Each side works on its own records, so
 * nobody's request conflicts with another's.
 */
import { randomUUID } from 'node:crypto';
import type { TodoItem } from '../../common/todo-table';
import type { BenchApp } from './app-client';
import { perSecond, timed } from './measure';
import type { BenchEnvironment } from './pull-scenarios';
import { rawSequentialInserts, rawSequentialUpdates, type NewServerTodo } from './raw-http';
import { sdkPushInsertRate, sdkPushUpdateRate } from './sdk-baselines';

export function newTodos(count: number, label: string): NewServerTodo[] {
  return Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    text: `${label} ${index}`,
    complete: index % 2 === 0,
    notes: index % 5 === 0 ? `Notes of ${label} ${index}` : null,
  }));
}

async function ourPushRate(app: BenchApp, expected: number): Promise<number> {
  const { ms, value } = await timed(() => app.services.parts.syncContext.push());
  if (value.pushed !== expected || value.issues.length > 0) {
    throw new Error(
      `our push sent ${value.pushed} of ${expected} operations (${value.issues.length} issues)`,
    );
  }
  return perSecond(expected, ms);
}

export async function pushInserts(
  env: BenchEnvironment,
  app: BenchApp,
  options: { count: number; rounds: number },
): Promise<void> {
  const rawRates: number[] = [];
  const ourRates: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const raw = newTodos(options.count, `Raw insert ${round}`);
    const { ms } = await timed(() => rawSequentialInserts(env.url, raw));
    rawRates.push(perSecond(options.count, ms));

    for (const todo of newTodos(options.count, `Our insert ${round}`))
      await app.services.parts.todos.insert(todo);
    ourRates.push(await ourPushRate(app, options.count));
  }
  const sdk = await sdkPushInsertRate(env.url, env.folder, newTodos(env.sdkPushCount, 'SDK insert'));
  env.report.set(
    'push-inserts-1k',
    {
      unit: 'ops/s',
      value: Math.max(...ourRates),
      baselines: { 'raw-sequential': Math.max(...rawRates), sdk },
    },
    `${options.count} queued inserts, best of ${options.rounds}; the SDK pushes ${env.sdkPushCount}`,
  );
}

/**
 * Updates of records the app pulled earlier (so its versions are the server's): disjoint slices
 * of the app's rows go to our rounds, the raw rounds and the SDK.
 */
export async function pushUpdates(
  env: BenchEnvironment,
  app: BenchApp,
  options: { count: number; rounds: number },
): Promise<void> {
  const needed = options.count * options.rounds * 2 + env.sdkPushCount;
  const rows = app.services.parts.store
    .tableByName('todoitem')
    .query({ where: { deleted: false }, orderBy: [{ column: 'id' }], take: needed })
    .items as unknown as TodoItem[];
  if (rows.length < needed)
    throw new Error(`push-updates needs ${needed} pulled records, the app has ${rows.length}`);
  const slice = (index: number, count: number): TodoItem[] => rows.slice(index, index + count);

  const rawRates: number[] = [];
  const ourRates: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const rawRows = slice(round * 2 * options.count, options.count);
    const changes = rawRows.map((row) => {
      if (!row.version) throw new Error(`record ${row.id} has no version`);
      return {
        id: row.id,
        version: row.version,
        body: { text: `${row.text} (raw edit)`, complete: !row.complete },
      };
    });
    const { ms } = await timed(() => rawSequentialUpdates(env.url, changes));
    rawRates.push(perSecond(options.count, ms));

    for (const row of slice((round * 2 + 1) * options.count, options.count)) {
      await app.services.parts.todos.update({
        id: row.id,
        text: `${row.text} (our edit)`,
        complete: !row.complete,
      });
    }
    ourRates.push(await ourPushRate(app, options.count));
  }
  const sdkRows = slice(options.count * options.rounds * 2, env.sdkPushCount).map((row) => ({ ...row }));
  const sdk = await sdkPushUpdateRate(env.url, env.folder, sdkRows, (record) => ({
    ...record,
    text: `${String(record.text)} (SDK edit)`,
    complete: record.complete !== true,
  }));
  env.report.set(
    'push-updates-1k',
    {
      unit: 'ops/s',
      value: Math.max(...ourRates),
      baselines: { 'raw-sequential': Math.max(...rawRates), sdk },
    },
    `${options.count} queued updates with If-Match, best of ${options.rounds}; the SDK pushes ${env.sdkPushCount}`,
  );
}
