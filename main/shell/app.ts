/**
 * The Electron shell: process lifetime, the window, the menu, IPC registration, events to the
 * renderer and OS signals to the scheduler. Everything the app *does* lives in the services,
 * which the entry point (main/index.ts) creates through `createServices`; this module only
 * connects them to Electron, so it can be tested with a mocked `electron` and fake services.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, Menu, net, powerMonitor, session, shell, type MenuItem } from 'electron';
import type { DataChanged, IpcHandlers } from '../../common/ipc-contract';
import type { SyncPhase, SyncStatus } from '../../common/sync-types';
import { createIpcDispatcher } from '../ipc/dispatch';
import { APP_ENTRY_URL, APP_ORIGIN, createTrustedSenderCheck, originOf } from '../ipc/trusted-sender';
import { registerAppScheme, serveRendererOverAppProtocol } from './app-protocol';
import { broadcast } from './broadcast';
import { createConflictNotice } from './conflict-notice';
import { watchConnectivity } from './connectivity';
import { registerIpcHandlers } from './ipc';
import { createAppLog, type AppLog } from './logging';
import { aboutDetail, buildMenuTemplate, MENU_IDS, type MenuSyncService } from './menu';
import { denyAllPermissions } from './permissions';
import { progressBarValue, PROGRESS_NONE } from './progress';
import { guardWebContents } from './web-contents-guard';
import { createMainWindow, revealWindow } from './window';
import {
  createSignInUi,
  isSignInContents,
  safeStorageCipher,
  signOutAsking,
  type SignInUi,
} from './sign-in-window';
import type { AccountService } from '../services/ipc-handlers';
import type { AccountView } from '../../common/ipc-contract';
import type { TokenCipher } from '../services/settings';

export const APP_NAME = 'Todo Sync';
/** Must equal electron-builder.yml's appId: Windows groups taskbar entries and notifications by it. */
export const APP_USER_MODEL_ID = 'app.todosync.TodoSync';
/** How long quitting waits for the services (store, scheduler, embedded backend) to stop. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;
/** Runs the app on another data folder, e.g. two copies syncing through one local server. */
export const USER_DATA_DIR_ENV = 'TODO_SYNC_USER_DATA_DIR';

/**
 * What the shell needs from the services layer; main/services/app-services.ts's AppServices
 * has this shape.
 */
export interface ShellServices {
  /** One handler per contract channel; the shell puts the dispatcher's checks in front. */
  readonly handlers: IpcHandlers;
  /** Driven by the menu: Sync Now and Work Offline. */
  readonly syncService: MenuSyncService;
  /** Sentences for the person at start (a recovered database, a backend that failed to start...). */
  readonly notices: readonly string[];
  onStatusChanged(listener: (status: SyncStatus) => void): () => void;
  onDataChanged(listener: (change: DataChanged) => void): () => void;
  notifyResume(): void;
  notifyOnline(online: boolean): void;
  /** Starts background syncing (and the embedded backend when one is needed); after the window is up. */
  start(): Promise<void>;
  /** Stops the scheduler and the embedded backend and closes the store. */
  close(): Promise<void>;
  /** Signing in and out, for the Account menu (absent: no Account menu). */
  readonly account?: AccountService;
  onAccountChanged?(listener: (account: AccountView) => void): () => void;
}

export interface ShellServicesContext {
  /** Electron's userData folder: the database, settings, logs and window state live here. */
  userDataDir: string;
  /** The app's root: the project folder in development (package.json, scripts/), app.asar when packaged. */
  appPath: string;
  isPackaged: boolean;
  logger: AppLog;
  /** The OS's view of the network (net.isOnline). */
  isOnline(): boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** safeStorage's encrypt/decrypt pair for the sign-in token (absent where unavailable). */
  tokenCipher?: TokenCipher;
  /** The sign-in window (main/shell/sign-in-window.ts). */
  loginUi: SignInUi;
}

export type CreateShellServices = (context: ShellServicesContext) => Promise<ShellServices>;

