/**
 * The details pane: which todo it is about, found among the loaded rows by the id it was opened
 * with (followed through undo's id aliases), and the last version seen while the row is not
 * loaded. Opening or closing it seals the undo step its edits were gathered into.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { TodoChanges, TodoEditBase, TodoListItem } from '../../common/ipc-contract';
import { useLatest } from './useLatest';
import type { TodoWindow } from './useTodoWindow';
import type { TodoUndo } from './useUndo';

export interface DetailsPaneState {
  isOpen: boolean;
  item: TodoListItem | null;
  lastSeen: TodoListItem | null;
  open(item: TodoListItem): void;
  close(): void;
  save(item: TodoListItem, changes: TodoChanges, base: TodoEditBase): Promise<void>;
}

function findLoaded(data: TodoWindow, id: string | null): TodoListItem | null {
  if (id === null) return null;
  for (let index = 0; index < data.total; index++) {
    const row = data.rowAt(index);
    if (row?.id === id) return row;
  }
  return null;
}

function focusRow(id: string): void {
  document.querySelector<HTMLElement>(`.todo-row[data-id="${CSS.escape(id)}"]`)?.focus();
}

export function useDetailsPane(data: TodoWindow, undo: TodoUndo): DetailsPaneState {
  const [detailsId, setDetailsId] = useState<string | null>(null);
  const [lastSeen, setLastSeen] = useState<TodoListItem | null>(null);
  const latest = useLatest({ undo, data });
  const item = findLoaded(data, detailsId === null ? null : undo.currentId(detailsId));

  useEffect(() => {
    if (item) setLastSeen(item);
  }, [item]);

  return useMemo(
    () => ({
      isOpen: detailsId !== null,
      item,
      lastSeen: item ?? lastSeen,
      open: (opened: TodoListItem) => {
        latest.current.undo.seal();
        setLastSeen(opened);
        setDetailsId(opened.id);
      },
      close: () => {
        latest.current.undo.seal();
        setDetailsId(null);
        // Back to the row the pane was about, as a dialog would.
        if (detailsId) requestAnimationFrame(() => focusRow(undo.currentId(detailsId)));
      },
      save: async (edited: TodoListItem, changes: TodoChanges, base: TodoEditBase) => {
        latest.current.data.patchRow(edited.id, { ...changes, pending: true });
        await latest.current.undo.edit(edited, changes, `details:${edited.id}`, base);
      },
    }),
    [item, lastSeen, detailsId, undo],
  );
}
