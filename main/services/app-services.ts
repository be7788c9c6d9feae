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
import type { AccountView, DataChanged, IpcHandlers } from '../../common/ipc-contract';
import type { Connectivity, SyncResult, SyncStatus } from '../../common/sync-types';
import { todoTable, type TodoItem } from '../../common/todo-table';
import { openStore, StoreError, type LocalStore } from '../store';
import {
  errorInfo,
  MobileServiceClient,
  runSyncPass as runSyncPassOf,
  type EngineStatus,
  type SyncContext,
  type SyncTable,
} from '../sync';
import type { LoginUi } from '../sync/client';
import {
  accountDatabasePath,
  describeAccount,
  OPEN_ACCOUNT,
  prepareDatabaseFile,
  preparePrivateFolder,
  restrictDatabaseFiles,
  sameAccount,
  type AccountKey,
} from './account-files';
import { accountOfSession, createAccountEngine, type AccountEngine } from './accounts';
import { BACKEND_KEY_ENV } from '../../common/local-backend';
import { BackendKeys, LOCAL_ONLY_MESSAGE, type EmbeddedBackend } from './backend-process';
import { messageOf } from './errors';
import { ServiceError } from './errors';
import { createIpcHandlers, type AccountService } from './ipc-handlers';
import { silentLogger, type Logger } from './logger';
import {
  failedResult,
  SyncScheduler,
  type BackoffPolicy,
  type SchedulerClock,
  type SchedulerState,
  type SyncKind,
} from './scheduler';
import { SettingsService, type SettingsChange, type TokenCipher } from './settings';

export const DATABASE_FILE_NAME = 'todo-sync.db';
/** The tables this app syncs, in the order they are pulled. */
export const SYNCED_TABLES = [todoTable] as const;
/** Which backend the local watermarks belong to; a different one means pulling from scratch. */
const WATERMARK_BACKEND_KEY = 'sync.watermarksBackend';
/** The provider the person signed in with last, for "Sign in again". */
const LAST_PROVIDER_KEY = 'auth.lastProvider';

export interface AppServicesOptions {
  /** The app's user-data folder: the database file and the embedded backend's data live here. */
  userDataPath: string;
  /** A backend for this run when none is configured (a launcher or test server); never saved. */
  backendUrl?: string | null;
  /** The key of the local backend at `backendUrl` (a test server), sent to it only. */
  backendKey?: string | null;
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
  /** The shell's safeStorage pair; without it a sign-in lasts until quit. */
  tokenCipher?: TokenCipher;
  /** The shell's sign-in window (the end-to-end harness follows the same URLs instead). */
  loginUi?: LoginUi & { signedOut?(): Promise<void> };
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
  /** Signing in and out; the shell's Account menu uses it. */
  readonly account: AccountService;
  onAccountChanged(listener: (account: AccountView) => void): () => void;
  /** The parts, for the harness and diagnostics: the current account's (they change on sign-in). */
  readonly parts: {
    /** The current account's database. */
    store: LocalStore;
    /** todo-sync.db: the settings, and the open account's todos. */
    settingsStore: LocalStore;
    account: AccountKey;
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
    throw new StartupError(`Todo Sync could not start: ${messageOf(error)}`, { cause: error });
  }
}

/** `nativeBinding` (TODO_SYNC_SQLITE_BINDING) is for development runs; see OpenStoreOptions. */
function openAppStore(
  userDataPath: string,
  logger: Logger,
  nativeBinding: string | undefined,
  account: AccountKey = OPEN_ACCOUNT,
): LocalStore {
  const file =
    account.kind === 'open'
      ? path.join(userDataPath, DATABASE_FILE_NAME)
      : accountDatabasePath(userDataPath, account);
  try {
    preparePrivateFolder(userDataPath);
    prepareDatabaseFile(file);
    const opened = openStore({ path: file, tables: SYNCED_TABLES, nativeBinding });
    restrictDatabaseFiles(file);
    return opened;
  } catch (error) {
    logger.error(`Opening the database ${file} failed`, error);
    const reason = error instanceof StoreError ? error.message : messageOf(error);
    throw new StartupError(`Todo Sync could not open its data. ${reason}`, { cause: error });
  }
}