/** What start-up extras (the tray, quick add) may do with the main window. */
export interface ShellWindowControl {
  /** Brings the window forward, opening it again if it was closed. */
  revealWindow(): void;
}

export interface RunAppOptions {
  createServices: CreateShellServices;
  /**
   * Extra start-up work once the window is up and the services run (auto-update...); the
   * function it returns runs on quit.
   */
  afterStart?: (
    context: ShellServicesContext,
    services: ShellServices,
    window: ShellWindowControl,
  ) => (() => void) | void;
  /** Closing the window hides it (the app stays in the tray) while this answers true. */
  keepInTray?: () => boolean;
  /** Notices the status bar already shows, so they need no dialog (the local-only sentence). */
  quietNotices?: readonly string[];
  /** The build output folder holding preload/ and renderer/ (out/). */
  outDir: string;
  env?: Readonly<Record<string, string | undefined>>;
  platform?: NodeJS.Platform;
  /** Also log to the console (off in tests). */
  logToConsole?: boolean;
}

export interface RunningApp {
  /** Settles once start-up has finished (or failed and quit). */
  readonly started: Promise<void>;
  /** Settles once quitting has stopped the services. */
  readonly stopped: Promise<void>;
}

function withTimeout(task: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([task.then(() => 'done' as const), timeout]).finally(() => clearTimeout(timer));
}

function describePhaseEnd(status: SyncStatus): string {
  if (status.lastError)
    return `Sync finished with an error (${status.lastError.code}): ${status.lastError.message}`;
  return `Sync finished; ${status.pendingOperations} change(s) still pending`;
}

/**
 * Starts the app. Call once, at load time: some steps (the app:// scheme, the single-instance
 * lock) must happen before Electron is ready.
 */
