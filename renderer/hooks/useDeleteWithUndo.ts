/**
 * Deleting one todo with a moment to change your mind: the row shows struck out (and leaves the
 * counts) at once, the toast offers Undo, and the remove call waits until the undo window has
 * passed. If the app closes first the delete is sent on the way out (pagehide).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { TodoListItem } from '../../common/ipc-contract';
import { todoSync } from '../api';
import type { Feedback } from './feedback';
import { snapshotOf, type TodoUndo } from './useUndo';

const UNDO_MS = 5000;

interface PendingDelete {
  item: TodoListItem;
  timer: ReturnType<typeof setTimeout>;
}

interface DeleteOptions extends Feedback {
  undo: TodoUndo;
  /** Refetches the rows in view; resolves once they are on screen. */
  refreshList(): Promise<void>;
}

export interface DeleteWithUndo {
  /** Shown struck out (and left out of the counts) from Delete until the list without it arrives. */
  deletingItem: TodoListItem | null;
  remove(item: TodoListItem): void;
  /** Undo from the toast or the struck-out row: the delete's undo step is used up too. */
  undoByHand(): void;
}

export function useDeleteWithUndo({
  undo,
  refreshList,
  announce,
  showToast,
  showError,
}: DeleteOptions): DeleteWithUndo {
  const pendingDelete = useRef<PendingDelete | null>(null);
  const [deletingItem, setDeletingItem] = useState<TodoListItem | null>(null);

  const commitDelete = useCallback(async () => {
    const pending = pendingDelete.current;
    if (!pending) return;
    pendingDelete.current = null;
    clearTimeout(pending.timer);
    try {
      await todoSync.removeTodo({ id: pending.item.id });
    } catch (error) {
      showError(`“${pending.item.text}” could not be deleted.`, error);
    }
    // Keep the row shown as deleted until the list without it is on screen: no flash of the old row.
    await refreshList();
    setDeletingItem((current) => (current?.id === pending.item.id ? null : current));
  }, [refreshList, showError]);

  const undoDelete = useCallback(() => {
    const pending = pendingDelete.current;
    if (!pending) return;
    clearTimeout(pending.timer);
    pendingDelete.current = null;
    setDeletingItem(null);
    showToast({ tone: 'info', text: `Kept “${pending.item.text}”.` }, 2500);
    announce(`Kept “${pending.item.text}”.`);
  }, [showToast, announce]);

  const { forgetDelete, recordDelete } = undo;
  const undoByHand = useCallback(() => {
    const id = pendingDelete.current?.item.id;
    undoDelete();
    if (id) forgetDelete(id);
  }, [undoDelete, forgetDelete]);

  const remove = useCallback(
    (item: TodoListItem) => {
      void commitDelete();
      const timer = setTimeout(() => void commitDelete(), UNDO_MS);
      pendingDelete.current = { item, timer };
      setDeletingItem(item);
      recordDelete(snapshotOf(item), {
        stillWaiting: () => pendingDelete.current?.item.id === item.id,
        cancel: undoDelete,
      });
      announce(`Deleted “${item.text}”.`);
      showToast(
        { tone: 'info', text: `Deleted “${item.text}”.`, action: { label: 'Undo', run: undoByHand } },
        UNDO_MS,
      );
    },
    [commitDelete, recordDelete, undoDelete, undoByHand, announce, showToast],
  );

  useEffect(() => {
    const flush = () => void commitDelete();
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, [commitDelete]);

  return { deletingItem, remove, undoByHand };
}
