import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TodoItem } from '../../common/todo-table';

const calls: { method: string; arg: unknown }[] = [];
let nextId = 100;
const record = (id: string, text: string): TodoItem =>
  ({ id, text, notes: null, complete: false, dueDate: null, reminderAt: null }) as unknown as TodoItem;

vi.mock('../../renderer/api', () => ({
  todoSync: {
    addTodo: async (arg: { text: string }) => {
      calls.push({ method: 'addTodo', arg });
      return record(`t${nextId++}`, arg.text);
    },
    updateTodo: async (arg: { id: string; changes: Record<string, unknown> }) => {
      calls.push({ method: 'updateTodo', arg });
      return { ...record(arg.id, 'x'), ...arg.changes };
    },
    removeTodo: async (arg: unknown) => {
      calls.push({ method: 'removeTodo', arg });
    },
    bulkTodos: async (arg: { add?: { todo: { text: string } }[]; remove?: string[] }) => {
      calls.push({ method: 'bulkTodos', arg });
      return {
        added: (arg.add ?? []).map(({ todo }) => record(`t${nextId++}`, todo.text)),
        updated: [],
        removed: (arg.remove ?? []).map((id) => record(id, `text of ${id}`)),
      };
    },
  },
}));

const { createTodoActions } = await import('../../renderer/hooks/useUndo');
const { UndoHistory } = await import('../../renderer/undo-history');

describe('createTodoActions', () => {
  let changed = 0;
  let actions: ReturnType<typeof createTodoActions>;
  let history: InstanceType<typeof UndoHistory>;

  beforeEach(() => {
    calls.length = 0;
    changed = 0;
    history = new UndoHistory();
    actions = createTodoActions(history, () => changed++);
  });

  it('undoes an add by removing the todo it added', async () => {
    const item = await actions.add('Buy milk');
    expect(history.nextUndo?.label).toBe('Added “Buy milk”');
    await actions.undo();
    expect(calls.at(-1)).toEqual({ method: 'removeTodo', arg: { id: item.id } });
    expect(changed).toBe(2);
  });

  it('labels a change of completion alone as Completed, anything else as Edited', async () => {
    const item = record('a', 'Walk');
    await actions.edit(item, { complete: true });
    expect(history.nextUndo?.label).toBe('Completed “Walk”');
    await actions.edit(item, { text: 'Run' });
    expect(history.nextUndo?.label).toBe('Edited “Walk”');
    await actions.undo();
    expect(calls.at(-1)).toEqual({ method: 'updateTodo', arg: { id: 'a', changes: { text: 'Walk' } } });
  });

  it('after undoing a delete, later steps name the todo added in its place', async () => {
    const item = record('a', 'Walk');
    await actions.edit(item, { text: 'Run' });
    await actions.removeMany([{ id: 'a', text: 'Run', notes: null, complete: false }]);
    expect(history.nextUndo?.label).toBe('Deleted “text of a”');
    await actions.undo();
    const readded = actions.currentId('a');
    expect(readded).not.toBe('a');
    await actions.undo();
    expect(calls.at(-1)).toEqual({ method: 'updateTodo', arg: { id: readded, changes: { text: 'Walk' } } });
  });

  it('undoes a delete that still waits by cancelling it', async () => {
    const cancel = vi.fn();
    actions.recordDelete(
      { id: 'a', text: 'Walk', notes: null, complete: false },
      { stillWaiting: () => true, cancel },
    );
    await actions.undo();
    expect(cancel).toHaveBeenCalledOnce();
    expect(calls).toEqual([]);
  });
});
