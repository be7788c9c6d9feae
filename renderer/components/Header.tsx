/** The top of the window: name, Sync now, Settings, then search and the filter tabs. */
import { useRef } from 'preact/hooks';
import type { TodoCounts, TodoFilter } from '../../common/ipc-contract';
import { formatCount } from '../format';
import { LogoIcon, SearchIcon, SettingsIcon, SyncIcon, CloseIcon } from './Icons';

interface HeaderProps {
  syncing: boolean;
  canSync: boolean;
  syncHint: string;
  onSyncNow(): void;
  onOpenSettings(): void;
}

export function Header({ syncing, canSync, syncHint, onSyncNow, onOpenSettings }: HeaderProps) {
  return (
    <header class="app-header">
      <div class="brand">
        <LogoIcon />
        <h1 class="app-title">Todo Sync</h1>
      </div>
      <div class="header-actions">
        <button
          type="button"
          class={syncing ? 'button button-quiet is-syncing' : 'button button-quiet'}
          onClick={onSyncNow}
          disabled={!canSync}
          title={syncHint}
          aria-busy={syncing ? 'true' : undefined}
        >
          <SyncIcon size={16} />
          <span>{syncing ? 'Syncing…' : 'Sync now'}</span>
        </button>
        <button
          type="button"
          class="icon-button"
          aria-label="Settings"
          title="Settings"
          onClick={onOpenSettings}
        >
          <SettingsIcon />
        </button>
      </div>
    </header>
  );
}

const FILTERS: { value: TodoFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'completed', label: 'Completed' },
  // Not done and due: see common/due-dates.ts.
  { value: 'today', label: 'Today' },
  { value: 'upcoming', label: 'Upcoming' },
  { value: 'overdue', label: 'Overdue' },
];

export function filterTabId(filter: TodoFilter): string {
  return `filter-tab-${filter}`;
}

/**
 * In a short window the tabs scroll sideways (see daily.css). A mouse wheel only scrolls up and
 * down, which would leave the last tabs out of its reach: over the tabs it scrolls them sideways.
 */
function scrollTabsSideways(event: WheelEvent): void {
  const tabs = event.currentTarget as HTMLElement;
  if (tabs.scrollWidth <= tabs.clientWidth || Math.abs(event.deltaX) >= Math.abs(event.deltaY)) return;
  event.preventDefault();
  tabs.scrollLeft += event.deltaY;
}

interface ToolbarProps {
  search: string;
  onSearch(value: string): void;
  filter: TodoFilter;
  onFilter(filter: TodoFilter): void;
  counts: TodoCounts;
  listId: string;
}

export function Toolbar({ search, onSearch, filter, onFilter, counts, listId }: ToolbarProps) {
  const tabs = useRef<HTMLDivElement>(null);

  const onTabKey = (event: KeyboardEvent) => {
    const index = FILTERS.findIndex((f) => f.value === filter);
    const moves: Record<string, number> = {
      ArrowRight: (index + 1) % FILTERS.length,
      ArrowLeft: (index - 1 + FILTERS.length) % FILTERS.length,
      Home: 0,
      End: FILTERS.length - 1,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = FILTERS[next];
    if (!target) return;
    onFilter(target.value);
    tabs.current?.querySelector<HTMLElement>(`#${filterTabId(target.value)}`)?.focus();
  };

  return (
    <div class="toolbar">
      <div class="search-field" role="search">
        <SearchIcon />
        <input
          type="search"
          class="search-input"
          placeholder="Search"
          aria-label="Search todos"
          value={search}
          onInput={(event) => onSearch(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && search) {
              event.preventDefault();
              onSearch('');
            }
          }}
        />
        {search ? (
          <button
            type="button"
            class="icon-button search-clear"
            aria-label="Clear search"
            onClick={() => onSearch('')}
          >
            <CloseIcon />
          </button>
        ) : null}
      </div>
      <div
        class="tabs"
        role="tablist"
        aria-label="Show"
        ref={tabs}
        onKeyDown={onTabKey}
        onWheel={scrollTabsSideways}
      >
        {FILTERS.map(({ value, label }) => (
          <button
            key={value}
            type="button"
            role="tab"
            id={filterTabId(value)}
            class="tab"
            aria-selected={filter === value ? 'true' : 'false'}
            aria-controls={listId}
            tabIndex={filter === value ? 0 : -1}
            onClick={() => onFilter(value)}
          >
            {label}
            <span class="tab-count" aria-hidden="true">
              {formatCount(counts[value])}
            </span>
            <span class="sr-only">, {formatCount(counts[value])}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
