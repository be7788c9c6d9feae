/**
 * The composition root of the main process, without electron: the shell calls
 * `createAppServices` with its folders and a logger, registers `handlers` with the IPC
 * dispatcher, forwards `onStatusChanged`/`onDataChanged` to every window, feeds OS events to
 * `notifyResume`/`notifyOnline`, and calls `start()` once the window is up and `close()` on quit.
 * The end-to-end harness builds exactly the same object.
 *
 * What it wires: the store (a file in the user-data folder), the engine (client + sync context
 * following the settings' conflict policy, address and token), the scheduler (when to sync),
 * and the embedded development backend when nothing else is configured. Each part is built by
 * its own module; `assemble` below lists the steps in the order they depend on each other.
 */
import type { AccountView, DataChanged, IpcHandlers } from '../../common/ipc-contract';
import type { SyncResult, SyncStatus } from '../../common/sync-types';
import type { TodoItem } from '../../common/todo-table';
import type { LocalStore } from '../store';
import type { MobileServiceClient, SyncContext, SyncTable } from '../sync';
import type { LoginUi } from '../sync/client';
import { sameAccount, type AccountKey } from './account-files';
import { createAccountFeed, type AccountFeed } from './account-service';
import { accountOfSession, createAccountEngine, type AccountEngine } from './accounts';
import { openAppStore, StartupError, SYNCED_TABLES } from './app-store';
import { BACKEND_KEY_ENV } from '../../common/local-backend';
import { BackendKeys, type EmbeddedBackend } from './backend-process';
import { CurrentAccount } from './current-account';
import { createDataFeed, type DataFeed } from './data-feed';
import { messageOf } from './errors';
import { createIpcHandlers, type AccountService } from './ipc-handlers';
import { silentLogger, type Logger } from './logger';
import { SyncScheduler, type BackoffPolicy, type SchedulerClock } from './scheduler';
import { createLifecycle, type Lifecycle } from './service-lifecycle';
import { SettingsService, type SettingsChange, type TokenCipher } from './settings';
import { createSyncPass } from './sync-pass';
import { createStatusFeed, type StatusFeed } from './sync-status';

export { DATABASE_FILE_NAME, StartupError, SYNCED_TABLES } from './app-store';

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

/**
 * The app's services, as one object: what the shell drives (main/shell/shell-services.ts names
 * that part ShellServices), plus the parts the harness and the desktop integration reach into.
 */
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

/** What every step needs first: where the settings live, and the settings themselves. */
interface Foundation {
  /** todo-sync.db: the settings, and the open account's todos. */
  readonly settingsStore: LocalStore;
  readonly options: AppServicesOptions;
  readonly logger: Logger;
  readonly settings: SettingsService;
  /** Local development backends' keys, each sent only to its own server. */
  readonly backendKeys: BackendKeys;
}

/** The running parts, which the steps below connect to each other. */
interface Wiring extends Foundation {
  /** The signed-in account's engine; it is replaced when another one signs in. */
  readonly current: CurrentAccount;
  readonly scheduler: SyncScheduler;
  readonly status: StatusFeed;
  readonly data: DataFeed;
  readonly accounts: AccountFeed;
  readonly handlers: SwitchableHandlers;
  readonly lifecycle: Lifecycle;
}

async function assemble(
  settingsStore: LocalStore,
  options: AppServicesOptions,
  logger: Logger,
  notices: string[],
): Promise<AppServices> {
  const foundation = openSettings(settingsStore, options, logger);
  const { settings } = foundation;
  const current = new CurrentAccount(
    await openAccountEngine(foundation, accountOfSession(settings.currentSession())),
  );
  const scheduler = createScheduler(foundation, current);
  const status = createStatusFeed({
    settings,
    scheduler,
    syncContext: () => current.engine.syncContext,
    logger,
  });
  const data = createDataFeed(() => current.engine.syncContext);
  const accounts = createAccountFeed({ settings, settingsStore, current, loginUi: options.loginUi, logger });
  const handlers = switchableHandlers(() =>
    createIpcHandlers({
      store: current.engine.store,
      syncContext: current.engine.syncContext,
      todos: current.engine.todos,
      scheduler,
      settings,
      getStatus: status.get,
      account: accounts.service,
      backendHeadersFor: (url) => foundation.backendKeys.headersFor(url),
    }),
  );
  const subscriptions: (() => void)[] = [];
  const lifecycle = createLifecycle({
    settings,
    backendKeys: foundation.backendKeys,
    scheduler,
    notices,
    publishStatus: status.publish,
    startEmbeddedBackend: options.startEmbeddedBackend,
    quiesce: async () => {
      await scheduler.stop();
      for (const unsubscribe of subscriptions) unsubscribe();
      status.clear();
    },
    closeStores: () =>
      current.exclusively(async () => {
        if (current.engine.store !== settingsStore) current.engine.store.close();
        settingsStore.close();
      }),
    logger,
  });
  const wiring: Wiring = { ...foundation, current, scheduler, status, data, accounts, handlers, lifecycle };
  subscriptions.push(...followChanges(wiring));
  return facade(wiring, notices);
}

function openSettings(settingsStore: LocalStore, options: AppServicesOptions, logger: Logger): Foundation {
  const settings = new SettingsService({
    keyValues: settingsStore.keyValues,
    env: options.env ?? {},
    logger,
    tokenCipher: options.tokenCipher,
    eraseDeletedContent: () => settingsStore.eraseDeletedContent(),
  });
  if (options.backendUrl) settings.setRunDefaultBackendUrl(options.backendUrl);
  // TODO_BACKEND_KEY goes with TODO_BACKEND_URL.
  const backendKeys = new BackendKeys();
  backendKeys.set(options.backendUrl, options.backendKey);
  backendKeys.set(options.env?.TODO_BACKEND_URL, options.env?.[BACKEND_KEY_ENV]);
  return { settingsStore, options, logger, settings, backendKeys };
}

