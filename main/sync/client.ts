/**
 * The entry point, read like the SDK's:
 *
 *   const client = new MobileServiceClient('https://yoursite.azurewebsites.net');
 *   const syncContext = client.getSyncContext();
 *   await syncContext.initialize(store);
 *   const todoItemTable = client.getSyncTable('todoitem');
 *
 * The backend address and the auth token can change at any time (settings); the next
 * request uses the new values. Signing in follows the SDK too:
 *
 *   const user = await client.login('aad');   // through the injected login UI
 *   client.currentUser;                        // { userId, mobileServiceAuthenticationToken }
 *   client.logout();
 *
 * A token belongs to the origin it was obtained for: it is only ever sent there, and moving
 * the client to another origin signs out before any request can go to the new address.
 */
import { randomUUID } from 'node:crypto';
import type { RecordOf, SystemColumns, TableDeclaration } from '../../common/table-schema';
import {
  isLoginDoneUrl,
  loginDoneUrl,
  loginUrl,
  originOf,
  parseLoginDoneUrl,
  sessionForToken,
  SignInError,
  tokenExpiry,
  type AuthSession,
  type MobileServiceUser,
} from './auth';
import { SyncUsageError } from './errors';
import { ProtocolClient, type ObservedRequest } from './protocol-client';
import type { LocalRecord } from './records';
import { SyncContext, type SyncContextOptions } from './sync-context';
import { SyncTable } from './sync-table';

/**
 * Shows the sign-in pages (the shell's window; a test that follows the same URLs). Resolves with
 * the first URL the page navigates or redirects to for which `isDone` is true, or null when the
 * person closed it.
 */
export interface LoginUi {
  signIn(request: {
    loginUrl: string;
    doneUrl: string;
    isDone(url: string): boolean;
  }): Promise<string | null>;
}

/** Where the session lives: memory by default; the app keeps it in its settings, encrypted. */
export interface SessionHolder {
  get(): AuthSession | null;
  set(session: AuthSession | null): void;
}

export interface MobileServiceClientOptions extends SyncContextOptions {
  /**
   * A raw token for scripts and tests (or a getter read on every request), bound to the origin
   * of `applicationUrl`; it is never sent to another one.
   */
  authToken?: string | null | (() => string | null);
  /** Keeps the signed-in session; when given, `authToken` is ignored. */
  session?: SessionHolder;
  /** Needed for `login(provider)`. */
  loginUi?: LoginUi;
  /** Per request, including reading the body (default 30 s). */
  timeoutMs?: number;
  /** Sees each request just before it is sent (never the auth token): diagnostics and tests. */
  onRequest?: (request: ObservedRequest) => void | Promise<void>;
  /** More headers on every request, read each time (the local development backend's key). */
  extraHeaders?: () => Readonly<Record<string, string>>;
}

export class MobileServiceClient {
  private url: string | null;
  private readonly session: SessionHolder;
  private loginUi: LoginUi | undefined;
  private readonly syncContext: SyncContext;
  /** Used until a store is attached: then the persisted installation id takes over. */
  private readonly temporaryInstallationId = randomUUID();
  private readonly tables = new Map<string, SyncTable>();
  readonly protocol: ProtocolClient;

  constructor(applicationUrl: string | null, options: MobileServiceClientOptions = {}) {
    this.url = applicationUrl;
    this.loginUi = options.loginUi;
    this.session = options.session ?? memorySession(options.authToken, applicationUrl);
    this.protocol = new ProtocolClient({
      baseUrl: () => {
        if (!this.url) throw new SyncUsageError('No backend address is configured.');
        return this.url;
      },
      installationId: () => this.syncContext.installationId() ?? this.temporaryInstallationId,
      auth: () => this.session.get(),
      timeoutMs: options.timeoutMs,
      onRequest: options.onRequest,
      extraHeaders: options.extraHeaders,
    });
    this.syncContext = new SyncContext(this.protocol, () => this.url, options);
  }

  get applicationUrl(): string | null {
    return this.url;
  }

  /** Moving to another origin signs out first: the old server's token must not reach the new one. */
  setApplicationUrl(url: string | null): void {
    const session = this.session.get();
    if (session && (url === null || originOf(url) !== session.origin)) this.session.set(null);
    this.url = url;
    this.syncContext.status.changed();
  }

  /** A raw token (scripts, tests, pasted in Settings), bound to the current backend's origin. */
  setAuthToken(token: string | null): void {
    if (token === null) {
      this.logout();
      return;
    }
    this.useSession(sessionForToken(token, this.requireUrl()));
  }

