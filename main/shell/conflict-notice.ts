/**
 * A system notification when a sync leaves a new conflict while the person is not looking at
 * the window (another app in front, minimized, hidden). In the window itself the banner and the
 * row's chip say it; nothing there opens or takes focus by itself, and neither does this: the
 * notification only brings the window forward when the person clicks it.
 */
import { Notification } from 'electron';
import type { SyncStatus } from '../../common/sync-types';

export interface ConflictNoticeOptions {
  /** Whether one of the app's windows has the keyboard focus right now. */
  isWindowFocused(): boolean;
  /** Brings the window forward (the notification's click). */
  revealWindow(): void;
  /** Shows the notice; defaults to an Electron system notification. */
  show?: (notice: { title: string; body: string; onClick(): void }) => void;
}

export type ConflictNoticeListener = (status: Pick<SyncStatus, 'unresolvedConflicts'>) => void;

export function conflictNoticeText(newConflicts: number): { title: string; body: string } {
  return newConflicts === 1
    ? {
        title: 'A conflict needs you',
        body: 'A todo was changed here and on another device. Open Todo Sync to choose what to keep.',
      }
    : {
        title: `${newConflicts} conflicts need you`,
        body: 'Some todos were changed here and on another device. Open Todo Sync to choose what to keep.',
      };
}

function showSystemNotification(notice: { title: string; body: string; onClick(): void }): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title: notice.title, body: notice.body });
  notification.on('click', notice.onClick);
  notification.show();
}

/**
 * A status listener that notifies once per rise in the number of open conflicts. The first
 * status only sets the starting point: conflicts left from an earlier run were already told.
 */
export function createConflictNotice(options: ConflictNoticeOptions): ConflictNoticeListener {
  const show = options.show ?? showSystemNotification;
  let known: number | null = null;
  return (status) => {
    const count = status.unresolvedConflicts;
    const previous = known;
    known = count;
    if (previous === null || count <= previous || options.isWindowFocused()) return;
    show({ ...conflictNoticeText(count - previous), onClick: options.revealWindow });
  };
}
