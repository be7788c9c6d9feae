/**
 * Signing in and out, and who is signed in, for the Account menu and the account channels.
 * Signing in as another person moves the app to that person's data: the settings' session
 * changes, and the composition root switches the engine (app-services.ts), which is why a
 * sign-in or sign-out waits for the account queue before it answers.
 */
import type { AccountView } from '../../common/ipc-contract';
import type { LocalStore } from '../store';
import { describeAccount } from './account-files';
import type { CurrentAccount } from './current-account';
import { messageOf, ServiceError } from './errors';
import type { AccountService } from './ipc-handlers';
import type { Logger } from './logger';
import type { SettingsService } from './settings';

/** The provider the person signed in with last, for "Sign in again". */
const LAST_PROVIDER_KEY = 'auth.lastProvider';

export interface AccountFeedOptions {
  settings: SettingsService;
  /** todo-sync.db, where the last provider is kept whichever account is open. */
  settingsStore: LocalStore;
  current: CurrentAccount;
  /** Without a sign-in window, nobody can sign in. */
  loginUi?: { signedOut?(): Promise<void> };
  logger: Logger;
}

export interface AccountFeed {
  readonly service: AccountService;
  /** Tells the listeners who is signed in now. */
  publish(): void;
  subscribe(listener: (view: AccountView) => void): () => void;
}

export function createAccountFeed(options: AccountFeedOptions): AccountFeed {
  const { settings, settingsStore, current, loginUi, logger } = options;
  const listeners = new Set<(view: AccountView) => void>();

  function view(): AccountView {
    const session = settings.currentSession();
    const lastProvider = settingsStore.keyValues.get(LAST_PROVIDER_KEY);
    return {
      signedIn: session !== null,
      userId: session?.userId ?? null,
      origin: session?.origin ?? null,
      expiresAt: session?.expiresAt ?? null,
      lastProvider: typeof lastProvider === 'string' ? lastProvider : null,
      canSignIn: loginUi !== undefined && settings.get().backendUrl !== null,
      tokenStorage: settings.tokenStorage(),
      onlyBasicTextEncryption: settings.onlyBasicTextEncryption(),
    };
  }

  function publish(): void {
    const latest = view();
    for (const listener of listeners) {
      try {
        listener(latest);
      } catch (error) {
        logger.error('An account listener failed', error);
      }
    }
  }

  const service: AccountService = {
    view,
    async signIn(provider) {
      const chosen = provider ?? view().lastProvider;
      // App Service can renew a session without a window; where it cannot, sign in again.
      if (settings.currentSession() && !provider) {
        try {
          if (await current.engine.client.refreshUser()) return view();
        } catch (error) {
          logger.warn(`Renewing the session failed: ${messageOf(error)}`);
        }
      }
      if (!chosen) throw new ServiceError('invalid-request', 'Choose how to sign in.');
      const user = await current.engine.client.login(chosen);
      settingsStore.keyValues.set(LAST_PROVIDER_KEY, chosen);
      logger.info(
        `Signed in (${describeAccount({ kind: 'user', origin: settings.currentSession()?.origin ?? '', userId: user.userId })})`,
      );
      await current.settled();
      publish();
      return view();
    },
    async signOut(confirmUnsyncedChanges) {
      const pending = current.engine.store.operations.list().length;
      if (pending > 0 && !confirmUnsyncedChanges) {
        throw new ServiceError(
          'refused',
          `${pending === 1 ? '1 change has' : `${pending} changes have`} not reached the server yet. ` +
            'They stay on this computer for when you sign in again; export them first if you want a copy.',
        );
      }
      settings.setSession(null);
      await current.settled();
      try {
        await loginUi?.signedOut?.();
      } catch (error) {
        logger.warn('Clearing the sign-in window’s cookies failed', error);
      }
      logger.info('Signed out');
      publish();
      return view();
    },
    allowBasicTextStorage(allow) {
      settings.allowBasicTextStorage(allow);
      publish();
      return view();
    },
  };

  return {
    service,
    publish,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
