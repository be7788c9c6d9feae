/** Sync now: whether it can run, what its button says, and the run itself with its summary. */
import { useCallback, useState } from 'preact/hooks';
import type { SyncResult, SyncStatus } from '../../common/sync-types';
import { todoSync } from '../api';
import { plural } from '../format';
import type { Feedback } from './feedback';

interface SyncNowOptions extends Feedback {
  status: SyncStatus | null;
  bumpData(): void;
  openConflicts(): Promise<void>;
}

export interface SyncNow {
  /** Asked for here, or running for any reason. */
  syncing: boolean;
  canSync: boolean;
  syncHint: string;
  syncNow(): Promise<void>;
}

export function summarize(result: SyncResult): string {
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

function syncHintOf(status: SyncStatus | null): string {
  if (!status) return 'Starting…';
  if (status.connectivity === 'local-only') return 'No server is set up. Add one in Settings to sync.';
  if (status.connectivity === 'working-offline') return 'Working offline. Turn it off in Settings to sync.';
  return 'Send your changes and fetch the latest';
}

export function useSyncNow({
  status,
  bumpData,
  openConflicts,
  announce,
  showToast,
  showError,
}: SyncNowOptions): SyncNow {
  const [syncRequested, setSyncRequested] = useState(false);

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
  }, [bumpData, openConflicts, showError, showToast, announce]);

  return {
    syncing: syncRequested || (status !== null && status.phase.kind !== 'idle'),
    canSync:
      status !== null && status.connectivity !== 'local-only' && status.connectivity !== 'working-offline',
    syncHint: syncHintOf(status),
    syncNow,
  };
}
