/**
 * The composition root of the main process, without electron: the shell calls
 * `createAppServices` with its folders and a logger, registers `handlers` with the IPC
 * dispatcher, forwards `onStatusChanged`/`onDataChanged` to every window, feeds OS events to
 * `notifyResume`/`notifyOnline`, and calls `start()` once the window is up and `close()` on quit.
 * The end-to-end harness builds exactly the same object.
 *
 * What it wires: the store (a file in the user-data folder), the engine (client + sync context
 * following the settings' conflict policy, address and token), the scheduler (when to sync),
 * and the embedded development backend when nothing else is configured.
 */
import path from 'node:path';
import type { DataChanged, IpcHandlers } from '../../common/ipc-contract';
import type { Connectivity, SyncResult, SyncStatus } from '../../common/sync-types';
import { todoTable, type TodoItem } from '../../common/todo-table';
import { openStore, StoreError, type LocalStore } from '../store';
import {
  errorInfo,
  MobileServiceClient,
  Query,
  type EngineStatus,
  type SyncContext,
  type SyncTable,
} from '../sync';
import { LOCAL_ONLY_MESSAGE, type EmbeddedBackend } from './backend-process';
import { describeError } from './errors';
import { createIpcHandlers } from './ipc-handlers';
import { silentLogger, type Logger } from './logger';
import {
  SyncScheduler,
  type BackoffPolicy,
  type SchedulerClock,
  type SchedulerState,
  type SyncKind,
} from './scheduler';
import { SettingsService, type SettingsChange } from './settings';

export const DATABASE_FILE_NAME = 'todo-sync.db';
/** The tables this app syncs, in the order they are pulled. */
export const SYNCED_TABLES = [todoTable] as const;
/** Which backend the local watermarks belong to; a different one means pulling from scratch. */
const WATERMARK_BACKEND_KEY = 'sync.watermarksBackend';

export interface AppServicesOptions {
  /** The app's user-data folder: the database file and the embedded backend's data live here. */
  userDataPath: string;
  /** A backend for this run when none is configured (a launcher or test server); never saved. */
  backendUrl?: string | null;
  /** Read for TODO_BACKEND_URL. */
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  clock?: SchedulerClock;
  /** The OS's view of the network (Electron's net.isOnline); assumed online when absent. */
  isOnline?: () => boolean;
  /** Starts the development backend; called by start() when no backend is configured. */
  startEmbeddedBackend?: () => Promise<EmbeddedBackend>;
  /** Shorter timings for end-to-end tests. */
  pushDebounceMs?: number;
  backoff?: Partial<BackoffPolicy>;
  requestTimeoutMs?: number;
}

/** What the menu and the tray use. */
export interface SyncService {
  syncNow(): Promise<SyncResult>;
  setWorkOffline(workOffline: boolean): void;
  isWorkingOffline(): boolean;
}

export interface AppServices {
  readonly handlers: IpcHandlers;
  readonly syncService: SyncService;
  /** Sentences the person should see once at start (a recovered database, local-only mode...). */
  readonly notices: readonly string[];
  getStatus(): SyncStatus;
  onStatusChanged(listener: (status: SyncStatus) => void): () => void;
  onDataChanged(listener: (change: DataChanged) => void): () => void;
  notifyResume(): void;
  notifyOnline(online: boolean): void;
  /** Starts the embedded backend if needed, then background syncing. */
  start(): Promise<void>;
  /** Stops syncing, the embedded backend, and closes the store. Idempotent. */
  close(): Promise<void>;
  /** The parts, for the harness and diagnostics. */
  readonly parts: {
    store: LocalStore;
    settings: SettingsService;
    scheduler: SyncScheduler;
    client: MobileServiceClient;
    syncContext: SyncContext;
    todos: SyncTable<TodoItem>;
  };
}

/** The app cannot start: the message is for the person (shown in a dialog by the shell). */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const logger = options.logger ?? silentLogger;
  const store = openAppStore(options.userDataPath, logger, options.env?.TODO_SYNC_SQLITE_BINDING);
  const notices: string[] = [];
  if (store.notice) {
    logger.warn(store.notice.message);
    notices.push(store.notice.message);
  }

  try {
    return await assemble(store, options, logger, notices);
  } catch (error) {
    store.close();
    if (error instanceof StartupError) throw error;
    throw new StartupError(`Todo Sync could not start: ${describeError(error)}`, { cause: error });
  }
}

