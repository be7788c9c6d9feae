/**
 * Todo changes that can be undone: each function here makes the change through the API and
 * records how to take it back. Undoing a delete adds the todo again (a new record: the server
 * keeps the deleted one deleted), so later steps that name the old id follow it to the new one.
 */
import { useMemo, useReducer } from 'preact/hooks';
import type { TodoBulkResult, TodoChanges, TodoEditBase, TodoListItem } from '../../common/ipc-contract';
import type { TodoItem } from '../../common/todo-table';
import { todoSync } from '../api';
import { UndoHistory, type UndoEntry, type UndoOutcome } from '../undo-history';

/** Enough of a todo to add it again as it was. */
export interface TodoSnapshot {
  id: string;
  text: string;
  notes: string | null;
  complete: boolean;
  /** So that undoing a delete brings the due date and the reminder back too (ISO for the reminder). */
  dueDate?: string | null;
  reminderAt?: string | null;
}

export function snapshotOf(
  item: Pick<TodoItem, 'id' | 'text' | 'notes' | 'complete'> &
    Partial<Pick<TodoItem, 'dueDate' | 'reminderAt'>>,
): TodoSnapshot {
  return {
    id: item.id,
    text: item.text,
    notes: item.notes,
    complete: item.complete,
    dueDate: item.dueDate ?? null,
    reminderAt: item.reminderAt ? new Date(item.reminderAt).toISOString() : null,
  };
}

function quote(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return `“${line.length > 60 ? `${line.slice(0, 57)}…` : line}”`;
}

function countOf(count: number, one: string, many: string): string {
  return count === 1 ? one : `${count} ${many}`;
}

export interface TodoUndo {
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly nextUndoLabel: string | null;
  readonly nextRedoLabel: string | null;
  undo(): Promise<UndoOutcome>;
  redo(): Promise<UndoOutcome>;
  /** Adds a todo; undo removes it. */
  /** `schedule`: a due date and reminder read from the text (dates as ISO text, as IPC wants). */
  add(text: string, schedule?: { dueDate: string; reminderAt: string | null }): Promise<TodoItem>;
  /** Changes fields of one todo; `mergeKey` merges a run of autosaves into one step. */
  /** `base`: what an editor showed when editing began (see todos:update). */
  edit(
    item: TodoListItem | TodoItem,
    changes: TodoChanges,
    mergeKey?: string,
    base?: TodoEditBase,
  ): Promise<TodoItem>;
  /** Ends a merged run (the details pane closed). */
  seal(): void;
  /** Completes (or reopens) several todos in one request. */
  setComplete(items: readonly TodoSnapshot[], complete: boolean): Promise<void>;
  /** Removes several todos at once; undo adds them back. */
  removeMany(items: readonly TodoSnapshot[], label?: string): Promise<TodoBulkResult>;
  /**
   * A delete that App sends later (the single-row delete waits for its Undo window): undo
   * cancels it while it still waits, and adds the todo back once it was sent.
   */
  recordDelete(item: TodoSnapshot, deferred: { stillWaiting(): boolean; cancel(): void }): void;
  /** The waiting delete of `id` was undone from its toast or row: its step goes. */
  forgetDelete(id: string): void;
  /** The current id of a todo that undo may have added again. */
  currentId(id: string): string;
}

/** At most this many ids per bulk request (the contract's MAX_BULK_TODOS). */
const BULK_CHUNK = 10_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BULK_CHUNK) out.push(items.slice(i, i + BULK_CHUNK));
  return out;
}

