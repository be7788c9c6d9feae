/** Realistic-looking todo texts and quick ways to fill the local store or the server with many. */
import { toDueDate } from '../../../common/due-dates';
import { todoTable, type TodoItem } from '../../../common/todo-table';
import type { AppServices } from '../../../main/services/app-services';
import type { ServerClient } from '../../support/server';

const TASKS = [
  'Call the dentist',
  'Email the quarterly report to Mia',
  'Buy groceries for Sunday',
  'Book flights to Lisbon',
  'Fix the kitchen tap',
  'Draft the team offsite agenda',
  'Read chapter 3 notes',
  'Write a thank-you card for Ana',
  'Clean out the garage',
  'Pay the electricity bill',
  'Sort the old photos',
  'Adjust the bike brakes',
  'Renew the library books',
  'Water the balcony plants',
  'Review the pull request',
  'Order printer ink',
];

const DAY_MS = 86_400_000;

export function sampleText(index: number): string {
  return `${TASKS[index % TASKS.length] ?? 'Something to do'} · ${index + 1}`;
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
      // A third have a due date from a week ago to two weeks ahead (half of them with a time)
      // and some a reminder, so the list's figures are measured with due dates shown.
      dueDate: i % 3 === 0 ? toDueDate(new Date(Date.now() + ((i % 22) - 7) * DAY_MS), i % 2 === 0) : null,
      reminderAt: i % 9 === 0 ? new Date(Date.now() + (i % 30) * DAY_MS) : null,
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
