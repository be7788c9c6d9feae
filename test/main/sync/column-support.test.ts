/**
 * Servers that do not store a column, against the real server: a table with the seed's schema
 * (text, complete) refuses unknown columns with a 500, and a .NET-style backend drops them
 * silently (the push reply lacks them). In both the fields stay on this computer: the push
 * goes through without them, later pushes do not send them, a pull never blanks them, and
 * the person is told once.
 */
import { describe, expect, it } from 'vitest';
import type { LocalOnlyColumnsNotice } from '../../../main/sync/column-support';
import { createClient, raw, useTestBackend } from './helpers';
import { Query } from '../../../main/sync';

const DUE = '2026-12-03T09:00';
const REMIND = new Date('2026-12-03T08:45:00.000Z');

for (const mode of ['refuses unknown columns (500)', 'drops unknown columns silently'] as const) {
  describe(`a server that ${mode}`, () => {
    const backend = useTestBackend({
      fixedSchema: true,
      dropUnknownColumns: mode === 'drops unknown columns silently',
    });

    it('keeps due dates, reminders and notes local, never blanks them, and says so once', async () => {
      const app = await createClient(backend.url);
      const notices: LocalOnlyColumnsNotice[] = [];
      app.context.columnSupport.onLocalOnly((notice) => notices.push(notice));

      const todo = await app.todos.insert({ text: 'Call Sam', dueDate: DUE, reminderAt: REMIND, notes: 'n' });
      const pushed = await app.context.push();
      expect(pushed.issues).toEqual([]);
      expect(pushed.pushed).toBe(1);
      expect(app.store.operations.list()).toEqual([]);

      // The server holds the record, without the fields it cannot store.
      const onServer = await raw(backend.url, 'GET', `/tables/todoitem/${todo.id}`);
      expect(onServer.status).toBe(200);
      expect(onServer.body).toMatchObject({ text: 'Call Sam' });
      expect(onServer.body).not.toHaveProperty('dueDate');

      // Locally nothing was lost: not by the push reply, not by a pull.
      expect(app.store.table(todoTableOf(app)).lookup(todo.id)).toMatchObject({
        dueDate: DUE,
        reminderAt: REMIND,
        notes: 'n',
      });
      await app.context.pull(new Query('todoitem'), 'all');
      expect(app.store.table(todoTableOf(app)).lookup(todo.id)).toMatchObject({
        dueDate: DUE,
        reminderAt: REMIND,
        notes: 'n',
      });

      // An edit made elsewhere comes in; ours stay.
      const version = (onServer.body as { version: string }).version;
      expect(
        (await raw(backend.url, 'PATCH', `/tables/todoitem/${todo.id}`, { text: 'Call Sam at 9' }, version))
          .status,
      ).toBe(200);
      await app.context.pull(new Query('todoitem'), 'all');
      expect(app.store.table(todoTableOf(app)).lookup(todo.id)).toMatchObject({
        text: 'Call Sam at 9',
        dueDate: DUE,
        notes: 'n',
      });

      // Learned in that one push, naming everything that stays here (the shell gathers a
      // burst into one sentence: test/main/shell/desktop.test.ts).
      const told = notices.length;
      expect(told).toBeGreaterThanOrEqual(1);
      expect(notices.at(-1)?.tableName).toBe('todoitem');
      expect(new Set(notices.at(-1)?.columns)).toEqual(new Set(['notes', 'dueDate', 'reminderAt']));

      // Later pushes no longer send them, and a local-only edit alone pushes cleanly.
      app.requests.length = 0;
      await app.todos.update({ id: todo.id, dueDate: '2026-12-04' });
      const again = await app.context.push();
      expect(again.issues).toEqual([]);
      expect(app.store.table(todoTableOf(app)).lookup(todo.id)).toMatchObject({ dueDate: '2026-12-04' });
      expect(notices).toHaveLength(told);

      // What was learned survives a restart (kept per backend in the store).
      const restarted = await app.reopen();
      expect(restarted.context.columnSupport.localOnly('todoitem')).toEqual(
        expect.arrayContaining(['notes', 'dueDate', 'reminderAt']),
      );
    });
  });
}

describe('a server that stores every column', () => {
  const backend = useTestBackend();

  it('sends and receives due dates and reminders, learning nothing', async () => {
    const app = await createClient(backend.url);
    const todo = await app.todos.insert({ text: 'Book flights', dueDate: '2026-12-05', reminderAt: REMIND });
    await app.context.push();
    const onServer = await raw(backend.url, 'GET', `/tables/todoitem/${todo.id}`);
    expect(onServer.body).toMatchObject({ dueDate: '2026-12-05', reminderAt: REMIND.toISOString() });
    expect(app.context.columnSupport.localOnly('todoitem')).toEqual([]);

    // Cleared elsewhere: the pull brings the null (a present null is a value, not an absence).
    const version = (onServer.body as { version: string }).version;
    await raw(backend.url, 'PATCH', `/tables/todoitem/${todo.id}`, { dueDate: null }, version);
    await app.context.pull(new Query('todoitem'), 'all');
    expect(app.store.table(todoTableOf(app)).lookup(todo.id)).toMatchObject({ dueDate: null });
  });
});

function todoTableOf(app: { store: { declarations: readonly { name: string }[] } }) {
  // The helper's store declares exactly the todo table.
  return app.store.declarations.find(
    (d) => d.name === 'todoitem',
  ) as typeof import('../../../common/todo-table').todoTable;
}
