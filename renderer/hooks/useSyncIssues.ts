/**
 * Which dialog is open, and the conflicts and refused changes the issue dialogs show: loading
 * them when asked, keeping an open dialog's list current as the counts move, and acting on one.
 *
 * A conflict found by a background sync never opens the dialog or moves focus: the person may
 * be typing, and a dialog taking the keyboard would swallow what they type. The banner and the
 * row's chip say it is there; the dialog opens when the person asks (Review, the chip, the toast).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ConflictResolution, SyncIssue, TodoChanges } from '../../common/ipc-contract';
import type { SyncStatus } from '../../common/sync-types';
import { todoSync } from '../api';
import type { ShowError, ShowToast } from './feedback';
import { useLatest } from './useLatest';

export type DialogName = 'none' | 'conflicts' | 'rejected' | 'settings';

interface IssueOptions {
  status: SyncStatus | null;
  bumpData(): void;
  showToast: ShowToast;
  showError: ShowError;
}

export interface SyncIssues {
  dialog: DialogName;
  setDialog(dialog: DialogName): void;
  conflicts: SyncIssue[];
  rejected: SyncIssue[];
  conflictCount: number;
  rejectedCount: number;
  /** Opens the conflicts dialog if there are any, the one for `firstId` first. */
  openConflicts(firstId?: string): Promise<void>;
  openRejected(): Promise<void>;
  resolveConflict(issueId: number, resolution: ConflictResolution['resolution']): Promise<void>;
  retryRejected(issueId: number, changes?: TodoChanges): Promise<void>;
  discardRejected(issueId: number): Promise<void>;
}

/** What to say once a conflict is settled, if anything. */
function resolvedSentence(
  settled: SyncIssue | undefined,
  choice: ConflictResolution['resolution']['choice'],
  remaining: number,
): string | null {
  // Bringing back a todo deleted on another device is never silent.
  const mine = settled?.serverDeleted ? settled.clientRecord : null;
  if (mine) {
    return choice === 'mine'
      ? `“${mine.text}” will be restored on the server with the next sync.`
      : `Let “${mine.text}” go: it was deleted on the server, and now here too.`;
  }
  return remaining === 0 ? 'Conflict resolved. Your choice is sent with the next sync.' : null;
}

export function useSyncIssues({ status, bumpData, showToast, showError }: IssueOptions): SyncIssues {
  const [dialog, setDialog] = useState<DialogName>('none');
  const [conflicts, setConflicts] = useState<SyncIssue[]>([]);
  const [rejected, setRejected] = useState<SyncIssue[]>([]);
  const conflictCount = status?.unresolvedConflicts ?? 0;
  const rejectedCount = status?.rejectedOperations ?? 0;

  const loadConflicts = useCallback(async (firstId?: string): Promise<SyncIssue[]> => {
    const list = await todoSync.listConflicts();
    if (firstId) list.sort((a, b) => Number(b.recordId === firstId) - Number(a.recordId === firstId));
    setConflicts(list);
    return list;
  }, []);

  const loadRejected = useCallback(async (): Promise<SyncIssue[]> => {
    const list = await todoSync.listRejected();
    setRejected(list);
    return list;
  }, []);

  const openConflicts = useCallback(
    async (firstId?: string) => {
      try {
        const list = await loadConflicts(firstId);
        if (list.length > 0) setDialog('conflicts');
      } catch (error) {
        showError('Conflicts could not be loaded.', error);
      }
    },
    [loadConflicts, showError],
  );

  const openRejected = useCallback(async () => {
    try {
      await loadRejected();
      setDialog('rejected');
    } catch (error) {
      showError('Refused changes could not be loaded.', error);
    }
  }, [loadRejected, showError]);

  useOpenDialogFollowsCounts({
    dialog,
    setDialog,
    conflicts,
    setConflicts,
    conflictCount,
    rejectedCount,
    loadConflicts,
    loadRejected,
  });
  useRowsFollowIssueCounts(conflictCount, rejectedCount, bumpData);

  const resolveConflict = async (issueId: number, resolution: ConflictResolution['resolution']) => {
    const settled = conflicts.find((conflict) => conflict.id === issueId);
    await todoSync.resolveConflict({ issueId, resolution });
    bumpData();
    const rest = await loadConflicts();
    if (rest.length === 0) setDialog('none');
    const text = resolvedSentence(settled, resolution.choice, rest.length);
    if (text) showToast({ tone: 'info', text });
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

  return {
    dialog,
    setDialog,
    conflicts,
    rejected,
    conflictCount,
    rejectedCount,
    openConflicts,
    openRejected,
    resolveConflict,
    retryRejected,
    discardRejected,
  };
}

interface FollowOptions {
  dialog: DialogName;
  setDialog(dialog: DialogName): void;
  conflicts: SyncIssue[];
  setConflicts(conflicts: SyncIssue[]): void;
  conflictCount: number;
  rejectedCount: number;
  loadConflicts(firstId?: string): Promise<SyncIssue[]>;
  loadRejected(): Promise<SyncIssue[]>;
}

/** An open issue dialog follows the counts: its list reloads, and no conflicts left closes it. */
function useOpenDialogFollowsCounts(options: FollowOptions): void {
  const { conflictCount, rejectedCount } = options;
  const latest = useLatest(options);

  useEffect(() => {
    const { dialog, setDialog, conflicts, setConflicts, loadConflicts } = latest.current;
    if (conflictCount === 0) {
      setConflicts([]);
      if (dialog === 'conflicts') setDialog('none');
      return;
    }
    // Already open: refresh its list, keeping the conflict on screen first.
    if (dialog === 'conflicts') void loadConflicts(conflicts[0]?.recordId).catch(() => undefined);
  }, [conflictCount]);

  useEffect(() => {
    if (latest.current.dialog === 'rejected') void latest.current.loadRejected().catch(() => undefined);
  }, [rejectedCount]);
}

/**
 * A new conflict or refusal changes rows too (their chip), yet a push that only left an issue
 * writes no todo and so sends no data-changed event: refetch the rows in view when the counts move.
 */
function useRowsFollowIssueCounts(conflictCount: number, rejectedCount: number, bumpData: () => void): void {
  const issueCounts = useRef({ conflicts: conflictCount, rejected: rejectedCount });
  useEffect(() => {
    const before = issueCounts.current;
    issueCounts.current = { conflicts: conflictCount, rejected: rejectedCount };
    if (before.conflicts !== conflictCount || before.rejected !== rejectedCount) bumpData();
  }, [conflictCount, rejectedCount, bumpData]);
}
