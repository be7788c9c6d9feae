/**
 * What a person uses all day, gathered in one place so the App only wires it in: undo and
 * redo, multi-select with bulk actions, the Completed section, the details pane, the
 * shortcuts help, and the polite announcements for screen readers.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type {
  AppCommand,
  TodoChanges,
  TodoEditBase,
  TodoFilter,
  TodoListItem,
} from '../../common/ipc-contract';
import type { SyncStatus } from '../../common/sync-types';
import { todoSync } from '../api';
import { plural } from '../format';
import type { ToastMessage } from '../components/Toast';
import { keyLabel } from '../shortcuts';
import type { UndoOutcome } from '../undo-history';
import { useAnnouncer, type Announcer } from './useAnnouncer';
import { useCompletedSection, type SectionedWindow } from './useCompletedSection';
import { useSelection, type Selection } from './useSelection';
import type { TodoWindow } from './useTodoWindow';
import { snapshotOf, useTodoUndo, type TodoSnapshot, type TodoUndo } from './useUndo';

/** A menu command arriving this soon after the same key was handled is that key's echo. */
const MENU_ECHO_MS = 400;

interface Options {
  query: { filter: TodoFilter; search: string };
  data: TodoWindow;
  status: SyncStatus | null;
  bumpData(): void;
  showToast(message: Omit<ToastMessage, 'id'>, durationMs?: number): void;
  showError(prefix: string, error: unknown): void;
}

export interface EverydayFeatures {
  announcer: Announcer;
  undo: TodoUndo;
  selection: Selection;
  list: SectionedWindow;
  details: {
    isOpen: boolean;
    item: TodoListItem | null;
    lastSeen: TodoListItem | null;
    open(item: TodoListItem): void;
    close(): void;
    save(item: TodoListItem, changes: TodoChanges, base: TodoEditBase): Promise<void>;
  };
  shortcutsOpen: boolean;
  setShortcutsOpen(open: boolean): void;
  runUndo(): void;
  runRedo(): void;
  completeSelected(complete: boolean): void;
  deleteSelected(): void;
  toggleSelected(): void;
  clearCompleted(): void;
  /** Every selected todo is done (the bulk bar then offers "Mark not done"). */
  selectionAllComplete: boolean;
}

function isTyping(target: EventTarget | null): boolean {
  const element = target instanceof Element ? target : document.activeElement;
  return Boolean(element?.closest('input, textarea, select, [contenteditable="true"]'));
}

function dialogOpen(): boolean {
  return document.querySelector('dialog[open]') !== null;
}

