/**
 * The desktop integration, wired to the services once the window is up: reminders as system
 * notifications (a click opens the todo), the one-time "this server doesn't store…" notice,
 * quick add's global shortcut, the tray icon, and whether closing the window keeps the app in
 * the tray. Each piece lives in its own module; this one only connects them.
 */
import { app } from 'electron';
import type { SyncStatus } from '../../common/sync-types';
import type { SyncService } from '../services/app-services';
import { desktopPreferencesOf } from '../services/desktop-preferences';
import { startDesktopServices, type DesktopServicesHost } from '../services/desktop-services';
import type { Logger } from '../services/logger';
import { broadcast } from './broadcast';
import { registerQuickAddShortcut } from './global-shortcut';
import { createReminderNotifier } from './notifications';
import { createAppTray } from './tray';

export interface DesktopShellServices extends DesktopServicesHost {
  readonly syncService: SyncService;
  getStatus(): SyncStatus;
  onStatusChanged(listener: (status: SyncStatus) => void): () => void;
}

export interface DesktopShell {
  /** Closing the window hides it instead (the person chose to keep the app in the tray). */
  keepInTray(): boolean;
  stop(): void;
}

export interface DesktopShellOptions {
  services: DesktopShellServices;
  /** Brings the window forward, opening it again if it was closed. */
  revealWindow(): void;
  iconPath: string;
  platform: NodeJS.Platform;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export function startDesktopShell(options: DesktopShellOptions): DesktopShell {
  const { services, revealWindow, logger } = options;
  const preferences = desktopPreferencesOf(services.parts.store.keyValues);
  const stops: (() => void)[] = [];

  const quickAdd = (): void => {
    revealWindow();
    broadcast('todos:focus-add', {});
  };

  const desktop = startDesktopServices(
    services,
    {
      showReminders: (reminders, missed) => notifier.show(reminders, missed),
      notice: (message) => {
        logger.info(message);
        broadcast('app:notice', { message });
      },
    },
    { logger },
  );
  const notifier = createReminderNotifier({
    onClick: (todoId) => {
      revealWindow();
      const item = desktop.lookupTodo(todoId);
      if (item) broadcast('todos:reveal', { item });
    },
  });
  stops.push(() => desktop.stop());

  stops.push(startQuickAddShortcut(preferences, quickAdd, logger));
  const stopTray = startTray(options, quickAdd);
  if (stopTray) stops.push(stopTray);
  const hasTray = stopTray !== null;

  return {
    // Without a tray icon a hidden window could never come back.
    keepInTray: () => hasTray && preferences.get().keepInTray,
    stop() {
      for (const stop of stops.splice(0).reverse()) {
        try {
          stop();
        } catch (error) {
          logger.warn('Stopping the desktop integration failed', error);
        }
      }
    },
  };
}

type DesktopPreferences = ReturnType<typeof desktopPreferencesOf>;

/** The global shortcut, following the preference; a key another app holds is reported, not fatal. */
function startQuickAddShortcut(
  preferences: DesktopPreferences,
  quickAdd: () => void,
  logger: Pick<Logger, 'warn'>,
): () => void {
  const shortcut = registerQuickAddShortcut(preferences.get().quickAddShortcut, quickAdd);
  const reportShortcut = (problem: string | null): void => {
    preferences.setShortcutProblem(problem);
    if (problem) logger.warn(`Quick add shortcut: ${problem}`);
  };
  reportShortcut(shortcut.problem);
  const stopFollowing = preferences.onChange((next) =>
    reportShortcut(shortcut.change(next.quickAddShortcut)),
  );
  return () => {
    stopFollowing();
    shortcut.dispose();
  };
}

/** The tray icon, kept in step with the sync status; null where the desktop has no tray. */
function startTray(options: DesktopShellOptions, quickAdd: () => void): (() => void) | null {
  const { services, logger } = options;
  try {
    const state = (status: SyncStatus) => ({
      pendingOperations: status.pendingOperations,
      workingOffline: services.syncService.isWorkingOffline(),
    });
    const tray = createAppTray({
      iconPath: options.iconPath,
      platform: options.platform,
      initial: state(services.getStatus()),
      actions: {
        showWindow: options.revealWindow,
        quickAdd,
        syncNow: () => {
          services.syncService
            .syncNow()
            .catch((error: unknown) => logger.warn('Sync Now from the tray failed', error));
        },
        setWorkOffline: (workOffline) => services.syncService.setWorkOffline(workOffline),
        quit: () => app.quit(),
      },
    });
    const stopFollowing = services.onStatusChanged((status) => tray.update(state(status)));
    return () => {
      stopFollowing();
      tray.destroy();
    };
  } catch (error) {
    // Some Linux desktops have no tray at all: the app works without it.
    logger.warn('No tray icon on this desktop', error);
    return null;
  }
}
