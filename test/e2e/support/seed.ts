/** Realistic-looking todo texts and quick ways to fill the local store or the server with many. */
import { todoTable, type TodoItem } from '../../../common/todo-table';
import type { AppServices } from '../../../main/services/app-services';
import type { ServerClient } from './server-client';

const VERBS = [
  'Call',
  'Email',
  'Review',
  'Buy',
  'Book',
  'Fix',
  'Plan',
  'Read',
  'Write',
  'Clean',
  'Pay',
  'Sort',
];
const THINGS = [
  'the quarterly report',
  'groceries for Sunday',
  'the dentist',
  'flights to Lisbon',
  'the kitchen tap',
  'team offsite agenda',
  'chapter 3 notes',
  'a thank-you card for Ana',
  'the garage',
  'the electricity bill',
  'old photos',
  'the bike brakes',
];

export function sampleText(index: number): string {
  const verb = VERBS[index % VERBS.length] ?? 'Do';
  const thing = THINGS[Math.floor(index / VERBS.length) % THINGS.length] ?? 'something';
  return `${verb} ${thing} · ${index + 1}`;
}

/**
 * Writes `count` todos straight into the local store as if a pull had brought them (no pending
 * operations): the fastest way to give the list 10,000 rows.
 */
export function seedLocalStore(services: AppServices, count: number): void {
  const start = Date.now() - count * 60_000;
  const records: Partial<TodoItem>[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(start + i * 60_000);
    records.push({
      id: `seed-${String(i).padStart(6, '0')}`,
      text: sampleText(i),
      complete: i % 4 === 0,
      notes: null,
      version: 'AAAAAAAAB9E=',
      createdAt: at,
      updatedAt: at,
      deleted: false,
    });
  }
  const table = services.parts.store.table(todoTable);
  services.parts.store.transaction(() => table.upsertMany(records));
}

/** POSTs `count` todos to the server, a few at a time, as another device would. */
export async function seedServer(server: ServerClient, count: number, prefix: string, concurrency = 8) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await server.insert({
        id: `${prefix}-${String(i).padStart(6, '0')}`,
        text: sampleText(i),
        complete: i % 5 === 0,
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
