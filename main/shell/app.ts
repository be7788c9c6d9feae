/**
 * The Electron shell: process lifetime, the window, the menu, IPC registration, events to the
 * renderer and OS signals to the scheduler. Everything the app *does* lives in the services,
 * which the entry point (main/index.ts) creates through `createServices`; this module only
 * connects them to Electron, so it can be tested with a mocked `electron` and fake services.
 * `runApp` and `start` list the steps in order; each lives below or in its own module.
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, net, session, shell } from 'electron';
import { createIpcDispatcher } from '../ipc/dispatch';
import { APP_ENTRY_URL, APP_ORIGIN, createTrustedSenderCheck, originOf } from '../ipc/trusted-sender';
import { installAppMenu } from './app-menu';
import { registerAppScheme, serveRendererOverAppProtocol } from './app-protocol';
import { registerIpcHandlers } from './ipc';
import { createAppLog, type AppLog } from './logging';
import { denyAllPermissions } from './permissions';
import { connectServiceEvents } from './service-events';
import type { CreateShellServices, ShellServices, ShellServicesContext } from './shell-services';
import { initialShellState, type ShellState } from './shell-state';
import { quitAfterServicesStop, SHUTDOWN_TIMEOUT_MS, withTimeout } from './shutdown';
import { createSignInUi, isSignInContents, safeStorageCipher } from './sign-in-window';
import { guardWebContents } from './web-contents-guard';
import { createMainWindow, revealWindow } from './window';

export type { CreateShellServices, ShellServices, ShellServicesContext } from './shell-services';
export { SHUTDOWN_TIMEOUT_MS } from './shutdown';

export const APP_NAME = 'Todo Sync';
/** Must equal electron-builder.yml's appId: Windows groups taskbar entries and notifications by it. */
export const APP_USER_MODEL_ID = 'app.todosync.TodoSync';
/** Runs the app on another data folder, e.g. two copies syncing through one local server. */
export const USER_DATA_DIR_ENV = 'TODO_SYNC_USER_DATA_DIR';

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

/** What runApp works out before Electron is ready, for the steps after. */
interface Launch {
  readonly options: RunAppOptions;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  /** The dev server's page in `npm run dev`, else the app:// entry. */
  readonly entryUrl: string;
  readonly trustedOrigins: string[];
}

/**
 * Starts the app. Call once, at load time: some steps (the app:// scheme, the single-instance
 * lock) must happen before Electron is ready.
 */
export function runApp(options: RunAppOptions): RunningApp {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  if (!claimInstance(env, platform)) {
    const done = Promise.resolve();
    return { started: done, stopped: done };
  }
  const launch: Launch = { options, env, platform, ...rendererEntry(env) };
  const state = initialShellState();
  const window = mainWindowOpener(state, launch);
  listenToAppEvents(state, window, platform);
  const started = app
    .whenReady()
    .then(() => start(state, launch, window))
    .catch((error: unknown) => failStart(state, error));
  const stopped = quitAfterServicesStop(state, started);
  return { started, stopped };
}

