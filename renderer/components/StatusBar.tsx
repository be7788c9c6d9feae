/** The bottom line: connection, sync progress or last sync, pending changes, and sync errors. */
import type { SyncStatus } from '../../common/sync-types';
import { CONNECTIVITY_LABELS, describePhase, plural, relativeTime } from '../format';
import { useNow } from '../hooks/useSync';

interface StatusBarProps {
  status: SyncStatus | null;
  onRetry(): void;
  /** Work Offline in one click (also in the File menu and Settings). */
  onToggleOffline?(workOffline: boolean): void;
}

export function StatusBar({ status, onRetry, onToggleOffline }: StatusBarProps) {
  const now = useNow(15_000);
  if (!status) {
    return (
      <footer class="status-bar" aria-label="Sync status">
        <span class="status-item">Starting…</span>
      </footer>
    );
  }

  const connectivity = CONNECTIVITY_LABELS[status.connectivity];
  const progress = describePhase(status.phase);
  const error = status.lastError;

  return (
    <footer class="status-bar" aria-label="Sync status" data-testid="status-bar">
      <span
        class={`status-item connectivity connectivity-${status.connectivity}`}
        title={connectivity.detail}
        data-testid="connectivity"
      >
        <span class="status-dot" aria-hidden="true" />
        {connectivity.label}
      </span>
      {onToggleOffline && status.connectivity !== 'local-only' ? (
        <button
          type="button"
          class="offline-toggle"
          aria-pressed={status.connectivity === 'working-offline' ? 'true' : 'false'}
          title={
            status.connectivity === 'working-offline'
              ? 'Syncing is paused. Click to go back online.'
              : 'Pause all network activity; changes wait on this computer.'
          }
          onClick={() => onToggleOffline(status.connectivity !== 'working-offline')}
        >
          Work offline
        </button>
      ) : null}

      <span class="status-item status-sync" role="status" aria-live="polite">
        {progress ? (
          <span class="sync-progress" data-testid="sync-progress">
            <span class="sync-progress-text">{progress.text}</span>
            <span
              class={progress.fraction === null ? 'progress is-indeterminate' : 'progress'}
              role="progressbar"
              aria-label="Sync progress"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={progress.fraction === null ? undefined : Math.round(progress.fraction * 100)}
            >
              <span
                class="progress-fill"
                style={progress.fraction === null ? undefined : { transform: `scaleX(${progress.fraction})` }}
              />
            </span>
          </span>
        ) : error ? null : status.lastSyncedAt ? (
          <span data-testid="last-synced">Synced {relativeTime(status.lastSyncedAt, now)}</span>
        ) : status.connectivity === 'local-only' ? null : (
          <span>Not synced yet</span>
        )}
      </span>

      {error && !progress ? (
        <span class="status-item status-error" role="alert" data-testid="sync-error">
          <span class="status-error-text" title={error.message}>
            {error.message}
          </span>
          <button type="button" class="link-button" onClick={onRetry}>
            Retry
          </button>
        </span>
      ) : null}

      <span class="status-item status-pending" data-testid="pending-count">
        {status.pendingOperations > 0
          ? `${plural(status.pendingOperations, 'change', 'changes')} not synced`
          : status.connectivity === 'local-only'
            ? 'Saved on this computer'
            : 'All changes synced'}
      </span>
    </footer>
  );
}