export function useTodoUndo(onChanged: () => void): TodoUndo {
  const [tick, bump] = useReducer((n: number) => n + 1, 0);
  const api = useMemo(() => {
    const history = new UndoHistory(() => bump(0));
    /** Old id → the id of the todo that undo added in its place. */
    const aliases = new Map<string, string>();
    const currentId = (id: string): string => {
      let current = id;
      for (let hops = 0; hops < 1000 && aliases.has(current); hops++)
        current = aliases.get(current) ?? current;
      return current;
    };

    const addBack = async (items: readonly TodoSnapshot[]): Promise<void> => {
      for (const part of chunks(items)) {
        const { added } = await todoSync.bulkTodos({
          add: part.map((item) => ({
            todo: {
              text: item.text,
              ...(item.notes === null ? {} : { notes: item.notes }),
              ...(item.dueDate ? { dueDate: item.dueDate } : {}),
              ...(item.reminderAt ? { reminderAt: item.reminderAt } : {}),
            },
            complete: item.complete,
          })),
        });
        added.forEach((record, index) => {
          const original = part[index];
          if (original) aliases.set(currentId(original.id), record.id);
        });
      }
      onChanged();
    };

    const removeNow = async (items: readonly TodoSnapshot[]): Promise<TodoBulkResult> => {
      const result: TodoBulkResult = { added: [], updated: [], removed: [] };
      for (const part of chunks(items)) {
        const reply = await todoSync.bulkTodos({ remove: part.map((item) => currentId(item.id)) });
        result.removed.push(...reply.removed);
      }
      onChanged();
      return result;
    };

    const updateMany = async (
      items: readonly TodoSnapshot[],
      changesOf: (item: TodoSnapshot) => TodoChanges,
    ): Promise<void> => {
      for (const part of chunks(items)) {
        await todoSync.bulkTodos({
          update: part.map((item) => ({ id: currentId(item.id), changes: changesOf(item) })),
        });
      }
      onChanged();
    };

    const removeEntry = (items: readonly TodoSnapshot[], label: string): UndoEntry => ({
      label,
      // The removed records are what comes back: their text and notes as they were when removed.
      undo: () => addBack(items),
      redo: async () => {
        await removeNow(items);
      },
    });

    const todoUndo: Omit<TodoUndo, 'canUndo' | 'canRedo' | 'nextUndoLabel' | 'nextRedoLabel'> = {
      undo: () => history.undo(),
      redo: () => history.redo(),
      seal: () => history.seal(),
      currentId,

      add: async (text, schedule) => {
        const item = await todoSync.addTodo(schedule ? { text, ...schedule } : { text });
        const snapshot = snapshotOf(item);
        history.record({
          label: `Added ${quote(text)}`,
          undo: async () => {
            await todoSync.removeTodo({ id: currentId(snapshot.id) });
            onChanged();
          },
          redo: () => addBack([snapshot]),
        });
        onChanged();
        return item;
      },

      edit: async (item, changes, mergeKey, base) => {
        const before: Record<string, unknown> = {};
        for (const key of Object.keys(changes))
          before[key] = (item as unknown as Record<string, unknown>)[key];
        const updated = await todoSync.updateTodo({
          id: currentId(item.id),
          changes,
          ...(base ? { base } : {}),
        });
        const label =
          changes.complete !== undefined && Object.keys(changes).length === 1
            ? `${changes.complete ? 'Completed' : 'Reopened'} ${quote(item.text)}`
            : `Edited ${quote(item.text)}`;
        history.record({
          label,
          mergeKey,
          undo: async () => {
            await todoSync.updateTodo({ id: currentId(item.id), changes: before as TodoChanges });
            onChanged();
          },
          redo: async () => {
            await todoSync.updateTodo({ id: currentId(item.id), changes });
            onChanged();
          },
        });
        onChanged();
        return updated;
      },

      setComplete: async (items, complete) => {
        const changing = items.filter((item) => item.complete !== complete);
        if (changing.length === 0) return;
        await updateMany(changing, () => ({ complete }));
        history.record({
          label: `${complete ? 'Completed' : 'Reopened'} ${countOf(changing.length, quote(changing[0]?.text ?? ''), 'todos')}`,
          undo: () => updateMany(changing, () => ({ complete: !complete })),
          redo: () => updateMany(changing, () => ({ complete })),
        });
      },

      removeMany: async (items, label) => {
        const result = await removeNow(items);
        const removed = result.removed.map(snapshotOf);
        // Aliases point at the ids removed just now; adding back maps them on to the new records.
        history.record(
          removeEntry(
            removed,
            label ?? `Deleted ${countOf(removed.length, quote(removed[0]?.text ?? ''), 'todos')}`,
          ),
        );
        return result;
      },

      forgetDelete: (id) => history.discard(`delete:${id}`),

      recordDelete: (item, deferred) => {
        history.record({
          label: `Deleted ${quote(item.text)}`,
          subject: `delete:${item.id}`,
          undo: async () => {
            if (deferred.stillWaiting()) deferred.cancel();
            else await addBack([item]);
          },
          redo: async () => {
            await removeNow([item]);
          },
        });
      },
    };
    return { history, todoUndo };
    // onChanged is App's stable bumpData.
  }, []);

  const { history, todoUndo } = api;
  return useMemo(
    () => ({
      ...todoUndo,
      canUndo: history.canUndo,
      canRedo: history.canRedo,
      nextUndoLabel: history.nextUndo?.label ?? null,
      nextRedoLabel: history.nextRedo?.label ?? null,
    }),
    [api, tick],
  );
}
