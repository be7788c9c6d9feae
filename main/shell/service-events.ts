/**
 * The services' events, shown by Electron: the status and data changes to every window, sync
 * progress on the taskbar, a notice for new conflicts, sync start and end in the log, and the
 * Work Offline check mark; the other way, the OS's resume and network signals to the scheduler.
 */
import { BrowserWindow, net, powerMonitor, type Menu, type MenuItem } from 'electron';
import type { SyncPhase, SyncStatus } from '../../common/sync-types';
import { broadcast } from './broadcast';
import { createConflictNotice } from './conflict-notice';
import { watchConnectivity } from './connectivity';
import type { AppLog } from './logging';
import { MENU_IDS } from './menu';
import { progressBarValue } from './progress';
import type { ShellServices } from './shell-services';
import { revealWindow } from './window';

export interface ServiceEventsOptions {
  services: Pick<
    ShellServices,
    'onStatusChanged' | 'onDataChanged' | 'notifyResume' | 'notifyOnline' | 'syncService'
  >;
  log: AppLog;
  /** The application menu set now (the account changes replace it). */
  menu(): Menu;
  mainWindow(): BrowserWindow | null;
}

function describePhaseEnd(status: SyncStatus): string {
  if (status.lastError)
    return `Sync finished with an error (${status.lastError.code}): ${status.lastError.message}`;
  return `Sync finished; ${status.pendingOperations} change(s) still pending`;
}

/** Returns the functions that stop each connection. */
export function connectServiceEvents({
  services,
  log,
  menu,
  mainWindow,
}: ServiceEventsOptions): (() => void)[] {
  let previousPhase: SyncPhase['kind'] = 'idle';
  const noticeConflict = createConflictNotice({
    isWindowFocused: () => BrowserWindow.getAllWindows().some((w) => !w.isDestroyed() && w.isFocused()),
    revealWindow: () => revealWindow(mainWindow()),
  });
  const logPhase = (status: SyncStatus): void => {
    if (status.phase.kind === previousPhase) return;
    if (previousPhase === 'idle') log.info(`Sync started (${status.phase.kind})`);
    else if (status.phase.kind === 'idle') {
      const line = describePhaseEnd(status);
      if (status.lastError) log.warn(line);
      else log.info(line);
    }
    previousPhase = status.phase.kind;
  };
  return [
    services.onStatusChanged((status) => {
      broadcast('sync:status-changed', status);
      noticeConflict(status);
      const progress = progressBarValue(status.phase);
      for (const window of BrowserWindow.getAllWindows()) {
        if (!window.isDestroyed()) window.setProgressBar(progress);
      }
      logPhase(status);
      const workOfflineItem: MenuItem | null = menu().getMenuItemById(MENU_IDS.workOffline);
      if (workOfflineItem) workOfflineItem.checked = services.syncService.isWorkingOffline();
    }),
    services.onDataChanged((change) => broadcast('todos:data-changed', change)),
    watchConnectivity({
      powerMonitor,
      isOnline: () => net.isOnline(),
      target: {
        notifyResume: () => services.notifyResume(),
        notifyOnline: (online) => services.notifyOnline(online),
      },
    }),
  ];
}
