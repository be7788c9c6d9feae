/**
 * One handler per IPC channel, over the real services. The dispatcher (main/ipc/dispatch.ts)
 * has already checked the sender and parsed the payload with the contract's schema, so each
 * handler receives a typed, valid request. What a handler throws crosses to the renderer as a
 * typed error: ServiceError here, StoreError and SyncError from below.
 *
 * Local writes go through the sync table, which writes the row and queues its operation in one
 * transaction; the scheduler then pushes them shortly after, and the engine announces the
 * changed data to every window.
 */
import type { AccountView, IpcChannel, IpcHandlers, SyncIssue, TodoChanges } from '../../common/ipc-contract';
import type { SyncStatus } from '../../common/sync-types';
import { userColumnsOf } from '../../common/table-zod';
import { todoTable, type TodoItem } from '../../common/todo-table';
import type { Store } from '../store/types';
import type { ConflictChoice, SyncContext, SyncIssueDetails, SyncTable } from '../sync';
import { Query } from '../sync';
import { desktopPreferencesOf } from './desktop-preferences';
import { ServiceError } from './errors';
import type { SyncScheduler } from './scheduler';
import type { SettingsService } from './settings';
import { saveEditAgainstBase } from './todo-edit';
import { queryTodoPage } from './todo-list';
import { toSyncIssue } from './sync-issues';
import { testConnection } from './connection-test';
import { applyTodoBulk } from './todo-bulk';
import { exportUnsyncedChanges } from './unsynced-export';

export interface HandlerServices {
  store: Store;
  syncContext: SyncContext;
  todos: SyncTable<TodoItem>;
  scheduler: Pick<SyncScheduler, 'runNow' | 'notifyLocalEdit' | 'requestFullSync'>;
  settings: SettingsService;
  getStatus(): SyncStatus;
  now?: () => Date;
  /** Signing in and out (main/services/app-services.ts); without it the account channels refuse. */
  account?: AccountService;
  /** The local development backend's key header for an address, when it is that backend's. */
  backendHeadersFor?: (url: string) => Readonly<Record<string, string>>;
}

/** What the account channels do; the app's services implement it over the accounts' engines. */
export interface AccountService {
  view(): AccountView;
  /** Renews the session or opens the sign-in window; rejects with SignInError when cancelled. */
  signIn(provider: string | undefined): Promise<AccountView>;
  /** Refuses with ServiceError('refused') while unsynced changes exist, unless confirmed. */
  signOut(confirmUnsyncedChanges: boolean): Promise<AccountView>;
  allowBasicTextStorage(allow: boolean): AccountView;
}

const GONE_MESSAGE = 'This todo no longer exists. It may have been deleted, here or on another device.';

export function createIpcHandlers(services: HandlerServices): IpcHandlers {
  return {
    ...todoHandlers(services),
    ...syncHandlers(services),
    ...settingsHandlers(services),
    ...accountHandlers(services),
  };
}

/** The handlers of the channels named `<prefix>:…`. */
type HandlersOf<Prefix extends string> = Pick<IpcHandlers, Extract<IpcChannel, `${Prefix}:${string}`>>;

function nowOf(services: HandlerServices): () => Date {
  return services.now ?? (() => new Date());
}

function todoHandlers(services: HandlerServices): HandlersOf<'todos'> {
  const { store, syncContext, todos, scheduler } = services;
  const now = nowOf(services);
  const requireTodo = (id: string): TodoItem => {
    const existing = store.table(todoTable).lookup(id);
    if (!existing) throw new ServiceError('not-found', GONE_MESSAGE);
    return existing;
  };
  return {
    'todos:query': async (request) => queryTodoPage(store, request, now()),

    'todos:add': async (request) => {
      const item = await todos.insert(definedChanges(request));
      scheduler.notifyLocalEdit();
      return item;
    },

    'todos:update': async ({ id, changes, base }) => {
      requireTodo(id);
      // With the editor's base, a field changed meanwhile is not overwritten silently (todo-edit.ts).
      const item = base
        ? saveEditAgainstBase(store, syncContext, id, definedChanges(changes), base, GONE_MESSAGE).item
        : await todos.update({ id, ...definedChanges(changes) });
      scheduler.notifyLocalEdit();
      return item;
    },

    'todos:remove': async ({ id }) => {
      requireTodo(id);
      await todos.del(id);
      scheduler.notifyLocalEdit();
      return null;
    },

    'todos:bulk': async (request) => {
      const result = await applyTodoBulk(store, todos, request, definedChanges);
      scheduler.notifyLocalEdit();
      return result;
    },
  };
}

