/**
 * App Service authentication, the server flow the SDK's `client.login(provider)` uses, without
 * any Electron: where the sign-in page is, how to recognise the page it ends on and read the
 * token from it, which addresses a token may travel to, and what a token says about itself.
 *
 * The flow: a window (the shell's, or a test following the same URLs) opens
 * `<backend>/.auth/login/<provider>`; App Service sends the person through the identity
 * provider and ends on `<backend>/.auth/login/done#token=<url-encoded JSON>`, the JSON being
 * `{ authenticationToken, user: { userId } }`. The token is then sent as X-ZUMO-AUTH, to that
 * backend's origin only.
 */
import { SyncError, type RequestSummary } from './errors';

/** A custom provider (OpenID Connect in App Service) is named by the person; the name goes into a path. */
const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** What the SDK calls `client.currentUser`. */
export interface MobileServiceUser {
  userId: string;
  mobileServiceAuthenticationToken: string;
}

/** A token together with the one origin it was obtained for and may be sent to. */
export interface AuthSession {
  /** `https://host[:port]`, from `new URL(backend).origin`. */
  origin: string;
  /** As the server named the person (`sid:…`); null for a raw token whose owner is not known. */
  userId: string | null;
  token: string;
  /** From the token's `exp` claim: for showing when the session ends, never for deciding access. */
  expiresAt: string | null;
}

/** Sign-in could not happen or did not finish; `reason` says which, the message says it to a person. */
export class SignInError extends SyncError {
  readonly reason: 'cancelled' | 'bad-provider' | 'bad-address' | 'bad-reply' | 'wrong-origin';

  constructor(reason: SignInError['reason'], message: string) {
    super('unauthorized', message);
    this.reason = reason;
  }
}

/** A backend address this app refuses to use (and why, in the words shown under the field). */
export class BackendAddressError extends SyncError {
  constructor(message: string) {
    super('internal', message);
  }
}

/**
 * The server answered a table request with a redirect. It is not followed: the token would go
 * along. Not an answer about the change itself, so a push stops and keeps its queue.
 */
export class RedirectRefusedError extends SyncError {
  readonly status: number;
  readonly request: RequestSummary;

  constructor(request: RequestSummary, status: number) {
    super(
      'bad-response',
      'The server answered with a redirect to another address, which this app does not follow. Check the backend address in Settings (it may need https:// or another host).',
    );
    this.status = status;
    this.request = request;
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Loopback only: a token or a todo sent over plain http must not leave this computer. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost')) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export const INSECURE_ADDRESS_MESSAGE =
  'Use an https:// address. Plain http:// is only allowed for this computer (localhost, 127.0.0.1), because the sign-in token and your todos would travel unencrypted.';

/**
 * The parsed backend address, or a BackendAddressError saying what is wrong with it: http(s),
 * no user name or password, and http only for loopback hosts.
 */
export function checkBackendAddress(address: string): URL {
  let url: URL;
  try {
    url = new URL(address.trim());
  } catch {
    throw new BackendAddressError(`The backend address "${address.slice(0, 200)}" is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BackendAddressError(
      `The backend address must start with https:// (or http:// for this computer); got "${address.slice(0, 200)}".`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new BackendAddressError('The backend address must not contain a user name or password.');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new BackendAddressError(INSECURE_ADDRESS_MESSAGE);
  }
  return url;
}

/** The origin a token obtained from `backendUrl` is bound to. */
export function originOfBackend(backendUrl: string): string {
  return checkBackendAddress(backendUrl).origin;
}

function backendBase(backendUrl: string): string {
  const url = checkBackendAddress(backendUrl);
  // An app under a path (https://host/app) keeps it: /.auth lives beside /tables.
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function checkProvider(provider: string): string {
  if (typeof provider !== 'string' || !PROVIDER_NAME.test(provider)) {
    throw new SignInError(
      'bad-provider',
      `"${String(provider).slice(0, 64)}" is not a sign-in provider name (letters, digits, - and _ only).`,
    );
  }
  return provider;
}

/** Where the sign-in window starts. */
export function loginUrl(backendUrl: string, provider: string): string {
  return `${backendBase(backendUrl)}/.auth/login/${encodeURIComponent(checkProvider(provider))}`;
}

/** The page App Service ends the flow on; the window watches for it. */
export function loginDoneUrl(backendUrl: string): string {
  return `${backendBase(backendUrl)}/.auth/login/done`;
}

/** Whether `url` is the end of the flow for this backend (same origin and path; any fragment). */
export function isLoginDoneUrl(url: string, backendUrl: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const done = new URL(loginDoneUrl(backendUrl));
  return parsed.origin === done.origin && parsed.pathname.replace(/\/+$/, '') === done.pathname;
}

/**
 * Reads the session from the done URL. Throws SignInError when the URL is not this backend's
 * done page, or when App Service ended with an error (`#error=…`) or without a usable token.
 */
export function parseLoginDoneUrl(url: string, backendUrl: string): AuthSession {
  if (!isLoginDoneUrl(url, backendUrl)) {
    throw new SignInError(
      'wrong-origin',
      'Sign-in ended on a page that is not this backend’s. Nothing was saved.',
    );
  }
  const fragment = new URLSearchParams(new URL(url).hash.replace(/^#/, ''));
  const failure = fragment.get('error');
  if (failure !== null) {
    throw new SignInError('bad-reply', `Sign-in did not succeed: ${failure.slice(0, 300)}`);
  }
  const raw = fragment.get('token');
  let parsed: unknown;
  try {
    parsed = raw === null ? undefined : JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const reply = parsed as { authenticationToken?: unknown; user?: { userId?: unknown } } | undefined;
  const token = reply?.authenticationToken;
  const userId = reply?.user?.userId;
  if (
    typeof token !== 'string' ||
    token === '' ||
    token.length > 8192 ||
    typeof userId !== 'string' ||
    userId === ''
  ) {
    throw new SignInError(
      'bad-reply',
      'The server ended sign-in without a usable token. Try signing in again.',
    );
  }
  return { origin: originOfBackend(backendUrl), userId, token, expiresAt: tokenExpiry(token) };
}

/** The claims of a JWT, unverified (the server verifies; we only read what to show). */
function unverifiedClaims(token: string): Record<string, unknown> | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** When the token says it ends (ISO), or null when it does not say. For display only. */
export function tokenExpiry(token: string): string | null {
  const exp = unverifiedClaims(token)?.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0 || exp > 32_503_680_000) return null;
  return new Date(exp * 1000).toISOString();
}

/** The token's `sub`, for naming the owner of a pasted token; null when it has none. */
export function tokenSubject(token: string): string | null {
  const sub = unverifiedClaims(token)?.sub;
  return typeof sub === 'string' && sub !== '' ? sub : null;
}

/** A session for a token pasted or set by a script: bound to the backend it was set for. */
export function sessionForToken(token: string, backendUrl: string): AuthSession {
  return {
    origin: originOfBackend(backendUrl),
    userId: tokenSubject(token),
    token,
    expiresAt: tokenExpiry(token),
  };
}

/** The URL's origin, or null when it does not parse. */
export function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
