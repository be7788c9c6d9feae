/**
 * Quitting waits for the services: the store must close and the embedded backend must not
 * outlive the app. The first will-quit is held until they stopped (or a time limit passed),
 * then quitting resumes.
 */
import { app, BrowserWindow } from 'electron';
import { PROGRESS_NONE } from './progress';
import type { ShellState } from './shell-state';

/** How long quitting waits for the services (store, scheduler, embedded backend) to stop. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

export function withTimeout(task: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([task.then(() => 'done' as const), timeout]).finally(() => clearTimeout(timer));
}

/** Holds the first will-quit until the services stopped; the promise settles then. */
export function quitAfterServicesStop(state: ShellState, started: Promise<void>): Promise<void> {
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  app.on('will-quit', (event) => {
    if (state.shutdown === 'done') return;
    event.preventDefault();
    if (state.shutdown === 'stopping') return;
    state.shutdown = 'stopping';
    void stopServices(state, started).finally(() => {
      state.shutdown = 'done';
      resolveStopped();
      app.quit();
    });
  });
  return stopped;
}

async function stopServices(state: ShellState, started: Promise<void>): Promise<void> {
  await withTimeout(started, SHUTDOWN_TIMEOUT_MS);
  for (const cleanup of state.cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch (error) {
      state.log?.warn('A shutdown step failed', error);
    }
  }
  for (const window of BrowserWindow.getAllWindows()) {
    if (!window.isDestroyed()) window.setProgressBar(PROGRESS_NONE);
  }
  if (state.services) {
    const result = await withTimeout(
      state.services
        .close()
        .catch((error: unknown) => state.log?.error('Stopping the services failed', error)),
      SHUTDOWN_TIMEOUT_MS,
    );
    if (result === 'timeout')
      state.log?.error(`The services did not stop within ${SHUTDOWN_TIMEOUT_MS} ms; quitting anyway`);
  }
  state.log?.info('Stopped');
}
