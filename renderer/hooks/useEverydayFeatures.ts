/**
 * What a person uses all day, gathered in one place so the App only wires it in: undo and
 * redo, multi-select with bulk actions, the Completed section, the details pane, the
 * shortcuts help, and the polite announcements for screen readers. Each is its own hook;
 * this puts them together.
 */
import { useMemo } from 'preact/hooks';
import type { TodoFilter } from '../../common/ipc-contract';
import type { SyncStatus } from '../../common/sync-types';
import type { ShowError, ShowToast } from './feedback';
import { useAnnouncer, type Announcer } from './useAnnouncer';
import { useAppCommands, type ShortcutsHelpState } from './useAppCommands';
import { useBulkActions, type BulkActions } from './useBulkActions';
import { useCompletedSection, type SectionedWindow } from './useCompletedSection';
import { useDetailsPane, type DetailsPaneState } from './useDetailsPane';
import { useSelection, type Selection } from './useSelection';
import { useSyncAnnouncements } from './useSyncAnnouncements';
import type { TodoWindow } from './useTodoWindow';
import { useTodoUndo, type TodoUndo } from './useUndo';
import { useUndoCommands, type UndoCommands } from './useUndoCommands';

interface Options {
  query: { filter: TodoFilter; search: string };
  data: TodoWindow;
  status: SyncStatus | null;
  bumpData(): void;
  showToast: ShowToast;
  showError: ShowError;
}

export interface EverydayFeatures extends ShortcutsHelpState, UndoCommands, BulkActions {
  announcer: Announcer;
  undo: TodoUndo;
  selection: Selection;
  list: SectionedWindow;
  details: DetailsPaneState;
}

export function useEverydayFeatures({
  query,
  data,
  status,
  bumpData,
  showToast,
  showError,
}: Options): EverydayFeatures {
  const announcer = useAnnouncer();
  const { announce } = announcer;
  const feedback = { announce, showToast, showError };
  const undo = useTodoUndo(bumpData);
  const selection = useSelection(query);
  const list = useCompletedSection(data, query.filter === 'all');
  const undoCommands = useUndoCommands(undo, feedback);
  const bulk = useBulkActions({
    ...feedback,
    ...undoCommands,
    undo,
    selection,
    search: query.search,
    bumpData,
  });
  const details = useDetailsPane(data, undo);
  const shortcuts = useAppCommands({ ...feedback, ...undoCommands, selection });
  useSyncAnnouncements(status, announce);

  return useMemo(
    () => ({ announcer, undo, selection, list, details, ...shortcuts, ...undoCommands, ...bulk }),
    // The commands are stable; what changes is state, the details, and Clear completed's search.
    [
      announcer,
      undo,
      selection,
      list,
      details,
      shortcuts.shortcutsOpen,
      undoCommands,
      bulk.selectionAllComplete,
      bulk.clearCompleted,
    ],
  );
}
