/**
 * The one application window. Its renderer is untrusted as far as main is concerned: it runs
 * sandboxed, isolated from the preload, without Node, and can only reach main through the
 * contract's IPC channels (see preload/index.ts and main/ipc/dispatch.ts).
 */
import { BrowserWindow, screen, type WebPreferences } from 'electron';
import type { Logger } from '../services/logger';
import { loadWindowState, MIN_WINDOW_SIZE, saveWindowState } from './window-state';

/**
 * Every security-relevant option spelled out, so a default changing upstream cannot loosen one.
 * `enableBlinkFeatures` is deliberately absent: it would switch on experimental web platform
 * features the CSP and sandbox were not reviewed against. DevTools stay closed unless asked for
 * (a development run): in a packaged app they would let anyone at the keyboard call the bridge.
 */
export function secureWebPreferences(
  preloadPath: string,
  options: { devTools?: boolean } = {},
): WebPreferences {
  return {
    preload: preloadPath,
    devTools: options.devTools ?? false,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
  };
}

export interface MainWindowOptions {
  title: string;
  preloadPath: string;
  /** The renderer's URL: app://todo-sync/index.html, or the dev server in development. */
  entryUrl: string;
  /** Where window-state.json lives. */
  userDataDir: string;
  logger: Pick<Logger, 'warn' | 'error'>;
  icon?: string;
  /** Only an unpackaged development run may open DevTools; closed when absent. */
  devTools?: boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const state = loadWindowState(
    options.userDataDir,
    screen.getAllDisplays().map((display) => display.workArea),
  );

  const window = new BrowserWindow({
    title: options.title,
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    // Shown once the first paint is ready, so the window does not flash white.
    show: false,
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: secureWebPreferences(options.preloadPath, { devTools: options.devTools ?? false }),
  });

  window.once('ready-to-show', () => {
    if (state.maximized) window.maximize();
    window.show();
  });

  window.on('close', () => {
    try {
      saveWindowState(options.userDataDir, window.getNormalBounds(), window.isMaximized());
    } catch (error) {
      options.logger.warn('Could not remember the window position', error);
    }
  });

  window.loadURL(options.entryUrl).catch((error: unknown) => {
    options.logger.error(`Could not load the window's page ${options.entryUrl}`, error);
  });
  return window;
}

/** Brings the window to the front, restoring it if minimized (a second launch does this). */
export function revealWindow(window: BrowserWindow | null): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