async function assemble(
  settingsStore: LocalStore,
  options: AppServicesOptions,
  logger: Logger,
  notices: string[],
): Promise<AppServices> {
  const settings = new SettingsService({
    keyValues: settingsStore.keyValues,
    env: options.env ?? {},
    logger,
    tokenCipher: options.tokenCipher,
    eraseDeletedContent: () => settingsStore.eraseDeletedContent(),
  });
  if (options.backendUrl) settings.setRunDefaultBackendUrl(options.backendUrl);
  // Local development backends' keys (TODO_BACKEND_KEY goes with TODO_BACKEND_URL), each sent
  // only to its own server.
  const backendKeys = new BackendKeys();
  backendKeys.set(options.backendUrl, options.backendKey);
  backendKeys.set(options.env?.TODO_BACKEND_URL, options.env?.[BACKEND_KEY_ENV]);

  const initial = settings.get();
  // The engine of the account signed in now; it is replaced when another one signs in (see
  // "accounts" below). Everything below reads these bindings, so it follows the switch.
  let account: AccountEngine = await openAccountEngine(accountOfSession(settings.currentSession()));
  let { store, client, syncContext, todos } = account;

  async function openAccountEngine(key: AccountKey): Promise<AccountEngine> {
    const current = settings.get();
    return createAccountEngine({
      key,
      store:
        key.kind === 'open'
          ? settingsStore
          : openAppStore(options.userDataPath, logger, options.env?.TODO_SYNC_SQLITE_BINDING, key),
      backendUrl: current.backendUrl,
      sessions: settings,
      conflictPolicy: current.conflictPolicy,
      loginUi: options.loginUi,
      timeoutMs: options.requestTimeoutMs,
      clientOptions: { extraHeaders: () => backendKeys.headersFor(settings.get().backendUrl) },
    });
  }

  const isOnline = options.isOnline ?? (() => true);
  const scheduler = new SyncScheduler({
    // One at a time with an account switch: a pass runs wholly on one account's engine.
    runSync: (kind) => exclusively(() => runSyncPass(kind)),
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
    try {
      forgetWatermarksOfOtherBackend();
    } catch (error) {
      return failedResult(errorInfo(error).code, errorInfo(error).message, Date.now());
    }
    return runSyncPassOf(syncContext, { tables: SYNCED_TABLES, pull: kind === 'full', log: logger });
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

  let unsubscribeEngine = syncContext.onStatusChanged(publishStatus);
  const unsubscribers: (() => void)[] = [
    () => unsubscribeEngine(),
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
    if (changed.has('authToken')) {
      const next = accountOfSession(settings.currentSession());
      if (sameAccount(next, account.key)) client.credentialsChanged();
      else void switchAccount(next);
      publishAccount();
    }
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
          backendKeys.set(embedded.url, embedded.key);
          settings.setRunDefaultBackendUrl(embedded.url);
          embedded.onUnexpectedExit((description) => {
            notices.push(description);
            publishStatus();
          });
        } catch (error) {
          const message = `${messageOf(error)} ${LOCAL_ONLY_MESSAGE}`;
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
        await exclusively(async () => {
          if (store !== settingsStore) store.close();
          settingsStore.close();
        });
      }
    })();
    return closing;
  }

  // ------------------------------------------------------------ accounts

  let queue: Promise<unknown> = Promise.resolve();
  function exclusively<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Moves to another account's file and engine, between sync passes. Until it is done the old
   * engine sends no token (its session filter no longer matches), so nothing queued under one
   * identity can go out under another.
   */
  function switchAccount(key: AccountKey): Promise<void> {
    return exclusively(async () => {
      if (closing || sameAccount(key, account.key)) return;
      const previous = account;
      const next = await openAccountEngine(key);
      account = next;
      ({ store, client, syncContext, todos } = next);
      syncContext.setConflictPolicy(null, settings.get().conflictPolicy);
      unsubscribeEngine();
      unsubscribeEngine = syncContext.onStatusChanged(publishStatus);
      rebindDataListeners();
      accountHandlers = buildHandlers();
      if (previous.store !== settingsStore) previous.store.close();
      logger.info(
        `Now using the data of ${key.kind === 'open' ? 'the open backend' : 'a signed-in account'}`,
      );
      for (const listener of dataListeners.keys())
        listener({ tables: SYNCED_TABLES.map((table) => table.name) });
      publishStatus();
      scheduler.requestFullSync();
    });
  }

  const accountListeners = new Set<(view: AccountView) => void>();
  function accountView(): AccountView {
    const session = settings.currentSession();
    const lastProvider = settingsStore.keyValues.get(LAST_PROVIDER_KEY);
    return {
      signedIn: session !== null,
      userId: session?.userId ?? null,
      origin: session?.origin ?? null,
      expiresAt: session?.expiresAt ?? null,
      lastProvider: typeof lastProvider === 'string' ? lastProvider : null,
      canSignIn: options.loginUi !== undefined && settings.get().backendUrl !== null,
      tokenStorage: settings.tokenStorage(),
      onlyBasicTextEncryption: settings.onlyBasicTextEncryption(),
    };
  }
  function publishAccount(): void {
    const view = accountView();
    for (const listener of accountListeners) {
      try {
        listener(view);
      } catch (error) {
        logger.error('An account listener failed', error);
      }
    }
  }

  const accountService: AccountService = {
    view: accountView,
    async signIn(provider) {
      const chosen = provider ?? accountView().lastProvider;
      // App Service can renew a session without a window; where it cannot, sign in again.
      if (settings.currentSession() && !provider) {
        try {
          if (await client.refreshUser()) return accountView();
        } catch (error) {
          logger.warn(`Renewing the session failed: ${messageOf(error)}`);
        }
      }
      if (!chosen) throw new ServiceError('invalid-request', 'Choose how to sign in.');
      const user = await client.login(chosen);
      settingsStore.keyValues.set(LAST_PROVIDER_KEY, chosen);
      logger.info(
        `Signed in (${describeAccount({ kind: 'user', origin: settings.currentSession()?.origin ?? '', userId: user.userId })})`,
      );
      await queue;
      publishAccount();
      return accountView();
    },
    async signOut(confirmUnsyncedChanges) {
      const pending = store.operations.list().length;
      if (pending > 0 && !confirmUnsyncedChanges) {
        throw new ServiceError(
          'refused',
          `${pending === 1 ? '1 change has' : `${pending} changes have`} not reached the server yet. ` +
            'They stay on this computer for when you sign in again; export them first if you want a copy.',
        );
      }
      settings.setSession(null);
      await queue;
      try {
        await options.loginUi?.signedOut?.();
      } catch (error) {
        logger.warn('Clearing the sign-in window’s cookies failed', error);
      }
      logger.info('Signed out');
      publishAccount();
      return accountView();
    },
    allowBasicTextStorage(allow) {
      settings.allowBasicTextStorage(allow);
      publishAccount();
      return accountView();
    },
  };

  const buildHandlers = (): IpcHandlers =>
    createIpcHandlers({
      store,
      syncContext,
      todos,
      scheduler,
      settings,
      getStatus,
      account: accountService,
      backendHeadersFor: (url) => backendKeys.headersFor(url),
    });
  let accountHandlers = buildHandlers();
  // Stable for the dispatcher, which registers once: each call goes to the current account.
  const handlers = Object.fromEntries(
    (Object.keys(accountHandlers) as (keyof IpcHandlers)[]).map((channel) => [
      channel,
      (request: never) => (accountHandlers[channel] as (request: never) => Promise<unknown>)(request),
    ]),
  ) as unknown as IpcHandlers;

  const dataListeners = new Map<(change: DataChanged) => void, () => void>();
  function rebindDataListeners(): void {
    for (const [listener, unsubscribe] of dataListeners) {
      unsubscribe();
      dataListeners.set(
        listener,
        syncContext.onDataChanged((tables) => listener({ tables })),
      );
    }
  }

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
      dataListeners.set(
        listener,
        syncContext.onDataChanged((tables) => listener({ tables })),
      );
      return () => {
        dataListeners.get(listener)?.();
        dataListeners.delete(listener);
      };
    },
    account: accountService,
    onAccountChanged(listener) {
      accountListeners.add(listener);
      return () => accountListeners.delete(listener);
    },
    notifyResume: () => scheduler.notifyResume(),
    notifyOnline: (online) => scheduler.notifyOnline(online),
    start,
    close,
    parts: {
      get store() {
        return store;
      },
      settingsStore,
      get account() {
        return account.key;
      },
      settings,
      scheduler,
      get client() {
        return client;
      },
      get syncContext() {
        return syncContext;
      },
      get todos() {
        return todos;
      },
    },
  };
}