/** Syncing, and the conflicts and refused changes it leaves for the person to settle. */
function syncHandlers(services: HandlerServices): HandlersOf<'sync' | 'conflicts' | 'rejected'> {
  const { syncContext, scheduler } = services;
  const requireIssue = (issueId: number, kind: SyncIssue['kind']): SyncIssueDetails => {
    const issue = syncContext.getIssue(issueId);
    if (!issue || issue.kind !== kind) {
      throw new ServiceError(
        'not-found',
        kind === 'conflict'
          ? 'This conflict has already been settled.'
          : 'This refused change has already been retried or discarded.',
      );
    }
    return issue;
  };
  return {
    'sync:now': () => scheduler.runNow('full'),
    'sync:push': () => scheduler.runNow('push'),
    // A pull always pushes first (the engine never overwrites unsent changes), so it is a full run.
    'sync:pull': () => scheduler.runNow('full'),
    'sync:status': async () => services.getStatus(),

    'conflicts:list': async () => syncContext.listIssues({ kind: 'conflict' }).map(toSyncIssue),

    'conflicts:resolve': async ({ issueId, resolution }) => {
      requireIssue(issueId, 'conflict');
      const choice: ConflictChoice =
        resolution.choice === 'fields' ? { fieldChoices: { ...resolution.fields } } : resolution.choice;
      await syncContext.resolveConflict(issueId, choice);
      scheduler.notifyLocalEdit();
      return null;
    },

    'rejected:list': async () => syncContext.listIssues({ kind: 'rejected' }).map(toSyncIssue),

    'rejected:retry': async ({ issueId, changes }) => {
      requireIssue(issueId, 'rejected');
      await syncContext.retryIssue(issueId, changes ? definedChanges(changes) : undefined);
      scheduler.notifyLocalEdit();
      return null;
    },

    'rejected:discard': async ({ issueId }) => {
      requireIssue(issueId, 'rejected');
      await syncContext.discardIssue(issueId);
      return null;
    },
  };
}

/** Preferences, settings, and the local data as a whole (export, reset). */
function settingsHandlers(services: HandlerServices): HandlersOf<'desktop' | 'settings' | 'data'> {
  const { store, syncContext, scheduler, settings } = services;
  const now = nowOf(services);
  return {
    // The shell applies them (main/shell/desktop.ts) through the same instance.
    'desktop:get-preferences': async () => desktopPreferencesOf(store.keyValues).view(),
    'desktop:set-preferences': async (patch) => desktopPreferencesOf(store.keyValues).update(patch),

    'settings:get': async () => settings.view(),
    'settings:set': async (patch) => settings.update(patch),
    'settings:test-connection': (request) =>
      testConnection(request, {
        installationId: syncContext.installationId() ?? 'connection-test',
        extraHeaders: () => services.backendHeadersFor?.(request.backendUrl) ?? {},
      }),

    'data:export-unsynced': async () =>
      exportUnsyncedChanges(store, { now: now(), backendUrl: settings.get().backendUrl }),

    'data:reset': async ({ discardUnsyncedChanges }) => {
      const pending = store.operations.list().length;
      if (pending > 0 && !discardUnsyncedChanges) {
        throw new ServiceError(
          'refused',
          `${pending === 1 ? '1 change has' : `${pending} changes have`} not reached the server yet. ` +
            'Export them first, or confirm that they may be discarded.',
        );
      }
      for (const declaration of store.declarations) {
        // force only when the person agreed: otherwise the engine refuses atomically if an edit
        // slipped in after the check above.
        await syncContext.purge(new Query(declaration.name), discardUnsyncedChanges);
      }
      scheduler.requestFullSync();
      return null;
    },
  };
}

function accountHandlers(services: HandlerServices): HandlersOf<'account'> {
  const requireAccount = (): AccountService => {
    if (!services.account) throw new ServiceError('refused', 'Signing in is not available here.');
    return services.account;
  };
  return {
    'account:get': async () => requireAccount().view(),
    'account:sign-in': ({ provider }) => requireAccount().signIn(provider),
    'account:sign-out': ({ confirmUnsyncedChanges }) => requireAccount().signOut(confirmUnsyncedChanges),
    'account:basic-text-storage': async ({ allow }) => requireAccount().allowBasicTextStorage(allow),
  };
}

/** zod leaves absent optional keys out, but an explicit undefined must not reach the store. */
function definedChanges(changes: TodoChanges): Partial<TodoItem> {
  const defined: Record<string, unknown> = {};
  for (const field of userColumnsOf(todoTable)) {
    if (changes[field] !== undefined) defined[field] = changes[field];
  }
  return defined as Partial<TodoItem>;
}