export function runApp(options: RunAppOptions): RunningApp {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;

  registerAppScheme();

  // Before the lock: the single-instance lock belongs to the data folder, so copies with
  // different folders may run side by side.
  const userDataOverride = env[USER_DATA_DIR_ENV]?.trim();
  if (userDataOverride) app.setPath('userData', path.resolve(userDataOverride));

  if (!app.requestSingleInstanceLock()) {
    // Another Todo Sync is running; it receives 'second-instance' and comes to the front.
    app.quit();
    const done = Promise.resolve();
    return { started: done, stopped: done };
  }
  if (platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

  // Only an unpackaged app run by `npm run dev` loads the dev server; its origin is then trusted too.
  const devServerUrl = !app.isPackaged ? env.ELECTRON_RENDERER_URL : undefined;
  const entryUrl = devServerUrl ?? APP_ENTRY_URL;
  const trustedOrigins = [APP_ORIGIN, ...(devServerUrl ? [originOf(new URL(devServerUrl))] : [])];

  let log: AppLog | null = null;
  let services: ShellServices | null = null;
  let mainWindow: BrowserWindow | null = null;
  const cleanups: (() => void)[] = [];

  app.on('second-instance', () => revealWindow(mainWindow));

  app.on('web-contents-created', (_event, contents) => {
    // The sign-in window keeps its own rules (sign-in-window.ts): it must reach identity providers.
    if (isSignInContents(contents)) return;
    guardWebContents(contents, { openExternal: (url) => shell.openExternal(url), logger: log ?? console });
  });

  const openWindow = (): BrowserWindow => {
    const window = createMainWindow({
      title: APP_NAME,
      preloadPath: path.join(options.outDir, 'preload', 'index.js'),
      entryUrl,
      userDataDir: app.getPath('userData'),
      logger: log ?? console,
      devTools: !app.isPackaged,
    });
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
    window.on('close', (event) => {
      // Quitting (the tray's Quit, Cmd+Q) still closes it.
      if (shutdown !== 'running' || quitRequested || !options.keepInTray?.()) return;
      event.preventDefault();
      window.hide();
    });
    mainWindow = window;
    return window;
  };
  let quitRequested = false;
  app.on('before-quit', () => {
    quitRequested = true;
  });
  const windowControl: ShellWindowControl = {
    revealWindow: () => {
      if (!mainWindow || mainWindow.isDestroyed()) openWindow();
      else revealWindow(mainWindow);
    },
  };

  const start = async (): Promise<void> => {
    const userDataDir = app.getPath('userData');
    const appLog = createAppLog({
      directory: path.join(userDataDir, 'logs'),
      consoleLevel: options.logToConsole === false ? false : 'info',
    });
    log = appLog;
    appLog.info(
      `${APP_NAME} ${app.getVersion()} starting (Electron ${process.versions.electron ?? '?'}, ${platform}, ` +
        `${app.isPackaged ? 'packaged' : 'development'}); data in ${userDataDir}`,
    );
    const logRejection = (reason: unknown): void => appLog.error('Unhandled promise rejection', reason);
    process.on('unhandledRejection', logRejection);
    cleanups.push(() => process.removeListener('unhandledRejection', logRejection));

    denyAllPermissions(session.defaultSession, appLog);
    serveRendererOverAppProtocol(path.join(options.outDir, 'renderer'));

    const context: ShellServicesContext = {
      userDataDir,
      appPath: app.getAppPath(),
      isPackaged: app.isPackaged,
      logger: appLog,
      isOnline: () => net.isOnline(),
      env,
      tokenCipher: safeStorageCipher(platform),
      loginUi: createSignInUi({ parent: () => mainWindow, logger: appLog }),
    };
    const created = await options.createServices(context);
    services = created;

    const dispatch = createIpcDispatcher({
      handlers: created.handlers,
      isTrustedSender: createTrustedSenderCheck(trustedOrigins),
      logger: appLog,
    });
    cleanups.push(registerIpcHandlers(dispatch));

    const { account } = created;
    const buildMenu = (): Menu =>
      Menu.buildFromTemplate(
        buildMenuTemplate({
          platform,
          isDev: !app.isPackaged,
          appName: APP_NAME,
          version: app.getVersion(),
          syncService: created.syncService,
          actions: {
            openDataFolder: async () => {
              const problem = await shell.openPath(userDataDir);
              if (problem) appLog.warn(`Could not open the data folder: ${problem}`);
            },
            showLogs: async () => {
              if (existsSync(appLog.filePath)) {
                shell.showItemInFolder(appLog.filePath);
                return;
              }
              const problem = await shell.openPath(appLog.directory);
              if (problem) appLog.warn(`Could not open the logs folder: ${problem}`);
            },
            showAbout: () => {
              const detail = aboutDetail(APP_NAME, app.getVersion(), process.versions);
              const about = {
                type: 'info' as const,
                title: `About ${APP_NAME}`,
                message: APP_NAME,
                detail,
                buttons: ['OK'],
              };
              return mainWindow ? dialog.showMessageBox(mainWindow, about) : dialog.showMessageBox(about);
            },
            // To the window in front (a quick-add window included), else the main one.
            sendToWindow: (command) => {
              const target = BrowserWindow.getFocusedWindow() ?? mainWindow;
              if (target && !target.isDestroyed()) target.webContents.send('app:command', { command });
            },
          },
          account: account && {
            ...account.view(),
            signIn: (provider) => account.signIn(provider),
            signOut: () =>
              signOutAsking({
                account,
                exportUnsynced: () => created.handlers['data:export-unsynced'](undefined),
                parent: mainWindow,
              }),
          },
          onError: (error, action) => appLog.error(`Menu action "${action}" failed`, error),
        }),
      );
    let menu = buildMenu();
    Menu.setApplicationMenu(menu);
    // "Signed in as …" is a label: Electron redraws a menu only when it is set again.
    if (created.onAccountChanged) {
      cleanups.push(
        created.onAccountChanged(() => {
          menu = buildMenu();
          Menu.setApplicationMenu(menu);
        }),
      );
    }

    let previousPhase: SyncPhase['kind'] = 'idle';
    const noticeConflict = createConflictNotice({
      isWindowFocused: () => BrowserWindow.getAllWindows().some((w) => !w.isDestroyed() && w.isFocused()),
      revealWindow: () => revealWindow(mainWindow),
    });
    cleanups.push(
      created.onStatusChanged((status) => {
        broadcast('sync:status-changed', status);
        noticeConflict(status);
        const progress = progressBarValue(status.phase);
        for (const window of BrowserWindow.getAllWindows()) {
          if (!window.isDestroyed()) window.setProgressBar(progress);
        }
        if (status.phase.kind !== previousPhase) {
          if (previousPhase === 'idle') appLog.info(`Sync started (${status.phase.kind})`);
          else if (status.phase.kind === 'idle') {
            const line = describePhaseEnd(status);
            if (status.lastError) appLog.warn(line);
            else appLog.info(line);
          }
          previousPhase = status.phase.kind;
        }
        const workOfflineItem: MenuItem | null = menu.getMenuItemById(MENU_IDS.workOffline);
        if (workOfflineItem) workOfflineItem.checked = created.syncService.isWorkingOffline();
      }),
      created.onDataChanged((change) => broadcast('todos:data-changed', change)),
      watchConnectivity({
        powerMonitor,
        isOnline: () => net.isOnline(),
        target: {
          notifyResume: () => created.notifyResume(),
          notifyOnline: (online) => created.notifyOnline(online),
        },
      }),
    );

    const window = openWindow();
    appLog.info('Window opened');

    await created.start();
    const stopExtra = options.afterStart?.(context, created, windowControl);
    if (stopExtra) cleanups.push(stopExtra);

    const quiet = new Set(options.quietNotices ?? []);
    const notices = created.notices.filter((notice) => !quiet.has(notice));
    if (notices.length > 0 && !window.isDestroyed()) {
      dialog
        .showMessageBox(window, {
          type: 'info',
          title: APP_NAME,
          message: APP_NAME,
          detail: notices.join('\n\n'),
        })
        .catch((error: unknown) => appLog.warn('Could not show the start-up notices', error));
    }
  };

  const started = app
    .whenReady()
    .then(start)
    .catch(async (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      (log ?? console).error('Todo Sync could not start', error);
      // Services that did start (an embedded backend) must not outlive the failed start.
      if (services)
        await withTimeout(
          services.close().catch(() => undefined),
          SHUTDOWN_TIMEOUT_MS,
        );
      dialog.showErrorBox(`${APP_NAME} could not start`, message);
      app.exit(1);
    });

  app.on('activate', () => {
    // macOS: clicking the dock icon with no window open opens one again.
    if (services && BrowserWindow.getAllWindows().length === 0) openWindow();
  });

  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });

  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  let shutdown: 'running' | 'stopping' | 'done' = 'running';

  const stopServices = async (): Promise<void> => {
    await withTimeout(started, SHUTDOWN_TIMEOUT_MS);
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        cleanup();
      } catch (error) {
        log?.warn('A shutdown step failed', error);
      }
    }
    for (const window of BrowserWindow.getAllWindows()) {
      if (!window.isDestroyed()) window.setProgressBar(PROGRESS_NONE);
    }
    if (services) {
      const result = await withTimeout(
        services.close().catch((error: unknown) => log?.error('Stopping the services failed', error)),
        SHUTDOWN_TIMEOUT_MS,
      );
      if (result === 'timeout')
        log?.error(`The services did not stop within ${SHUTDOWN_TIMEOUT_MS} ms; quitting anyway`);
    }
    log?.info('Stopped');
  };

  // Quitting waits for the services: the store must close and the embedded backend must not
  // outlive the app. The first will-quit is held until they stopped, then quitting resumes.
  app.on('will-quit', (event) => {
    if (shutdown === 'done') return;
    event.preventDefault();
    if (shutdown === 'stopping') return;
    shutdown = 'stopping';
    void stopServices().finally(() => {
      shutdown = 'done';
      resolveStopped();
      app.quit();
    });
  });

  return { started, stopped };
}
