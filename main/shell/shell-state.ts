/**
 * What the shell's start-up steps fill in, and what its event handlers and quitting read: an
 * event may come before start-up got that far (a quit during start-up, a second instance
 * before the window), so each of them checks what is there yet.
 */
import type { BrowserWindow } from 'electron';
import type { AppLog } from './logging';
import type { ShellServices } from './shell-services';

export interface ShellState {
  log: AppLog | null;
  services: ShellServices | null;
  mainWindow: BrowserWindow | null;
  /** The shell's own connections (IPC, events, extras), undone last first on quit. */
  readonly cleanups: (() => void)[];
  /** Set by before-quit: closing the window then closes it even when the tray keeps the app. */
  quitRequested: boolean;
  shutdown: 'running' | 'stopping' | 'done';
}

export function initialShellState(): ShellState {
  return {
    log: null,
    services: null,
    mainWindow: null,
    cleanups: [],
    quitRequested: false,
    shutdown: 'running',
  };
}
