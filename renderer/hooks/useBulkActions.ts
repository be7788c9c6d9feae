/**
 * What the bulk bar and the list's keys do to several todos at once: complete or reopen the
 * selection, delete it, and clear every completed todo of the search. Each is one undo step.
 */
import { useCallback } from 'preact/hooks';
import { todoSync } from '../api';
import { plural } from '../format';
import { keyLabel } from '../shortcuts';
import type { Feedback } from './feedback';
import { useLatest } from './useLatest';
import type { Selection } from './useSelection';
import { snapshotOf, type TodoSnapshot, type TodoUndo } from './useUndo';

/** Completed todos are listed for Clear completed this many at a time. */
const CLEAR_PAGE = 1000;

export interface BulkActions {
  completeSelected(complete: boolean): void;
  deleteSelected(): void;
  /** Completes the selection, or reopens it when every selected todo is done. */
  toggleSelected(): void;
  clearCompleted(): void;
  /** Every selected todo is done (the bulk bar then offers "Mark not done"). */
  selectionAllComplete: boolean;
}

interface BulkOptions extends Feedback {
  undo: TodoUndo;
  selection: Selection;
  /** The search in view: Clear completed removes the completed todos it matches. */
  search: string;
  bumpData(): void;
  runUndo(): void;
}

function quote(text: string): string {
  return `“${text.length > 60 ? `${text.slice(0, 57)}…` : text}”`;
}

/** Every completed todo matching the search, page by page. */
async function completedTodos(search: string): Promise<TodoSnapshot[]> {
  const items: TodoSnapshot[] = [];
  for (let skip = 0; ; skip += CLEAR_PAGE) {
    const page = await todoSync.queryTodos({
      filter: 'completed',
      ...(search ? { search } : {}),
      skip,
      take: CLEAR_PAGE,
    });
    items.push(...page.items.map(snapshotOf));
    if (page.items.length < CLEAR_PAGE || skip + CLEAR_PAGE >= page.total) break;
  }
  return items;
}

export function useBulkActions(options: BulkOptions): BulkActions {
  const { selection, search, bumpData, runUndo, announce, showToast, showError } = options;
  const latest = useLatest({ undo: options.undo, selection });

  const completeSelected = useCallback(
    (complete: boolean) => {
      const items = latest.current.selection.items();
      if (items.length === 0) return;
      latest.current.undo.setComplete(items, complete).then(
        () => {
          latest.current.selection.markComplete(complete);
          const text = `${complete ? 'Completed' : 'Reopened'} ${plural(items.length, 'todo', 'todos')}.`;
          announce(text);
          showToast({ tone: 'info', text, action: { label: 'Undo', run: runUndo } }, 5000);
        },
        (error: unknown) => {
          showError('The selected todos could not be changed.', error);
          bumpData();
        },
      );
    },
    [announce, bumpData, runUndo, showError, showToast],
  );

  const removeSnapshots = useCallback(
    (items: TodoSnapshot[], what: string) => {
      if (items.length === 0) return;
      latest.current.undo.removeMany(items, `Deleted ${what}`).then(
        (result) => {
          latest.current.selection.forget(items.map((item) => item.id));
          const text = `Deleted ${what}.`;
          announce(
            `${text} ${keyLabel('Mod+Z')} brings ${result.removed.length === 1 ? 'it' : 'them'} back.`,
          );
          showToast({ tone: 'info', text, action: { label: 'Undo', run: runUndo } }, 6000);
        },
        (error: unknown) => {
          showError(`Could not delete ${what}.`, error);
          bumpData();
        },
      );
    },
    [announce, bumpData, runUndo, showError, showToast],
  );

  const deleteSelected = useCallback(() => {
    const items = latest.current.selection.items();
    removeSnapshots(
      items,
      items.length === 1 ? quote(items[0]?.text ?? '') : plural(items.length, 'todo', 'todos'),
    );
  }, [removeSnapshots]);

  const toggleSelected = useCallback(() => {
    const items = latest.current.selection.items();
    completeSelected(!items.every((item) => item.complete));
  }, [completeSelected]);

  const trimmedSearch = search.trim();
  const clearCompleted = useCallback(() => {
    completedTodos(trimmedSearch)
      .then((items) => removeSnapshots(items, plural(items.length, 'completed todo', 'completed todos')))
      .catch((error: unknown) => showError('Completed todos could not be cleared.', error));
  }, [trimmedSearch, removeSnapshots, showError]);

  const selectedItems = selection.size > 0 ? selection.items() : [];
  const selectionAllComplete = selectedItems.length > 0 && selectedItems.every((item) => item.complete);

  return { completeSelected, deleteSelected, toggleSelected, clearCompleted, selectionAllComplete };
}