function quote(text: string): string {
  return `“${text.length > 60 ? `${text.slice(0, 57)}…` : text}”`;
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
  const undo = useTodoUndo(bumpData);
  const selection = useSelection(query);
  const list = useCompletedSection(data, query.filter === 'all');
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const [detailsId, setDetailsId] = useState<string | null>(null);
  const [lastSeen, setLastSeen] = useState<TodoListItem | null>(null);
  const latest = useRef({ undo, selection, data });
  latest.current = { undo, selection, data };

  // ------------------------------------------------------------ undo and redo

  const report = useCallback(
    (outcome: UndoOutcome, verb: 'Undid' | 'Redid') => {
      if (outcome.kind === 'empty') {
        announce(verb === 'Undid' ? 'Nothing to undo.' : 'Nothing to redo.');
        return;
      }
      if (outcome.kind === 'failed') {
        showError(`Could not ${verb === 'Undid' ? 'undo' : 'redo'} “${outcome.entry.label}”.`, outcome.error);
        return;
      }
      const text = `${verb}: ${outcome.entry.label}.`;
      announce(text);
      showToast({ tone: 'info', text }, 3000);
    },
    [announce, showError, showToast],
  );

  const runUndo = useCallback(() => {
    void latest.current.undo.undo().then((outcome) => report(outcome, 'Undid'));
  }, [report]);
  const runRedo = useCallback(() => {
    void latest.current.undo.redo().then((outcome) => report(outcome, 'Redid'));
  }, [report]);

  // ------------------------------------------------------------ bulk actions

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

  const clearCompleted = useCallback(() => {
    const search = query.search.trim();
    void (async () => {
      const items: TodoSnapshot[] = [];
      for (let skip = 0; ; skip += 1000) {
        const page = await todoSync.queryTodos({
          filter: 'completed',
          ...(search ? { search } : {}),
          skip,
          take: 1000,
        });
        items.push(...page.items.map(snapshotOf));
        if (page.items.length < 1000 || skip + 1000 >= page.total) break;
      }
      removeSnapshots(items, plural(items.length, 'completed todo', 'completed todos'));
    })().catch((error: unknown) => showError('Completed todos could not be cleared.', error));
  }, [query.search, removeSnapshots, showError]);

  // ------------------------------------------------------------ details

  const findLoaded = (id: string | null): TodoListItem | null => {
    if (id === null) return null;
    for (let index = 0; index < data.total; index++) {
      const row = data.rowAt(index);
      if (row?.id === id) return row;
    }
    return null;
  };
  const detailsItem = findLoaded(detailsId === null ? null : undo.currentId(detailsId));

  useEffect(() => {
    if (detailsItem) setLastSeen(detailsItem);
  }, [detailsItem]);

  const details = {
    isOpen: detailsId !== null,
    item: detailsItem,
    lastSeen: detailsItem ?? lastSeen,
    open: (item: TodoListItem) => {
      latest.current.undo.seal();
      setLastSeen(item);
      setDetailsId(item.id);
    },
    close: () => {
      const id = detailsId;
      latest.current.undo.seal();
      setDetailsId(null);
      // Back to the row the pane was about, as a dialog would.
      if (id) {
        requestAnimationFrame(() =>
          document
            .querySelector<HTMLElement>(`.todo-row[data-id="${CSS.escape(undo.currentId(id))}"]`)
            ?.focus(),
        );
      }
    },
    save: async (item: TodoListItem, changes: TodoChanges, base: TodoEditBase) => {
      latest.current.data.patchRow(item.id, { ...changes, pending: true });
      await latest.current.undo.edit(item, changes, `details:${item.id}`, base);
    },
  };

  // ------------------------------------------------------------ keys and menu commands

  const lastKey = useRef<{ command: AppCommand; at: number } | null>(null);

  const runCommand = useCallback(
    (command: AppCommand, fromMenu: boolean) => {
      const typing = isTyping(null);
      if (command === 'show-shortcuts') {
        setShortcutsOpen(true);
        return;
      }
      if (typing || dialogOpen()) {
        // In a text field the menu's Undo, Redo and Select All act on the text, as their roles did.
        if (fromMenu && typing) document.execCommand(command === 'select-all' ? 'selectAll' : command);
        return;
      }
      if (command === 'undo') runUndo();
      else if (command === 'redo') runRedo();
      else if (command === 'select-all') {
        void latest.current.selection.selectAll().then(
          () => announce('Selected every todo in view.'),
          (error: unknown) => showError('Could not select every todo.', error),
        );
      }
    },
    [announce, runRedo, runUndo, showError],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      let command: AppCommand | null = null;
      if (mod && key === 'z') command = event.shiftKey ? 'redo' : 'undo';
      else if (mod && key === 'y' && !event.shiftKey) command = 'redo';
      else if (mod && key === 'a' && !event.shiftKey) command = 'select-all';
      else if ((mod && key === '/') || (!mod && event.key === '?')) command = 'show-shortcuts';
      if (!command) return;
      // Text fields keep their own undo, select-all and "?".
      if (isTyping(event.target) || (dialogOpen() && command !== 'show-shortcuts')) return;
      if (command === 'show-shortcuts' && dialogOpen()) return;
      event.preventDefault();
      lastKey.current = { command, at: performance.now() };
      runCommand(command, false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [runCommand]);

  useEffect(
    () =>
      todoSync.onCommand(({ command }) => {
        // In Electron a menu accelerator can fire after the page already handled the same key.
        const echo = lastKey.current;
        if (echo && echo.command === command && performance.now() - echo.at < MENU_ECHO_MS) return;
        runCommand(command, true);
      }),
    [runCommand],
  );

  // ------------------------------------------------------------ sync results, politely

  const seen = useRef<{ pending: number; error: string | null; syncing: boolean } | null>(null);
  useEffect(() => {
    if (!status) return;
    const now = {
      pending: status.pendingOperations,
      error: status.lastError?.message ?? null,
      syncing: status.phase.kind !== 'idle',
    };
    const before = seen.current;
    seen.current = now;
    if (!before || now.syncing || !before.syncing) return;
    if (now.error) announce(`Sync did not finish: ${now.error}`);
    else if (before.pending > 0 && now.pending === 0) announce('Synced: every change is on the server.');
    else if (now.pending > 0)
      announce(`Synced. ${plural(now.pending, 'change is', 'changes are')} still waiting.`);
    else announce('Synced.');
  }, [status, announce]);

  const selectedItems = selection.size > 0 ? selection.items() : [];
  const selectionAllComplete = selectedItems.length > 0 && selectedItems.every((item) => item.complete);

  return useMemo(
    () => ({
      announcer,
      undo,
      selection,
      list,
      details,
      shortcutsOpen,
      setShortcutsOpen,
      runUndo,
      runRedo,
      completeSelected,
      deleteSelected,
      toggleSelected,
      clearCompleted,
      selectionAllComplete,
    }),
    // details is rebuilt each render from the current data; the rest are stable or state.
    [
      announcer,
      undo,
      selection,
      list,
      detailsItem,
      lastSeen,
      detailsId,
      shortcutsOpen,
      selectionAllComplete,
      clearCompleted,
    ],
  );
}