function openAccountEngine(
  { settingsStore, options, logger, settings, backendKeys }: Foundation,
  key: AccountKey,
): Promise<AccountEngine> {
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

function createScheduler({ options, logger, settings }: Foundation, current: CurrentAccount): SyncScheduler {
  const initial = settings.get();
  const syncPass = createSyncPass({ settings, engine: () => current.engine, logger });
  const scheduler = new SyncScheduler({
    // One at a time with an account switch: a pass runs wholly on one account's engine.
    runSync: (kind) => current.exclusively(() => syncPass(kind)),
    isOnline: options.isOnline ?? (() => true),
    intervalMinutes: initial.syncIntervalMinutes,
    clock: options.clock,
    pushDebounceMs: options.pushDebounceMs,
    backoff: options.backoff,
    logger,
  });
  scheduler.setPaused('work-offline', initial.workOffline);
  scheduler.setPaused('no-backend', initial.backendUrl === null);
  return scheduler;
}

interface SwitchableHandlers {
  /** Stable for the dispatcher, which registers once: each call goes to the current account. */
  readonly handlers: IpcHandlers;
  /** Builds the handlers again over the current account's engine. */
  rebuild(): void;
}

function switchableHandlers(build: () => IpcHandlers): SwitchableHandlers {
  let current = build();
  const handlers = Object.fromEntries(
    (Object.keys(current) as (keyof IpcHandlers)[]).map((channel) => [
      channel,
      (request: never) => (current[channel] as (request: never) => Promise<unknown>)(request),
    ]),
  ) as unknown as IpcHandlers;
  return {
    handlers,
    rebuild: () => {
      current = build();
    },
  };
}

/** The status follows the engine, the scheduler and the settings; the rest follows the settings. */
function followChanges(wiring: Wiring): (() => void)[] {
  const { status, scheduler, settings } = wiring;
  status.watchEngine();
  return [
    () => status.unwatchEngine(),
    scheduler.subscribe(status.publish),
    settings.onChange((change) => {
      applySettingsChange(wiring, change);
      status.publish();
    }),
  ];
}

function applySettingsChange(wiring: Wiring, { current, changed }: SettingsChange): void {
  const { scheduler, settings } = wiring;
  const { client, syncContext } = wiring.current.engine;
  if (changed.has('backendUrl')) {
    client.setApplicationUrl(current.backendUrl);
    scheduler.setPaused('no-backend', current.backendUrl === null);
  }
  if (changed.has('authToken')) {
    const next = accountOfSession(settings.currentSession());
    if (sameAccount(next, wiring.current.engine.key)) client.credentialsChanged();
    else void switchAccount(wiring, next);
    wiring.accounts.publish();
  }
  if (changed.has('conflictPolicy')) syncContext.setConflictPolicy(null, current.conflictPolicy);
  if (changed.has('syncIntervalMinutes')) scheduler.setIntervalMinutes(current.syncIntervalMinutes);
  if (changed.has('workOffline')) scheduler.setPaused('work-offline', current.workOffline);
  if (changed.has('backendUrl') || changed.has('authToken')) scheduler.notifyConnectionChanged();
}

/**
 * Moves to another account's file and engine, between sync passes. Until it is done the old
 * engine sends no token (its session filter no longer matches), so nothing queued under one
 * identity can go out under another.
 */
function switchAccount(wiring: Wiring, key: AccountKey): Promise<void> {
  const { current, settings, status, data, logger } = wiring;
  return current.exclusively(async () => {
    if (wiring.lifecycle.isClosing() || sameAccount(key, current.engine.key)) return;
    const previous = current.engine;
    current.engine = await openAccountEngine(wiring, key);
    current.engine.syncContext.setConflictPolicy(null, settings.get().conflictPolicy);
    status.watchEngine();
    data.rebind();
    wiring.handlers.rebuild();
    if (previous.store !== wiring.settingsStore) previous.store.close();
    logger.info(`Now using the data of ${key.kind === 'open' ? 'the open backend' : 'a signed-in account'}`);
    data.announce(SYNCED_TABLES.map((table) => table.name));
    status.publish();
    wiring.scheduler.requestFullSync();
  });
}

function facade(wiring: Wiring, notices: readonly string[]): AppServices {
  const { current, scheduler, settings, status, lifecycle } = wiring;
  return {
    handlers: wiring.handlers.handlers,
    syncService: {
      syncNow: () => scheduler.syncNow(),
      setWorkOffline: (workOffline) => {
        settings.update({ workOffline });
      },
      isWorkingOffline: () => settings.get().workOffline,
    },
    notices,
    getStatus: status.get,
    onStatusChanged: status.subscribe,
    onDataChanged: wiring.data.subscribe,
    account: wiring.accounts.service,
    onAccountChanged: wiring.accounts.subscribe,
    notifyResume: () => scheduler.notifyResume(),
    notifyOnline: (online) => scheduler.notifyOnline(online),
    start: lifecycle.start,
    close: lifecycle.close,
    parts: {
      get store() {
        return current.engine.store;
      },
      settingsStore: wiring.settingsStore,
      get account() {
        return current.engine.key;
      },
      settings,
      scheduler,
      get client() {
        return current.engine.client;
      },
      get syncContext() {
        return current.engine.syncContext;
      },
      get todos() {
        return current.engine.todos;
      },
    },
  };
}