/** `nativeBinding` (TODO_SYNC_SQLITE_BINDING) is for development runs; see OpenStoreOptions. */
function openAppStore(userDataPath: string, logger: Logger, nativeBinding: string | undefined): LocalStore {
  const file = path.join(userDataPath, DATABASE_FILE_NAME);
  try {
    return openStore({ path: file, tables: SYNCED_TABLES, nativeBinding });
  } catch (error) {
    logger.error(`Opening the database ${file} failed`, error);
    const reason = error instanceof StoreError ? error.message : describeError(error);
    throw new StartupError(`Todo Sync could not open its data. ${reason}`, { cause: error });
  }
}

async function assemble(
  store: LocalStore,
  options: AppServicesOptions,
  logger: Logger,
  notices: string[],
): Promise<AppServices> {
  const settings = new SettingsService({ keyValues: store.keyValues, env: options.env ?? {}, logger });
  if (options.backendUrl) settings.setRunDefaultBackendUrl(options.backendUrl);

  const initial = settings.get();
  const client = new MobileServiceClient(initial.backendUrl, {
    authToken: () => settings.get().authToken,
    defaultConflictPolicy: initial.conflictPolicy,
    timeoutMs: options.requestTimeoutMs,
  });
  const syncContext = client.getSyncContext();
  await syncContext.initialize(store);
  const todos = client.getSyncTable(todoTable);

  const isOnline = options.isOnline ?? (() => true);
  const scheduler = new SyncScheduler({
    runSync: (kind) => runSyncPass(kind),
    isOnline,
    intervalMinutes: initial.syncIntervalMinutes,
    clock: options.clock,
    pushDebounceMs: options.pushDebounceMs,
    backoff: options.backoff,
    logger,
  });
  scheduler.setPaused('work-offline', initial.workOffline);
  scheduler.setPaused('no-backend', initial.backendUrl === null);

  // ------------------------------------------------------------ one sync pass

  async function runSyncPass(kind: SyncKind): Promise<SyncResult> {
    const result: SyncResult = { ok: true, pushed: 0, pulled: 0, conflicts: 0, rejected: 0, error: null };
    try {
      forgetWatermarksOfOtherBackend();
      const pushed = await syncContext.push();
      result.pushed = pushed.pushed;
      result.conflicts = pushed.issues.filter((issue) => issue.kind === 'conflict').length;
      result.rejected = pushed.issues.filter((issue) => issue.kind === 'rejected').length;
      if (kind === 'full') {
        for (const table of SYNCED_TABLES) {
          const pulled = await syncContext.pull(new Query(table.name), `all-${table.name}`);
          result.pulled += pulled.upserted + pulled.deleted;
        }
      }
      logger.info(
        `Sync (${kind}) done: ${result.pushed} sent, ${result.pulled} received` +
          (result.conflicts + result.rejected > 0
            ? `, ${result.conflicts} conflicts and ${result.rejected} refused changes left for the person`
            : ''),
      );
    } catch (error) {
      result.ok = false;
      result.error = errorInfo(error);
      logger.warn(`Sync (${kind}) failed (${result.error.code}): ${result.error.message}`);
    }
    return result;
  }

  /** Watermarks say how far we read one server's history; another server's starts over. */
  function forgetWatermarksOfOtherBackend(): void {
    const identity =
      settings.backendUrlSource() === 'run-default' ? 'run-default' : settings.get().backendUrl;
    if (identity === null) return;
    const previous = store.keyValues.get(WATERMARK_BACKEND_KEY);
    if (previous === identity) return;
    store.transaction(() => {
      if (previous !== undefined) for (const table of SYNCED_TABLES) store.watermarks.clearTable(table.name);
      store.keyValues.set(WATERMARK_BACKEND_KEY, identity);
    });
  }

  // ------------------------------------------------------------ status

  const statusListeners = new Set<(status: SyncStatus) => void>();
  let lastStatusFingerprint = '';

  function connectivity(engine: EngineStatus, scheduled: SchedulerState): Connectivity {
    const current = settings.get();
    if (current.backendUrl === null) return 'local-only';
    if (current.workOffline) return 'working-offline';
    if (scheduled.unauthorized || engine.connectivity === 'unauthorized') return 'unauthorized';
    if (!scheduled.online) return 'offline';
    return engine.connectivity;
  }

  function getStatus(): SyncStatus {
    const engine = syncContext.getStatus();
    const scheduled = scheduler.getState();
    return {
      ...engine,
      connectivity: connectivity(engine, scheduled),
      nextSyncAt: scheduled.nextSyncAt?.toISOString() ?? null,
      backendUrl: settings.get().backendUrl,
    };
  }

  function publishStatus(): void {
    if (statusListeners.size === 0) return;
    const status = getStatus();
    const fingerprint = JSON.stringify(status);
    if (fingerprint === lastStatusFingerprint) return;
    lastStatusFingerprint = fingerprint;
    for (const listener of statusListeners) {
      try {
        listener(status);
      } catch (error) {
        logger.error('A status listener failed', error);
      }
    }
  }

  const unsubscribers: (() => void)[] = [
    syncContext.onStatusChanged(publishStatus),
    scheduler.subscribe(publishStatus),
    settings.onChange((change) => {
      applySettingsChange(change);
      publishStatus();
    }),
  ];

  function applySettingsChange({ current, changed }: SettingsChange): void {
    if (changed.has('backendUrl')) {
      client.setApplicationUrl(current.backendUrl);
      scheduler.setPaused('no-backend', current.backendUrl === null);
    }
    if (changed.has('authToken') && current.backendUrl) client.setAuthToken(current.authToken);
    if (changed.has('conflictPolicy')) syncContext.setConflictPolicy(null, current.conflictPolicy);
    if (changed.has('syncIntervalMinutes')) scheduler.setIntervalMinutes(current.syncIntervalMinutes);
    if (changed.has('workOffline')) scheduler.setPaused('work-offline', current.workOffline);
    if (changed.has('backendUrl') || changed.has('authToken')) scheduler.notifyConnectionChanged();
  }

  // ------------------------------------------------------------ lifecycle

  let embedded: EmbeddedBackend | null = null;
  let started = false;
  let closing: Promise<void> | undefined;

  async function start(): Promise<void> {
    if (started || closing) return;
    started = true;
    if (settings.get().backendUrl === null) {
      if (options.startEmbeddedBackend) {
        try {
          embedded = await options.startEmbeddedBackend();
          // The app may have been told to quit while the backend was starting.
          if (closing) {
            await embedded.stop();
            return;
          }
          settings.setRunDefaultBackendUrl(embedded.url);
          embedded.onUnexpectedExit((description) => {
            notices.push(description);
            publishStatus();
          });
        } catch (error) {
          const message = `${describeError(error)} ${LOCAL_ONLY_MESSAGE}`;
          logger.error(message);
          notices.push(message);
        }
      } else {
        logger.info(LOCAL_ONLY_MESSAGE);
        notices.push(LOCAL_ONLY_MESSAGE);
      }
    }
    if (closing) return;
    logger.info(`Syncing with ${settings.get().backendUrl ?? 'no backend (local only)'}`);
    scheduler.start();
    publishStatus();
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      await scheduler.stop();
      for (const unsubscribe of unsubscribers) unsubscribe();
      statusListeners.clear();
      try {
        await embedded?.stop();
      } finally {
        store.close();
      }
    })();
    return closing;
  }

  const handlers = createIpcHandlers({ store, syncContext, todos, scheduler, settings, getStatus });

  return {
    handlers,
    syncService: {
      syncNow: () => scheduler.syncNow(),
      setWorkOffline: (workOffline) => {
        settings.update({ workOffline });
      },
      isWorkingOffline: () => settings.get().workOffline,
    },
    notices,
    getStatus,
    onStatusChanged(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onDataChanged(listener) {
      return syncContext.onDataChanged((tables) => listener({ tables }));
    },
    notifyResume: () => scheduler.notifyResume(),
    notifyOnline: (online) => scheduler.notifyOnline(online),
    start,
    close,
    parts: { store, settings, scheduler, client, syncContext, todos },
  };
}
