/**
 * The sync status the windows, the tray and the menu show: the engine's own status, with the
 * settings and the scheduler deciding what "connected" means (no backend, working offline,
 * signed out, the network down). Listeners hear only real changes: the scheduler and the
 * engine both report often, mostly with nothing new.
 */
import type { Connectivity, SyncStatus } from '../../common/sync-types';
import type { EngineStatus, SyncContext } from '../sync';
import type { Logger } from './logger';
import type { SchedulerState, SyncScheduler } from './scheduler';
import type { SettingsService } from './settings';

export interface StatusFeedOptions {
  settings: SettingsService;
  scheduler: Pick<SyncScheduler, 'getState'>;
  /** Read at each use: the engine changes when another account signs in. */
  syncContext(): SyncContext;
  logger: Logger;
}

export interface StatusFeed {
  get(): SyncStatus;
  /** Tells the listeners, when the status differs from what they heard last. */
  publish(): void;
  subscribe(listener: (status: SyncStatus) => void): () => void;
  /** Publishes on the current engine's status changes (again: the account switched). */
  watchEngine(): void;
  unwatchEngine(): void;
  clear(): void;
}

export function createStatusFeed({
  settings,
  scheduler,
  syncContext,
  logger,
}: StatusFeedOptions): StatusFeed {
  const listeners = new Set<(status: SyncStatus) => void>();
  let lastFingerprint = '';
  let unwatch: (() => void) | undefined;

  function connectivity(engine: EngineStatus, scheduled: SchedulerState): Connectivity {
    const current = settings.get();
    if (current.backendUrl === null) return 'local-only';
    if (current.workOffline) return 'working-offline';
    if (scheduled.unauthorized || engine.connectivity === 'unauthorized') return 'unauthorized';
    if (!scheduled.online) return 'offline';
    return engine.connectivity;
  }

  function get(): SyncStatus {
    const engine = syncContext().getStatus();
    const scheduled = scheduler.getState();
    return {
      ...engine,
      connectivity: connectivity(engine, scheduled),
      nextSyncAt: scheduled.nextSyncAt?.toISOString() ?? null,
      backendUrl: settings.get().backendUrl,
    };
  }

  function publish(): void {
    if (listeners.size === 0) return;
    const status = get();
    const fingerprint = JSON.stringify(status);
    if (fingerprint === lastFingerprint) return;
    lastFingerprint = fingerprint;
    for (const listener of listeners) {
      try {
        listener(status);
      } catch (error) {
        logger.error('A status listener failed', error);
      }
    }
  }

  return {
    get,
    publish,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watchEngine() {
      unwatch?.();
      unwatch = syncContext().onStatusChanged(publish);
    },
    unwatchEngine() {
      unwatch?.();
      unwatch = undefined;
    },
    clear: () => listeners.clear(),
  };
}
