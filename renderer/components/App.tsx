/** The window: header, toolbar, add field, banners, the list, the status bar, and the dialogs. */
import { useMemo, useRef, useState } from 'preact/hooks';
import type { TodoCounts, TodoFilter, TodoListItem } from '../../common/ipc-contract';
import { todoSync } from '../api';
import type { Feedback } from '../hooks/feedback';
import { useDeleteWithUndo } from '../hooks/useDeleteWithUndo';
import { useDesktopEvents } from '../hooks/useDesktopEvents';
import { useEverydayFeatures, type EverydayFeatures } from '../hooks/useEverydayFeatures';
import { useFindShortcut } from '../hooks/useFindShortcut';
import { useAddTodo, useListActions } from '../hooks/useListActions';
import { useDataVersion, useDebouncedValue, useSyncStatus } from '../hooks/useSync';
import { useSyncIssues, type SyncIssues } from '../hooks/useSyncIssues';
import { useSyncNow } from '../hooks/useSyncNow';
import { useTodoWindow } from '../hooks/useTodoWindow';
import { useToast } from '../hooks/useToast';
import { AddTodo } from './AddTodo';
import { AppDialogs } from './AppDialogs';
import { Banners } from './Banners';
import { BulkBar } from './BulkBar';
import { DetailsPane } from './DetailsPane';
import { filterTabId, Header, Toolbar } from './Header';
import { LiveRegion } from './LiveRegion';
import { ShortcutsHelp } from './ShortcutsHelp';
import { SignInBanner } from './SignInBanner';
import { StatusBar } from './StatusBar';
import { Toast } from './Toast';
import { TodoList, type ListActions } from './TodoList';

const SEARCH_DEBOUNCE_MS = 200;
const LIST_ID = 'todo-list';

function emptyText(filter: TodoFilter, search: string): string {
  if (search.trim()) return `Nothing matches “${search.trim()}”.`;
  if (filter === 'active') return 'Nothing left to do. Nice work.';
  if (filter === 'completed') return 'No completed todos yet.';
  return 'No todos yet. Add the first one above.';
}

/** The counts with a todo being deleted (still shown, struck out) already left out. */
function countsWithout(counts: TodoCounts, deleting: TodoListItem | null): TodoCounts {
  if (!deleting) return counts;
  return {
    ...counts,
    all: Math.max(0, counts.all - 1),
    active: Math.max(0, counts.active - (deleting.complete ? 0 : 1)),
    completed: Math.max(0, counts.completed - (deleting.complete ? 1 : 0)),
  };
}

function setWorkOffline(workOffline: boolean, { announce, showError }: Feedback): void {
  todoSync.setSettings({ workOffline }).then(
    () => announce(workOffline ? 'Working offline.' : 'Back online.'),
    (error: unknown) => showError('Could not change Work offline.', error),
  );
}

/** The filter, the search as typed, and the query the list loads once the typing settles. */
function useListQuery() {
  const [filter, setFilter] = useState<TodoFilter>('all');
  const [search, setSearch] = useState('');
  const settledSearch = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);
  const query = useMemo(() => ({ filter, search: settledSearch }), [filter, settledSearch]);
  return { filter, setFilter, search, setSearch, settledSearch, query };
}

export function App() {
  const { filter, setFilter, search, setSearch, settledSearch, query } = useListQuery();
  const [dataVersion, bumpData] = useDataVersion();
  const status = useSyncStatus();
  const data = useTodoWindow(query, dataVersion);
  const { toast, showToast, showError, dismissToast } = useToast();

  // Undo/redo, multi-select, the Completed section, details, shortcuts help, announcements.
  const everyday = useEverydayFeatures({ query, data, status, bumpData, showToast, showError });
  useDesktopEvents({
    showNotice: (text) => showToast({ tone: 'info', text }, 12_000),
    openTodo: (item) => everyday.details.open(item),
  });
  const feedback: Feedback = { announce: everyday.announcer.announce, showToast, showError };
  const deletes = useDeleteWithUndo({ ...feedback, undo: everyday.undo, refreshList: data.refresh });
  const issues = useSyncIssues({ status, bumpData, showToast, showError });
  const listActions = useListActions({ ...feedback, data, bumpData, everyday, deletes, issues });
  const addTodo = useAddTodo(everyday);
  const sync = useSyncNow({ ...feedback, status, bumpData, openConflicts: issues.openConflicts });
  const searchBox = useRef<HTMLDivElement>(null);
  useFindShortcut(searchBox);
  const openSettings = () => issues.setDialog('settings');

  return (
    <div class="app">
      <Header
        syncing={sync.syncing}
        canSync={sync.canSync}
        syncHint={sync.syncHint}
        onSyncNow={() => void sync.syncNow()}
        onOpenSettings={openSettings}
      />
      <main class="app-main">
        <div class="app-controls" ref={searchBox}>
          <Toolbar
            search={search}
            onSearch={setSearch}
            filter={filter}
            onFilter={setFilter}
            counts={countsWithout(data.counts, deletes.deletingItem)}
            listId={LIST_ID}
          />
          <AddTodo onAdd={addTodo} />
          <SelectionBar everyday={everyday} />
          <SignInBanner status={status} onOpenSettings={openSettings} />
          <IssueBanners issues={issues} />
        </div>
        <div class="list-area">
          <TodoList
            id={LIST_ID}
            labelledBy={filterTabId(filter)}
            data={everyday.list}
            selection={everyday.selection}
            queryKey={`${filter}\u0000${settledSearch}`}
            deletingId={deletes.deletingItem?.id ?? null}
            actions={listActions}
            emptyText={emptyText(filter, settledSearch)}
          />
        </div>
        <Details details={everyday.details} onOpenIssue={listActions.openIssue} />
      </main>
      <StatusBar
        status={status}
        onRetry={() => void sync.syncNow()}
        onToggleOffline={(workOffline) => setWorkOffline(workOffline, feedback)}
      />
      <Toast toast={toast} onDismiss={dismissToast} />
      <LiveRegion message={everyday.announcer.message} />
      {everyday.shortcutsOpen ? <ShortcutsHelp onClose={() => everyday.setShortcutsOpen(false)} /> : null}
      <AppDialogs
        issues={issues}
        pendingChanges={status?.pendingOperations ?? 0}
        onReset={() => {
          bumpData();
          showToast({ tone: 'info', text: 'Local data was reset.' });
        }}
      />
    </div>
  );
}

/** The bulk bar, while some todos are selected. */
function SelectionBar({ everyday }: { everyday: EverydayFeatures }) {
  if (everyday.selection.size === 0) return null;
  return (
    <BulkBar
      count={everyday.selection.size}
      allComplete={everyday.selectionAllComplete}
      onComplete={everyday.completeSelected}
      onDelete={everyday.deleteSelected}
      onClear={everyday.selection.clear}
    />
  );
}

function IssueBanners({ issues }: { issues: SyncIssues }) {
  return (
    <Banners
      conflicts={issues.conflictCount}
      rejected={issues.rejectedCount}
      onReviewConflicts={() => void issues.openConflicts()}
      onReviewRejected={() => void issues.openRejected()}
    />
  );
}

/** The details pane, while open and once it has a todo to show. */
function Details({
  details,
  onOpenIssue,
}: {
  details: EverydayFeatures['details'];
  onOpenIssue: ListActions['openIssue'];
}) {
  if (!details.isOpen || !details.lastSeen) return null;
  return (
    <DetailsPane
      key={details.lastSeen.id}
      item={details.item}
      lastSeen={details.lastSeen}
      save={details.save}
      onClose={details.close}
      onOpenIssue={onOpenIssue}
    />
  );
}
