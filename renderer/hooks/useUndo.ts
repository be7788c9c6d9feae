/**
 * Todo changes that can be undone: each function here makes the change through the API and
 * records how to take it back. Undoing a delete adds the todo again (a new record: the server
 * keeps the deleted one deleted), so later steps that name the old id follow it to the new one.
 */
import { useMemo, useReducer } from 'preact/hooks';
import type { TodoBulkResult, TodoChanges, TodoEditBase, TodoListItem } from '../../common/ipc-contract';
import type { TodoItem } from '../../common/todo-table';
import { todoSync } from '../api';
import { UndoHistory, type UndoOutcome } from '../undo-history';

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

type TodoActions = Omit<TodoUndo, 'canUndo' | 'canRedo' | 'nextUndoLabel' | 'nextRedoLabel'>;

/** Old id → the id of the todo that undo added in its place; a chain of re-adds is followed. */
class IdAliases {
  private readonly next = new Map<string, string>();

  current(id: string): string {
    let current = id;
    for (let hops = 0; hops < 1000 && this.next.has(current); hops++)
      current = this.next.get(current) ?? current;
    return current;
  }

  /** `id` (or what it already stands for) was added again as `added`. */
  follow(id: string, added: string): void {
    this.next.set(this.current(id), added);
  }
}

/** What the undo steps share: the history, the ids undo moved, and App's "the data changed". */
interface UndoContext {
  history: UndoHistory;
  aliases: IdAliases;
  onChanged(): void;
}

/** Adds the todos again as they were, in requests the contract allows; old ids follow to the new. */
async function addBack({ aliases, onChanged }: UndoContext, items: readonly TodoSnapshot[]): Promise<void> {
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
      if (original) aliases.follow(original.id, record.id);
    });
  }
  onChanged();
}

async function removeNow(
  { aliases, onChanged }: UndoContext,
  items: readonly TodoSnapshot[],
): Promise<TodoBulkResult> {
  const result: TodoBulkResult = { added: [], updated: [], removed: [] };
  for (const part of chunks(items)) {
    const reply = await todoSync.bulkTodos({ remove: part.map((item) => aliases.current(item.id)) });
    result.removed.push(...reply.removed);
  }
  onChanged();
  return result;
}

async function updateMany(
  { aliases, onChanged }: UndoContext,
  items: readonly TodoSnapshot[],
  changesOf: (item: TodoSnapshot) => TodoChanges,
): Promise<void> {
  for (const part of chunks(items)) {
    await todoSync.bulkTodos({
      update: part.map((item) => ({ id: aliases.current(item.id), changes: changesOf(item) })),
    });
  }
  onChanged();
}

async function addTodo(
  context: UndoContext,
  text: string,
  schedule?: { dueDate: string; reminderAt: string | null },
): Promise<TodoItem> {
  const { history, aliases, onChanged } = context;
  const item = await todoSync.addTodo(schedule ? { text, ...schedule } : { text });
  const snapshot = snapshotOf(item);
  history.record({
    label: `Added ${quote(text)}`,
    undo: async () => {
      await todoSync.removeTodo({ id: aliases.current(snapshot.id) });
      onChanged();
    },
    redo: () => addBack(context, [snapshot]),
  });
  onChanged();
  return item;
}

/** "Completed …" or "Reopened …" for a change of that alone, "Edited …" for anything else. */
function editLabel(item: TodoListItem | TodoItem, changes: TodoChanges): string {
  return changes.complete !== undefined && Object.keys(changes).length === 1
    ? `${changes.complete ? 'Completed' : 'Reopened'} ${quote(item.text)}`
    : `Edited ${quote(item.text)}`;
}

async function editTodo(
  { history, aliases, onChanged }: UndoContext,
  item: TodoListItem | TodoItem,
  changes: TodoChanges,
  mergeKey?: string,
  base?: TodoEditBase,
): Promise<TodoItem> {
  // The fields as they were, to put back.
  const before: Record<string, unknown> = {};
  for (const key of Object.keys(changes)) before[key] = (item as unknown as Record<string, unknown>)[key];
  const updated = await todoSync.updateTodo({
    id: aliases.current(item.id),
    changes,
    ...(base ? { base } : {}),
  });
  const update = async (to: TodoChanges) => {
    await todoSync.updateTodo({ id: aliases.current(item.id), changes: to });
    onChanged();
  };
  history.record({
    label: editLabel(item, changes),
    mergeKey,
    undo: () => update(before as TodoChanges),
    redo: () => update(changes),
  });
  onChanged();
  return updated;
}

async function setComplete(context: UndoContext, items: readonly TodoSnapshot[], complete: boolean) {
  const changing = items.filter((item) => item.complete !== complete);
  if (changing.length === 0) return;
  await updateMany(context, changing, () => ({ complete }));
  context.history.record({
    label: `${complete ? 'Completed' : 'Reopened'} ${countOf(changing.length, quote(changing[0]?.text ?? ''), 'todos')}`,
    undo: () => updateMany(context, changing, () => ({ complete: !complete })),
    redo: () => updateMany(context, changing, () => ({ complete })),
  });
}

async function removeMany(
  context: UndoContext,
  items: readonly TodoSnapshot[],
  label?: string,
): Promise<TodoBulkResult> {
  const result = await removeNow(context, items);
  const removed = result.removed.map(snapshotOf);
  // Aliases point at the ids removed just now; adding back maps them on to the new records.
  context.history.record({
    label: label ?? `Deleted ${countOf(removed.length, quote(removed[0]?.text ?? ''), 'todos')}`,
    // The removed records are what comes back: their text and notes as they were when removed.
    undo: () => addBack(context, removed),
    redo: async () => {
      await removeNow(context, removed);
    },
  });
  return result;
}

function recordDelete(
  context: UndoContext,
  item: TodoSnapshot,
  deferred: { stillWaiting(): boolean; cancel(): void },
): void {
  context.history.record({
    label: `Deleted ${quote(item.text)}`,
    subject: `delete:${item.id}`,
    undo: async () => {
      if (deferred.stillWaiting()) deferred.cancel();
      else await addBack(context, [item]);
    },
    redo: async () => {
      await removeNow(context, [item]);
    },
  });
}

/** The changes that can be undone, recorded in `history`; `onChanged` after each request. */
export function createTodoActions(history: UndoHistory, onChanged: () => void): TodoActions {
  const aliases = new IdAliases();
  const context: UndoContext = { history, aliases, onChanged };
  return {
    undo: () => history.undo(),
    redo: () => history.redo(),
    seal: () => history.seal(),
    currentId: (id) => aliases.current(id),
    add: (text, schedule) => addTodo(context, text, schedule),
    edit: (item, changes, mergeKey, base) => editTodo(context, item, changes, mergeKey, base),
    setComplete: (items, complete) => setComplete(context, items, complete),
    removeMany: (items, label) => removeMany(context, items, label),
    forgetDelete: (id) => history.discard(`delete:${id}`),
    recordDelete: (item, deferred) => recordDelete(context, item, deferred),
  };
}

export function useTodoUndo(onChanged: () => void): TodoUndo {
  const [tick, bump] = useReducer((n: number) => n + 1, 0);
  const api = useMemo(() => {
    const history = new UndoHistory(() => bump(0));
    return { history, todoUndo: createTodoActions(history, onChanged) };
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
