/**
 * Feeds the OS's view of power and network to the sync scheduler: a wake from sleep, and each
 * change of "online" (Electron has no online/offline event in main, so `isOnline` is polled;
 * only changes are reported). No Electron import: the shell passes powerMonitor and
 * net.isOnline in, and tests pass fakes.
 */

export interface ConnectivityTarget {
  notifyResume(): void;
  notifyOnline(online: boolean): void;
}

export interface PowerEvents {
  on(event: 'resume', listener: () => void): unknown;
  removeListener(event: 'resume', listener: () => void): unknown;
}

export interface ConnectivityTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface ConnectivityOptions {
  powerMonitor: PowerEvents;
  isOnline(): boolean;
  target: ConnectivityTarget;
  pollIntervalMs?: number;
  timers?: ConnectivityTimers;
}

export const DEFAULT_ONLINE_POLL_MS = 10_000;

const systemTimers: ConnectivityTimers = {
  // unref: polling alone must never keep a process alive (tests, a quitting app).
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

/** Starts watching; the returned function stops it. */
export function watchConnectivity({
  powerMonitor,
  isOnline,
  target,
  pollIntervalMs = DEFAULT_ONLINE_POLL_MS,
  timers = systemTimers,
}: ConnectivityOptions): () => void {
  let lastOnline = isOnline();

  const checkNetwork = (): void => {
    const online = isOnline();
    if (online === lastOnline) return;
    lastOnline = online;
    target.notifyOnline(online);
  };
  const onResume = (): void => {
    // The network often changed during sleep; report that first so the resume sync sees it.
    checkNetwork();
    target.notifyResume();
  };

  powerMonitor.on('resume', onResume);
  const poll = timers.setInterval(checkNetwork, pollIntervalMs);
  return () => {
    powerMonitor.removeListener('resume', onResume);
    timers.clearInterval(poll);
  };
}
