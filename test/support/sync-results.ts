import type { SyncResult } from '../../common/sync-types';

/** What a sync run that found nothing to do returns; for tests of the shell's callers of syncNow. */
export const NOTHING_SYNCED: SyncResult = {
  ok: true,
  pushed: 0,
  pulled: 0,
  conflicts: 0,
  rejected: 0,
  retrying: 0,
  error: null,
};
