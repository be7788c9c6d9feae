/**
 * Data per account. Each account (the open backend, or one person on one backend origin) has
 * its own database file (see account-files.ts) and its own engine: a client whose sync context
 * is bound to that file, and whose requests carry a token only when the signed-in session is
 * that account's own. So a queued operation can only ever be sent under the identity that made
 * it: while the app moves from one account to another, the old account's engine sends no token
 * at all (the server answers 401 and the queue waits).
 *
 * Which session counts as which account: a session from `client.login` names its user and gets
 * that user's file; a raw token (pasted in Settings, or saved by an older version) has no known
 * owner and stays with the open account's file, as it always did.
 */
import { todoTable, type TodoItem } from '../../common/todo-table';
import type { ConflictPolicy } from '../../common/sync-types';
import type { LocalStore } from '../store';
import {
  MobileServiceClient,
  type MobileServiceClientOptions,
  type SyncContext,
  type SyncTable,
} from '../sync';
import type { LoginUi } from '../sync/client';
import type { AuthSession } from '../sync/auth';
import { OPEN_ACCOUNT, sameAccount, type AccountKey } from './account-files';

export interface AccountEngine {
  readonly key: AccountKey;
  readonly store: LocalStore;
  readonly client: MobileServiceClient;
  readonly syncContext: SyncContext;
  readonly todos: SyncTable<TodoItem>;
}

/** The account a session belongs to. */
export function accountOfSession(session: AuthSession | null): AccountKey {
  if (!session || session.userId === null) return OPEN_ACCOUNT;
  return { kind: 'user', origin: session.origin, userId: session.userId };
}

export interface SessionSource {
  getSession(): AuthSession | null;
  setSession(session: AuthSession | null): void;
}

export interface AccountEngineOptions {
  key: AccountKey;
  store: LocalStore;
  backendUrl: string | null;
  sessions: SessionSource;
  conflictPolicy: ConflictPolicy;
  loginUi?: LoginUi;
  timeoutMs?: number;
  /** Anything else every account's client needs (request observers, extra headers...). */
  clientOptions?: Omit<MobileServiceClientOptions, 'session' | 'authToken' | 'loginUi'>;
}

/** A client and sync context over one account's store, sending only that account's token. */
export async function createAccountEngine(options: AccountEngineOptions): Promise<AccountEngine> {
  const { key, store, sessions } = options;
  const client = new MobileServiceClient(options.backendUrl, {
    ...options.clientOptions,
    session: {
      get: () => {
        const session = sessions.getSession();
        return session && sameAccount(accountOfSession(session), key) ? session : null;
      },
      // Signing in through this client may name another person: the app then moves to their file.
      set: (session) => sessions.setSession(session),
    },
    loginUi: options.loginUi,
    defaultConflictPolicy: options.conflictPolicy,
    timeoutMs: options.timeoutMs,
  });
  const syncContext = client.getSyncContext();
  await syncContext.initialize(store);
  // With a backend the app pulls soon: the store's worker boots meanwhile, not under the first page.
  if (options.backendUrl !== null) void store.expectPulls();
  const todos = client.getSyncTable(todoTable);
  return { key, store, client, syncContext, todos };
}
