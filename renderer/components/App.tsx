/** The window: header, toolbar, add field, banners, the list, the status bar, and the dialogs. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type {
  ConflictResolution,
  SyncIssue,
  TodoChanges,
  TodoEditBase,
  TodoFilter,
  TodoListItem,
} from '../../common/ipc-contract';
import type { SyncResult } from '../../common/sync-types';
import { describeError, todoSync } from '../api';
import { plural } from '../format';
import { useDataVersion, useDebouncedValue, useSyncStatus } from '../hooks/useSync';
import { useEverydayFeatures } from '../hooks/useEverydayFeatures';
import { useTodoWindow } from '../hooks/useTodoWindow';
import { snapshotOf } from '../hooks/useUndo';
import { useDesktopEvents } from '../hooks/useDesktopEvents';
import type { TodoSchedule } from '../quick-entry';
import { AddTodo } from './AddTodo';
import { Banners } from './Banners';
import { BulkBar } from './BulkBar';
import { DetailsPane } from './DetailsPane';
import { LiveRegion } from './LiveRegion';
import { ShortcutsHelp } from './ShortcutsHelp';
import { ConflictDialog } from './ConflictDialog';
import { filterTabId, Header, Toolbar } from './Header';
import { RejectedPanel } from './RejectedPanel';
import { SettingsDialog } from './SettingsDialog';
import { SignInBanner } from './SignInBanner';
import { StatusBar } from './StatusBar';
import { Toast, type ToastMessage } from './Toast';
import { TodoList, type ListActions } from './TodoList';

const UNDO_MS = 5000;
const SEARCH_DEBOUNCE_MS = 200;
const LIST_ID = 'todo-list';

type DialogName = 'none' | 'conflicts' | 'rejected' | 'settings';

interface PendingDelete {
  item: TodoListItem;
  timer: ReturnType<typeof setTimeout>;
}

function summarize(result: SyncResult): string {
  if (!result.ok) return result.error?.message ?? 'Syncing did not finish.';
  const parts: string[] = [];
  if (result.pushed > 0) parts.push(`${plural(result.pushed, 'change', 'changes')} sent`);
  if (result.pulled > 0) parts.push(`${plural(result.pulled, 'update', 'updates')} received`);
  if (result.conflicts > 0) parts.push(plural(result.conflicts, 'conflict needs you', 'conflicts need you'));
  if (result.rejected > 0) parts.push(plural(result.rejected, 'change was refused', 'changes were refused'));
  if (result.retrying > 0)
    parts.push(
      `${plural(result.retrying, 'change', 'changes')} to send again next time (the server had a problem)`,
    );
  return parts.length > 0 ? `Synced: ${parts.join(', ')}.` : 'Everything is up to date.';
}

function emptyText(filter: TodoFilter, search: string): string {
  if (search.trim()) return `Nothing matches “${search.trim()}”.`;
  if (filter === 'active') return 'Nothing left to do. Nice work.';
  if (filter === 'completed') return 'No completed todos yet.';
  return 'No todos yet. Add the first one above.';
}

export function App() {
  const [filter, setFilter] = useState<TodoFilter>('all');
  const [search, setSearch] = useState('');
  const settledSearch = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);
  const [dataVersion, bumpData] = useDataVersion();
  const status = useSyncStatus();
  const query = useMemo(() => ({ filter, search: settledSearch }), [filter, settledSearch]);
  const data = useTodoWindow(query, dataVersion);

  const [dialog, setDialog] = useState<DialogName>('none');
  const [conflicts, setConflicts] = useState<SyncIssue[]>([]);
  const [rejected, setRejected] = useState<SyncIssue[]>([]);
  const [syncRequested, setSyncRequested] = useState(false);
  const [toast, setToast] = useState<ToastMessage | null>(null);
  const toastTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const toastSeq = useRef(0);
  const pendingDelete = useRef<PendingDelete | null>(null);
  /** Shown struck out (and left out of the counts) from Delete until the list without it arrives. */
  const [deletingItem, setDeletingItem] = useState<TodoListItem | null>(null);
  const refreshList = data.refresh;
  const searchBox = useRef<HTMLDivElement>(null);

  // ------------------------------------------------------------ messages

  const dismissToast = useCallback(() => {
    if (toastTimer.current) clearTimeout(toastTimer.current);
    toastTimer.current = null;
    setToast(null);
  }, []);

  const showToast = useCallback((message: Omit<ToastMessage, 'id'>, durationMs = 4000) => {
    if (toastTimer.current) clearTimeout(toastTimer.current);
    setToast({ ...message, id: ++toastSeq.current });
    toastTimer.current = setTimeout(() => setToast(null), durationMs);
  }, []);

  const showError = useCallback(
    (prefix: string, error: unknown) =>
      showToast({ tone: 'error', text: `${prefix} ${describeError(error)}` }, 8000),
    [showToast],
  );

  // Undo/redo, multi-select, the Completed section, details, shortcuts help, announcements.
  const everyday = useEverydayFeatures({ query, data, status, bumpData, showToast, showError });
  useDesktopEvents({
    showNotice: (text) => showToast({ tone: 'info', text }, 12_000),
    openTodo: (item) => everyday.details.open(item),
  });
  const { announce } = everyday.announcer;

  // ------------------------------------------------------------ deleting with undo

  /** The remove call waits until the undo window has passed; if the app closes first, the todo stays. */
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

  /** Undo from the toast or the struck-out row: the delete's undo step is used up too. */
  const undoDeleteByHand = useCallback(() => {
    const id = pendingDelete.current?.item.id;
    undoDelete();
    if (id) everyday.undo.forgetDelete(id);
  }, [undoDelete, everyday.undo]);

  useEffect(() => {
    const flush = () => void commitDelete();
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, [commitDelete]);

  // ------------------------------------------------------------ list actions

  const listActions = useMemo<ListActions>(
    () => ({
      toggle: (item) => {
        data.patchRow(item.id, { complete: !item.complete, pending: true });
        everyday.undo.edit(item, { complete: !item.complete }).then(
          () => announce(`${item.complete ? 'Reopened' : 'Completed'} “${item.text}”.`),
          (error: unknown) => {
            showError(`“${item.text}” could not be updated.`, error);
            void data.refresh();
          },
        );
      },
      saveEdit: async (item, text, base) => {
        data.patchRow(item.id, { text, pending: true });
        try {
          const saved = await everyday.undo.edit(item, { text }, undefined, base);
          void reportEditMeanwhile(item, text, base, saved);
        } catch (error) {
          showError('The change was not saved.', error);
        }
        bumpData();
      },
      remove: (item) => {
        void commitDelete();
        const timer = setTimeout(() => void commitDelete(), UNDO_MS);
        pendingDelete.current = { item, timer };
        setDeletingItem(item);
        everyday.undo.recordDelete(snapshotOf(item), {
          stillWaiting: () => pendingDelete.current?.item.id === item.id,
          cancel: undoDelete,
        });
        announce(`Deleted “${item.text}”.`);
        showToast(
          { tone: 'info', text: `Deleted “${item.text}”.`, action: { label: 'Undo', run: undoDeleteByHand } },
          UNDO_MS,
        );
      },
      undoRemove: () => {
        undoDeleteByHand();
      },
      openIssue: (item) => {
        if (item.issue === 'conflict') void openConflicts(item.id);
        else if (item.issue === 'rejected') void openRejected();
      },
      openDetails: (item) => everyday.details.open(item),
      toggleSelected: () => everyday.toggleSelected(),
      removeSelected: () => everyday.deleteSelected(),
      clearCompleted: () => everyday.clearCompleted(),
    }),
    // openConflicts/openRejected only use stable setters and the API.
    [data, bumpData, commitDelete, undoDelete, undoDeleteByHand, showError, showToast, announce, everyday],
  );

  const addTodo = useCallback(
    async (text: string, schedule: TodoSchedule | null) => {
      // Dates cross IPC as ISO text (the dispatcher takes plain data only).
      await everyday.undo.add(
        text,
        schedule
          ? { dueDate: schedule.dueDate, reminderAt: schedule.reminderAt?.toISOString() ?? null }
          : undefined,
      );
      announce(`Added “${text}”.`);
    },
    [bumpData],
  );

  // ------------------------------------------------------------ conflicts and rejections

  const loadConflicts = async (firstId?: string): Promise<SyncIssue[]> => {
    const list = await todoSync.listConflicts();
    if (firstId) list.sort((a, b) => Number(b.recordId === firstId) - Number(a.recordId === firstId));
    setConflicts(list);
    return list;
  };

  const loadRejected = async (): Promise<SyncIssue[]> => {
    const list = await todoSync.listRejected();
    setRejected(list);
    return list;
  };

  /**
   * An inline edit saved while a sync brought another device's change to the same text: say what
   * became of it. The conflict policy decided in main; under Merge or Ask me the person chooses.
   */
  async function reportEditMeanwhile(
    item: TodoListItem,
    text: string,
    base: TodoEditBase,
    saved: { text: string },
  ) {
    if (saved.text !== text) {
      showToast(
        {
          tone: 'info',
          text: `“${base.text ?? text}” was changed on another device while you were editing it; your conflict setting kept that version, “${saved.text}”.`,
        },
        8000,
      );
      return;
    }
    // A conflict this row already had is not news; the list may not show the arrived text yet.
    if (item.issue === 'conflict') return;
    const listed = await todoSync.listConflicts().catch(() => [] as SyncIssue[]);
    if (!listed.some((conflict) => conflict.recordId === item.id)) return;
    showToast(
      {
        tone: 'info',
        text: `“${text}” was also changed on another device while you were editing it. Choose which version to keep.`,
        action: { label: 'Review', run: () => void openConflicts(item.id) },
      },
      8000,
    );
  }

  async function openConflicts(firstId?: string) {
    try {
      const list = await loadConflicts(firstId);
      if (list.length > 0) setDialog('conflicts');
    } catch (error) {
      showError('Conflicts could not be loaded.', error);
    }
  }

  async function openRejected() {
    try {
      await loadRejected();
      setDialog('rejected');
    } catch (error) {
      showError('Refused changes could not be loaded.', error);
    }
  }

  const conflictCount = status?.unresolvedConflicts ?? 0;
  const rejectedCount = status?.rejectedOperations ?? 0;
  const dialogRef = useRef(dialog);
  dialogRef.current = dialog;

  const shownConflict = useRef<string | undefined>(undefined);
  shownConflict.current = conflicts[0]?.recordId;

  // A conflict found by a background sync never opens the dialog or moves focus: the person may
  // be typing, and a dialog taking the keyboard would swallow what they type. The banner and the
  // row's chip say it is there; the dialog opens when the person asks (Review, the chip, the toast).
  useEffect(() => {
    if (conflictCount === 0) {
      setConflicts([]);
      if (dialogRef.current === 'conflicts') setDialog('none');
      return;
    }
    // Already open: refresh its list, keeping the conflict on screen first.
    if (dialogRef.current === 'conflicts') void loadConflicts(shownConflict.current).catch(() => undefined);
  }, [conflictCount]);

  useEffect(() => {
    if (dialogRef.current === 'rejected') void loadRejected().catch(() => undefined);
  }, [rejectedCount]);

  // A new conflict or refusal changes rows too (their chip), yet a push that only left an issue
  // writes no todo and so sends no data-changed event: refetch the rows in view when the counts move.
  const issueCounts = useRef({ conflicts: conflictCount, rejected: rejectedCount });
  useEffect(() => {
    const before = issueCounts.current;
    issueCounts.current = { conflicts: conflictCount, rejected: rejectedCount };
    if (before.conflicts !== conflictCount || before.rejected !== rejectedCount) bumpData();
  }, [conflictCount, rejectedCount, bumpData]);

  const resolveConflict = async (issueId: number, resolution: ConflictResolution['resolution']) => {
    const settled = conflicts.find((conflict) => conflict.id === issueId);
    await todoSync.resolveConflict({ issueId, resolution });
    bumpData();
    const rest = await loadConflicts();
    if (rest.length === 0) setDialog('none');
    // Bringing back a todo deleted on another device is never silent.
    const mine = settled?.serverDeleted ? settled.clientRecord : null;
    if (mine) {
      showToast({
        tone: 'info',
        text:
          resolution.choice === 'mine'
            ? `“${mine.text}” will be restored on the server with the next sync.`
            : `Let “${mine.text}” go: it was deleted on the server, and now here too.`,
      });
    } else if (rest.length === 0) {
      showToast({ tone: 'info', text: 'Conflict resolved. Your choice is sent with the next sync.' });
    }
  };

  const retryRejected = async (issueId: number, changes?: TodoChanges) => {
    await todoSync.retryRejected(changes ? { issueId, changes } : { issueId });
    bumpData();
    await loadRejected();
  };

  const discardRejected = async (issueId: number) => {
    await todoSync.discardRejected({ issueId });
    bumpData();
    await loadRejected();
  };

  // ------------------------------------------------------------ syncing

  const syncing = syncRequested || (status !== null && status.phase.kind !== 'idle');
  const canSync =
    status !== null && status.connectivity !== 'local-only' && status.connectivity !== 'working-offline';
  const syncHint = !status
    ? 'Starting…'
    : status.connectivity === 'local-only'
      ? 'No server is set up. Add one in Settings to sync.'
      : status.connectivity === 'working-offline'
        ? 'Working offline. Turn it off in Settings to sync.'
        : 'Send your changes and fetch the latest';

  const syncNow = useCallback(async () => {
    setSyncRequested(true);
    try {
      const result = await todoSync.syncNow();
      // Conflicts wait for the person; the toast offers them rather than opening the dialog.
      const review =
        result.conflicts > 0 ? { action: { label: 'Review', run: () => void openConflicts() } } : {};
      showToast(
        { tone: result.ok ? 'info' : 'error', text: summarize(result), ...review },
        result.ok ? 3500 : 8000,
      );
      // Said as well as shown: a quick sync may pass between two status updates, so the
      // live region cannot rely on seeing it run.
      announce(summarize(result));
    } catch (error) {
      showError('Syncing did not start.', error);
    } finally {
      setSyncRequested(false);
      bumpData();
    }
  }, [bumpData, showError, showToast, announce]);

  // ------------------------------------------------------------ keyboard shortcuts

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const modifier = event.ctrlKey || event.metaKey;
      if (!modifier || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === 'f') {
        event.preventDefault();
        searchBox.current?.querySelector('input')?.focus();
      }
      // Ctrl/Cmd+Z undoes through everyday.undo (useEverydayFeatures), a pending delete included.
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // ------------------------------------------------------------ view

  const counts = deletingItem
    ? {
        ...data.counts,
        all: Math.max(0, data.counts.all - 1),
        active: Math.max(0, data.counts.active - (deletingItem.complete ? 0 : 1)),
        completed: Math.max(0, data.counts.completed - (deletingItem.complete ? 1 : 0)),
      }
    : data.counts;

  return (
    <div class="app">
      <Header
        syncing={syncing}
        canSync={canSync}
        syncHint={syncHint}
        onSyncNow={() => void syncNow()}
        onOpenSettings={() => setDialog('settings')}
      />
      <main class="app-main">
        <div class="app-controls" ref={searchBox}>
          <Toolbar
            search={search}
            onSearch={setSearch}
            filter={filter}
            onFilter={setFilter}
            counts={counts}
            listId={LIST_ID}
          />
          <AddTodo onAdd={addTodo} />
          {everyday.selection.size > 0 ? (
            <BulkBar
              count={everyday.selection.size}
              allComplete={everyday.selectionAllComplete}
              onComplete={everyday.completeSelected}
              onDelete={everyday.deleteSelected}
              onClear={everyday.selection.clear}
            />
          ) : null}
          <SignInBanner status={status} onOpenSettings={() => setDialog('settings')} />
          <Banners
            conflicts={conflictCount}
            rejected={rejectedCount}
            onReviewConflicts={() => void openConflicts()}
            onReviewRejected={() => void openRejected()}
          />
        </div>
        <div class="list-area">
          <TodoList
            id={LIST_ID}
            labelledBy={filterTabId(filter)}
            data={everyday.list}
            selection={everyday.selection}
            queryKey={`${filter}\u0000${settledSearch}`}
            deletingId={deletingItem?.id ?? null}
            actions={listActions}
            emptyText={emptyText(filter, settledSearch)}
          />
        </div>
        {everyday.details.isOpen && everyday.details.lastSeen ? (
          <DetailsPane
            key={everyday.details.lastSeen.id}
            item={everyday.details.item}
            lastSeen={everyday.details.lastSeen}
            save={everyday.details.save}
            onClose={everyday.details.close}
            onOpenIssue={listActions.openIssue}
          />
        ) : null}
      </main>
      <StatusBar
        status={status}
        onRetry={() => void syncNow()}
        onToggleOffline={(workOffline) => {
          todoSync.setSettings({ workOffline }).then(
            () => announce(workOffline ? 'Working offline.' : 'Back online.'),
            (error: unknown) => showError('Could not change Work offline.', error),
          );
        }}
      />
      <Toast toast={toast} onDismiss={dismissToast} />
      <LiveRegion message={everyday.announcer.message} />
      {everyday.shortcutsOpen ? <ShortcutsHelp onClose={() => everyday.setShortcutsOpen(false)} /> : null}

      {dialog === 'conflicts' && conflicts.length > 0 ? (
        <ConflictDialog conflicts={conflicts} onResolve={resolveConflict} onClose={() => setDialog('none')} />
      ) : null}
      {dialog === 'rejected' ? (
        <RejectedPanel
          rejected={rejected}
          onRetry={retryRejected}
          onDiscard={discardRejected}
          onClose={() => setDialog('none')}
        />
      ) : null}
      {dialog === 'settings' ? (
        <SettingsDialog
          pendingChanges={status?.pendingOperations ?? 0}
          onClose={() => setDialog('none')}
          onReset={() => {
            setDialog('none');
            bumpData();
            showToast({ tone: 'info', text: 'Local data was reset.' });
          }}
        />
      ) : null}
    </div>
  );
}
