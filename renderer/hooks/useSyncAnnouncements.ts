/** A sync that just finished, said politely: whether it failed, emptied the queue, or left changes waiting. */
import { useEffect, useRef } from 'preact/hooks';
import type { SyncStatus } from '../../common/sync-types';
import { plural } from '../format';

interface Seen {
  pending: number;
  error: string | null;
  syncing: boolean;
}

/** The sentence for a sync that ended between `before` and `now`, or null when none did. */
export function syncEndedSentence(before: Seen | null, now: Seen): string | null {
  if (!before || now.syncing || !before.syncing) return null;
  if (now.error) return `Sync did not finish: ${now.error}`;
  if (before.pending > 0 && now.pending === 0) return 'Synced: every change is on the server.';
  if (now.pending > 0) return `Synced. ${plural(now.pending, 'change is', 'changes are')} still waiting.`;
  return 'Synced.';
}

export function useSyncAnnouncements(status: SyncStatus | null, announce: (text: string) => void): void {
  const seen = useRef<Seen | null>(null);
  useEffect(() => {
    if (!status) return;
    const now = {
      pending: status.pendingOperations,
      error: status.lastError?.message ?? null,
      syncing: status.phase.kind !== 'idle',
    };
    const sentence = syncEndedSentence(seen.current, now);
    seen.current = now;
    if (sentence) announce(sentence);
  }, [status, announce]);
}