/** The steps before Electron is ready; false when another copy already runs on this data folder. */
function claimInstance(env: Launch['env'], platform: NodeJS.Platform): boolean {
  registerAppScheme();
  // Before the lock: the single-instance lock belongs to the data folder, so copies with
  // different folders may run side by side.
  const userDataOverride = env[USER_DATA_DIR_ENV]?.trim();
  if (userDataOverride) app.setPath('userData', path.resolve(userDataOverride));
  if (!app.requestSingleInstanceLock()) {
    // Another Todo Sync is running; it receives 'second-instance' and comes to the front.
    app.quit();
    return false;
  }
  if (platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  return true;
}

function rendererEntry(env: Launch['env']): Pick<Launch, 'entryUrl' | 'trustedOrigins'> {
  // Only an unpackaged app run by `npm run dev` loads the dev server; its origin is then trusted too.
  const devServerUrl = !app.isPackaged ? env.ELECTRON_RENDERER_URL : undefined;
  return {
    entryUrl: devServerUrl ?? APP_ENTRY_URL,
    trustedOrigins: [APP_ORIGIN, ...(devServerUrl ? [originOf(new URL(devServerUrl))] : [])],
  };
}

interface MainWindowOpener {
  open(): BrowserWindow;
  readonly control: ShellWindowControl;
}

function mainWindowOpener(state: ShellState, { options, entryUrl }: Launch): MainWindowOpener {
  const open = (): BrowserWindow => {
    const window = createMainWindow({
      title: APP_NAME,
      preloadPath: path.join(options.outDir, 'preload', 'index.js'),
      entryUrl,
      userDataDir: app.getPath('userData'),
      logger: state.log ?? console,
      devTools: !app.isPackaged,
    });
    window.on('closed', () => {
      if (state.mainWindow === window) state.mainWindow = null;
    });
    window.on('close', (event) => {
      // Quitting (the tray's Quit, Cmd+Q) still closes it.
      if (state.shutdown !== 'running' || state.quitRequested || !options.keepInTray?.()) return;
      event.preventDefault();
      window.hide();
    });
    state.mainWindow = window;
    return window;
  };
  const control: ShellWindowControl = {
    revealWindow: () => {
      if (!state.mainWindow || state.mainWindow.isDestroyed()) open();
      else revealWindow(state.mainWindow);
    },
  };
  return { open, control };
}

function listenToAppEvents(state: ShellState, window: MainWindowOpener, platform: NodeJS.Platform): void {
  app.on('second-instance', () => revealWindow(state.mainWindow));
  app.on('web-contents-created', (_event, contents) => {
    // The sign-in window keeps its own rules (sign-in-window.ts): it must reach identity providers.
    if (isSignInContents(contents)) return;
    guardWebContents(contents, {
      openExternal: (url) => shell.openExternal(url),
      logger: state.log ?? console,
    });
  });
  app.on('before-quit', () => {
    state.quitRequested = true;
  });
  app.on('activate', () => {
    // macOS: clicking the dock icon with no window open opens one again.
    if (state.services && BrowserWindow.getAllWindows().length === 0) window.open();
  });
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
}

async function start(state: ShellState, launch: Launch, window: MainWindowOpener): Promise<void> {
  const { options, platform } = launch;
  const userDataDir = app.getPath('userData');
  const log = startLogging(state, launch, userDataDir);
  denyAllPermissions(session.defaultSession, log);
  serveRendererOverAppProtocol(path.join(options.outDir, 'renderer'));

  const context = servicesContext(state, launch, userDataDir, log);
  const services = await options.createServices(context);
  state.services = services;
  const dispatch = createIpcDispatcher({
    handlers: services.handlers,
    isTrustedSender: createTrustedSenderCheck(launch.trustedOrigins),
    logger: log,
  });
  state.cleanups.push(registerIpcHandlers(dispatch));
  const mainWindow = (): BrowserWindow | null => state.mainWindow;
  const menu = installAppMenu({ appName: APP_NAME, platform, services, userDataDir, log, mainWindow });
  state.cleanups.push(menu.stop, ...connectServiceEvents({ services, log, menu: menu.current, mainWindow }));

  const opened = window.open();
  log.info('Window opened');
  await services.start();
  const stopExtra = options.afterStart?.(context, services, window.control);
  if (stopExtra) state.cleanups.push(stopExtra);
  showStartupNotices(opened, services.notices, options.quietNotices, log);
}

/** The log file (and console), and unhandled rejections into it until quit. */
function startLogging(state: ShellState, { options, platform }: Launch, userDataDir: string): AppLog {
  const log = createAppLog({
    directory: path.join(userDataDir, 'logs'),
    consoleLevel: options.logToConsole === false ? false : 'info',
  });
  state.log = log;
  log.info(
    `${APP_NAME} ${app.getVersion()} starting (Electron ${process.versions.electron ?? '?'}, ${platform}, ` +
      `${app.isPackaged ? 'packaged' : 'development'}); data in ${userDataDir}`,
  );
  const logRejection = (reason: unknown): void => log.error('Unhandled promise rejection', reason);
  process.on('unhandledRejection', logRejection);
  state.cleanups.push(() => process.removeListener('unhandledRejection', logRejection));
  return log;
}

function servicesContext(
  state: ShellState,
  { env, platform }: Launch,
  userDataDir: string,
  log: AppLog,
): ShellServicesContext {
  return {
    userDataDir,
    appPath: app.getAppPath(),
    isPackaged: app.isPackaged,
    logger: log,
    isOnline: () => net.isOnline(),
    env,
    tokenCipher: safeStorageCipher(platform),
    loginUi: createSignInUi({ parent: () => state.mainWindow, logger: log }),
  };
}

function showStartupNotices(
  window: BrowserWindow,
  all: readonly string[],
  quietNotices: readonly string[] | undefined,
  log: AppLog,
): void {
  const quiet = new Set(quietNotices ?? []);
  const notices = all.filter((notice) => !quiet.has(notice));
  if (notices.length === 0 || window.isDestroyed()) return;
  dialog
    .showMessageBox(window, {
      type: 'info',
      title: APP_NAME,
      message: APP_NAME,
      detail: notices.join('\n\n'),
    })
    .catch((error: unknown) => log.warn('Could not show the start-up notices', error));
}

async function failStart(state: ShellState, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  (state.log ?? console).error('Todo Sync could not start', error);
  // Services that did start (an embedded backend) must not outlive the failed start.
  if (state.services)
    await withTimeout(
      state.services.close().catch(() => undefined),
      SHUTDOWN_TIMEOUT_MS,
    );
  dialog.showErrorBox(`${APP_NAME} could not start`, message);
  app.exit(1);
}