  /** The signed-in person, as the SDK names it; null when signed out (or signed in elsewhere). */
  get currentUser(): MobileServiceUser | null {
    const session = this.currentSession();
    if (!session) return null;
    return { userId: session.userId ?? 'unknown', mobileServiceAuthenticationToken: session.token };
  }

  /** The session for the current backend, with the origin it is bound to and when it ends. */
  currentSession(): AuthSession | null {
    const session = this.session.get();
    if (!session || !this.url || originOf(this.url) !== session.origin) return null;
    return session;
  }

  setLoginUi(loginUi: LoginUi | undefined): void {
    this.loginUi = loginUi;
  }

  /**
   * Signs in with App Service's server flow through the login UI. Closing the window rejects
   * with SignInError('cancelled') and changes nothing; so does any other failure.
   */
  async login(provider: string): Promise<MobileServiceUser> {
    const backend = this.requireUrl();
    if (!this.loginUi)
      throw new SyncUsageError('Signing in needs a login UI (MobileServiceClientOptions.loginUi).');
    const start = loginUrl(backend, provider);
    const finished = await this.loginUi.signIn({
      loginUrl: start,
      doneUrl: loginDoneUrl(backend),
      isDone: (url) => isLoginDoneUrl(url, backend),
    });
    if (finished === null) throw new SignInError('cancelled', 'Sign-in was cancelled. Nothing changed.');
    // The address may have changed while the window was open: the token belongs to the old one.
    if (this.url !== backend)
      throw new SignInError('wrong-origin', 'The backend address changed during sign-in. Sign in again.');
    const session = parseLoginDoneUrl(finished, backend);
    this.useSession(session);
    // From the session itself: the holder may now give it to another account's client.
    return { userId: session.userId ?? 'unknown', mobileServiceAuthenticationToken: session.token };
  }

  /**
   * Renews the session with `GET /.auth/refresh` (App Service). Returns false where the server
   * cannot (the stub answers 404, an ended session 401): the caller signs in interactively.
   */
  async refreshUser(): Promise<boolean> {
    const current = this.currentSession();
    if (!current) return false;
    const refreshed = await this.protocol.refreshAuth();
    if (!refreshed) return false;
    // Only if nothing changed meanwhile (a sign-out, another person signing in).
    if (this.session.get() !== current) return false;
    this.useSession({
      ...current,
      userId: refreshed.userId ?? current.userId,
      token: refreshed.authenticationToken,
      expiresAt: tokenExpiry(refreshed.authenticationToken),
    });
    return true;
  }

  logout(): void {
    if (this.session.get() !== null) this.session.set(null);
  }

  /** The session was replaced from outside (settings): a 401 no longer stands. */
  credentialsChanged(): void {
    if (this.syncContext.getStatus().connectivity === 'unauthorized')
      this.syncContext.status.setConnectivity('online');
  }

  private useSession(session: AuthSession): void {
    this.session.set(session);
    // A new token is a new chance: the next request decides whether it is accepted.
    this.credentialsChanged();
  }

  private requireUrl(): string {
    if (!this.url) throw new SyncUsageError('No backend address is configured.');
    return this.url;
  }

  getSyncContext(): SyncContext {
    return this.syncContext;
  }

  /** The local table `name`, recording changes for push; typed when given the declaration. */
  getSyncTable<D extends TableDeclaration>(declaration: D): SyncTable<RecordOf<D>>;
  getSyncTable(name: string): SyncTable<LocalRecord>;
  getSyncTable<R extends SystemColumns>(nameOrDeclaration: string | TableDeclaration): SyncTable<R> {
    const name = typeof nameOrDeclaration === 'string' ? nameOrDeclaration : nameOrDeclaration.name;
    this.syncContext.shapeOf(name);
    let table = this.tables.get(name);
    if (!table) {
      table = new SyncTable(this.syncContext, name);
      this.tables.set(name, table);
    }
    // One instance per table; the row type is the caller's view of the same rows.
    return table as unknown as SyncTable<R>;
  }
}

/**
 * The session of a client without a holder: the raw token given at construction (a getter is
 * read on every request), bound to the origin of the address it was given with.
 */
function memorySession(
  token: string | null | undefined | (() => string | null),
  applicationUrl: string | null,
): SessionHolder {
  const origin = applicationUrl ? originOf(applicationUrl) : null;
  let session: AuthSession | null = null;
  let getter: (() => string | null) | null = null;
  if (origin && typeof token === 'function') getter = token;
  else if (origin && typeof token === 'string' && token !== '')
    session = { origin, userId: null, token, expiresAt: tokenExpiry(token) };
  return {
    get() {
      if (getter && origin) {
        const value = getter();
        return value ? { origin, userId: null, token: value, expiresAt: null } : null;
      }
      return session;
    },
    set(next) {
      getter = null;
      session = next;
    },
  };
}
