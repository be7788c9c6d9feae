/**
 * The person's settings: persisted in the store's key-value table, validated with the
 * contract's schema, and observable so the scheduler and the engine follow changes live.
 *
 * Where the backend address comes from, strongest first: the TODO_BACKEND_URL environment
 * variable, the saved setting, then this run's default (the embedded development backend, or
 * one the launcher passed). The run's default is never saved: the embedded backend's port
 * changes every run.
 *
 * The auth token stays in the main process: the renderer sees only `hasAuthToken`, and logs
 * say only that it was set or removed. It is kept as a session bound to the origin it was
 * obtained for (see main/sync/auth.ts): `get().authToken` is that token only while the backend
 * in effect has that origin, and choosing another backend signs out in the same write that
 * saves the address. On disk the token is only ever stored encrypted by the injected cipher
 * (Electron's safeStorage, handed in by the shell); without a strong one it lives for this run
 * only, unless the person accepted the weaker storage. A plaintext token left by an older
 * version is encrypted on load and its old copy erased from the file.
 */
import type { z } from 'zod';
import { settingsPatchSchema, type SettingsPatch } from '../../common/ipc-contract';
import type { JsonValue } from '../../common/table-schema';
import {
  DEFAULT_SETTINGS,
  SYNC_INTERVAL_LIMITS,
  type Settings,
  type SettingsView,
} from '../../common/sync-types';
import type { KeyValueStore } from '../store/types';
import { checkBackendAddress, originOf, sessionForToken, type AuthSession } from '../sync/auth';
import { ServiceError } from './errors';
import { silentLogger, type Logger } from './logger';

export const SETTINGS_STORAGE_KEY = 'settings';
export const BACKEND_URL_ENV = 'TODO_BACKEND_URL';

export type SettingKey = keyof Settings;
export type BackendUrlSource = 'environment' | 'settings' | 'run-default' | 'none';

export interface SettingsChange {
  previous: Settings;
  current: Settings;
  /** Keys whose effective value changed. */
  changed: ReadonlySet<SettingKey>;
}

export type SettingsListener = (change: SettingsChange) => void;

/**
 * Encrypts the token at rest: the shell's wrapper of Electron's safeStorage. `strength` is
 * 'os' when the OS protects the key (Keychain, DPAPI, kwallet/libsecret) and 'basic_text' when
 * Chromium falls back to a fixed key (some Linux desktops), which only hides the token.
 */
export interface TokenCipher {
  readonly strength: 'os' | 'basic_text';
  encrypt(plain: string): Uint8Array;
  decrypt(sealed: Uint8Array): string;
}

/** How the token is kept, for Settings to explain. */
export type TokenStorage = 'encrypted' | 'basic-text' | 'session-only';

export interface SettingsServiceOptions {
  keyValues: KeyValueStore;
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  /** Without one, a token is kept for this run only. */
  tokenCipher?: TokenCipher;
  /** Erases deleted content from the database file (secure_delete + VACUUM): after a plaintext token moved out. */
  eraseDeletedContent?: () => void;
}

/** The session as saved: the token sealed by the cipher, base64. */
interface SavedSession {
  origin: string;
  userId: string | null;
  expiresAt: string | null;
  sealed: string;
}

/** The person accepted keeping the token with basic_text "encryption" (a fixed key). */
const BASIC_TEXT_OPT_IN_KEY = 'auth.allowBasicTextStorage';

const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];

const FIELD_MESSAGES: Record<SettingKey, string> = {
  backendUrl:
    'The backend address must be an http:// or https:// URL without a user name or password (http:// only for this computer).',
  syncIntervalMinutes: `The sync interval must be a whole number of minutes from ${SYNC_INTERVAL_LIMITS.minMinutes} to ${SYNC_INTERVAL_LIMITS.maxMinutes}.`,
  // The choices as the settings form names them, not the values in the code.
  conflictPolicy: 'Choose how conflicts are settled: Merge, Ask me, Server wins or Mine wins.',
  workOffline: '“Work offline” must be on or off.',
  authToken: 'The sign-in token must be 1 to 8,192 characters long (leave it empty to remove it).',
};

function isSettingKey(key: unknown): key is SettingKey {
  return typeof key === 'string' && (SETTING_KEYS as string[]).includes(key);
}

/** One sentence per problem, in the words the settings form uses. */
export function describeSettingsIssues(error: z.ZodError): string[] {
  const messages = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return 'This version of Todo Sync has no such setting.';
    }
    const key = issue.path[0];
    if (issue.path.length === 0) return 'Settings must be given as an object of named values.';
    return isSettingKey(key) ? FIELD_MESSAGES[key] : issue.message;
  });
  return [...new Set(messages)];
}

/** Validates a patch the way `update` does; throws ServiceError('invalid-request'). */
export function parseSettingsPatch(patch: unknown): SettingsPatch {
  const parsed = settingsPatchSchema.safeParse(patch);
  if (parsed.success) return parsed.data;
  const issues = describeSettingsIssues(parsed.error);
  throw new ServiceError('invalid-request', issues[0] ?? 'These settings are not valid.', issues);
}

/** "https://host/app/" and "https://host/app" are one backend; keep a single spelling. */
function normalizeBackendUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

function readEnvBackendUrl(env: Readonly<Record<string, string | undefined>>): string | null {
  const raw = env[BACKEND_URL_ENV]?.trim();
  if (!raw) return null;
  const parsed = settingsPatchSchema.safeParse({ backendUrl: raw });
  if (!parsed.success || !parsed.data.backendUrl) {
    throw new ServiceError(
      'invalid-request',
      `${BACKEND_URL_ENV} must be an http:// or https:// URL; it is set to ${JSON.stringify(raw.slice(0, 200))}.`,
    );
  }
  const insecure = insecureAddressProblem(parsed.data.backendUrl);
  if (insecure) throw new ServiceError('invalid-request', `${BACKEND_URL_ENV}: ${insecure}`);
  return normalizeBackendUrl(parsed.data.backendUrl);
}

/** Why an otherwise valid address is refused (plain http to another computer), or null. */
function insecureAddressProblem(url: string): string | null {
  try {
    checkBackendAddress(url);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function isSavedSession(value: unknown): value is SavedSession {
  if (typeof value !== 'object' || value === null) return false;
  const saved = value as Record<string, unknown>;
  return (
    typeof saved.origin === 'string' &&
    (saved.userId === null || typeof saved.userId === 'string') &&
    (saved.expiresAt === null || typeof saved.expiresAt === 'string') &&
    typeof saved.sealed === 'string'
  );
}

export class SettingsService {
  private saved: Settings;
  private readonly envBackendUrl: string | null;
  private runDefaultBackendUrl: string | null = null;
  private readonly listeners = new Set<SettingsListener>();
  private readonly keyValues: KeyValueStore;
  private readonly logger: Logger;
  private readonly cipher: TokenCipher | undefined;
  /** The signed-in session (any origin); `get().authToken` shows it only for its own origin. */
  private session: AuthSession | null = null;

  constructor(options: SettingsServiceOptions) {
    this.keyValues = options.keyValues;
    this.logger = options.logger ?? silentLogger;
    this.cipher = options.tokenCipher;
    this.envBackendUrl = readEnvBackendUrl(options.env ?? {});
    this.saved = this.load(options.eraseDeletedContent);
  }

  /** The settings in effect (the backend address resolved from its sources). */
  get(): Settings {
    const backendUrl = this.envBackendUrl ?? this.saved.backendUrl ?? this.runDefaultBackendUrl;
    const session = this.session;
    const authToken =
      session && backendUrl !== null && originOf(backendUrl) === session.origin ? session.token : null;
    return { ...this.saved, backendUrl, authToken };
  }

  /** The session, whatever its origin (the sync client checks the origin on every request). */
  getSession(): AuthSession | null {
    return this.session;
  }

  /** The session for the backend in effect, or null. */
  currentSession(): AuthSession | null {
    return this.get().authToken === null ? null : this.session;
  }

  /**
   * Signs in (a session from client.login) or out (null). Saved encrypted when the cipher allows,
   * otherwise kept for this run only.
   */
  setSession(session: AuthSession | null): void {
    this.replaceSaved({ ...this.saved }, session);
  }

  /** Where a token is kept now, for Settings to say so. */
  tokenStorage(): TokenStorage {
    if (!this.cipher) return 'session-only';
    if (this.cipher.strength === 'os') return 'encrypted';
    return this.keyValues.get(BASIC_TEXT_OPT_IN_KEY) === true ? 'basic-text' : 'session-only';
  }

  /** Whether the only encryption on offer is basic_text (Settings offers the opt-in then). */
  onlyBasicTextEncryption(): boolean {
    return this.cipher?.strength === 'basic_text';
  }

  /** The person's choice to keep the token under basic_text encryption across restarts. */
  allowBasicTextStorage(allow: boolean): void {
    if (!this.onlyBasicTextEncryption()) {
      throw new ServiceError(
        'refused',
        'This computer encrypts the sign-in token with the system’s keychain already.',
      );
    }
    this.keyValues.set(BASIC_TEXT_OPT_IN_KEY, allow);
    // Re-save so the token is written (or removed from the file) according to the new choice.
    this.replaceSaved({ ...this.saved }, this.session);
  }

  /** What the renderer may see. */
  view(): SettingsView {
    const { authToken, ...visible } = this.get();
    return { ...visible, hasAuthToken: authToken !== null };
  }

  backendUrlSource(): BackendUrlSource {
    if (this.envBackendUrl) return 'environment';
    if (this.saved.backendUrl) return 'settings';
    if (this.runDefaultBackendUrl) return 'run-default';
    return 'none';
  }

  /** Whether the person or the environment chose a backend (this run's default does not count). */
  hasConfiguredBackend(): boolean {
    return this.envBackendUrl !== null || this.saved.backendUrl !== null;
  }

  /**
   * Validates and saves a patch; all or nothing. A bad value throws ServiceError with a
   * sentence per problem, and every setting keeps its old value.
   */
  update(patch: unknown): SettingsView {
    const parsed = parseSettingsPatch(patch);
    const next: Settings = { ...this.saved };
    let session = this.session;
    for (const key of SETTING_KEYS) {
      if (parsed[key] === undefined || key === 'authToken') continue;
      if (key === 'backendUrl') next.backendUrl = this.acceptBackendUrl(parsed.backendUrl ?? null);
      else Object.assign(next, { [key]: parsed[key] });
    }
    const backend = this.envBackendUrl ?? next.backendUrl ?? this.runDefaultBackendUrl;
    // Another origin signs out in this same write: the old server's token must never be sent
    // to the new address, not even by a sync that starts the moment the address is saved.
    if (session && (backend === null || originOf(backend) !== session.origin)) session = null;
    if (parsed.authToken !== undefined) {
      if (parsed.authToken === null) session = null;
      else if (backend === null) {
        throw new ServiceError('invalid-request', 'Choose a backend address before setting an auth token.', [
          'Choose a backend address before setting an auth token.',
        ]);
      } else session = sessionForToken(parsed.authToken, backend);
    }
    this.replaceSaved(next, session);
    return this.view();
  }

  /** The backend to use for this run when none is configured (null: none). Never saved. */
  setRunDefaultBackendUrl(url: string | null): void {
    const previous = this.get();
    if (url !== null && !settingsPatchSchema.safeParse({ backendUrl: url }).success) {
      throw new ServiceError('invalid-request', FIELD_MESSAGES.backendUrl);
    }
    this.runDefaultBackendUrl = url === null ? null : normalizeBackendUrl(url);
    this.emit(previous);
  }

  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private acceptBackendUrl(requested: string | null): string | null {
    const url = requested === null ? null : normalizeBackendUrl(requested);
    const insecure = url === null ? null : insecureAddressProblem(url);
    if (insecure) throw new ServiceError('invalid-request', insecure, [insecure]);
    if (this.envBackendUrl !== null) {
      // A form sent back unchanged is fine; choosing another backend is not possible here.
      if (url === this.envBackendUrl) return this.saved.backendUrl;
      throw new ServiceError(
        'refused',
        `The backend address is set by the ${BACKEND_URL_ENV} environment variable. Remove it to choose a backend here.`,
      );
    }
    // This run's default echoed back by the form must not be saved (the embedded backend's port is per run).
    if (url !== null && url === this.runDefaultBackendUrl && this.saved.backendUrl === null) return null;
    return url;
  }

  private replaceSaved(next: Settings, session: AuthSession | null): void {
    const previous = this.get();
    const previousSession = this.session;
    // Persist first: if writing fails, nothing changes in memory either. One value holds the
    // address and the session, so they can never be saved apart.
    this.keyValues.set(SETTINGS_STORAGE_KEY, this.persisted(next, session));
    this.saved = { ...next, authToken: null };
    this.session = session;
    this.emit(previous, previousSession !== session);
  }

  /** What goes to disk: never the token in plain text. */
  private persisted(settings: Settings, session: AuthSession | null): Record<string, JsonValue> {
    const { authToken: _neverSaved, ...rest } = settings;
    const value: Record<string, JsonValue> = { ...rest };
    if (session && this.tokenStorage() !== 'session-only' && this.cipher) {
      const saved: SavedSession = {
        origin: session.origin,
        userId: session.userId,
        expiresAt: session.expiresAt,
        sealed: Buffer.from(this.cipher.encrypt(session.token)).toString('base64'),
      };
      value.session = { ...saved };
    }
    return value;
  }

  private emit(previous: Settings, sessionChanged = false): void {
    const current = this.get();
    const changed = new Set(SETTING_KEYS.filter((key) => previous[key] !== current[key]));
    // A session for another origin changes no effective value, but the account view changed.
    if (sessionChanged) changed.add('authToken');
    if (changed.size === 0) return;
    this.logger.info(
      `Settings changed: ${[...changed].map((key) => describeChange(key, current)).join(', ')}`,
    );
    const change: SettingsChange = { previous, current, changed };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error('A settings listener failed', error);
      }
    }
  }

  /** Saved settings, key by key: one damaged value falls back to its default, not all of them. */
  private load(eraseDeletedContent: (() => void) | undefined): Settings {
    const raw = this.keyValues.get(SETTINGS_STORAGE_KEY);
    const settings: Settings = { ...DEFAULT_SETTINGS };
    if (raw === undefined) return settings;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      this.logger.warn('Saved settings were unreadable; using the defaults.');
      return settings;
    }
    for (const key of SETTING_KEYS) {
      if (!(key in raw) || key === 'authToken') continue;
      const parsed = settingsPatchSchema.safeParse({ [key]: raw[key] });
      if (parsed.success && parsed.data[key] !== undefined)
        Object.assign(settings, { [key]: parsed.data[key] });
      else this.logger.warn(`The saved setting ${key} was not valid; using its default.`);
    }
    if (settings.backendUrl) settings.backendUrl = normalizeBackendUrl(settings.backendUrl);
    this.session = this.loadSession(raw.session);
    const legacy = raw.authToken;
    if (typeof legacy === 'string' && legacy !== '') {
      this.migratePlaintextToken(legacy, settings, eraseDeletedContent);
    }
    return settings;
  }

  private loadSession(raw: JsonValue | undefined): AuthSession | null {
    if (raw === undefined || raw === null) return null;
    if (!isSavedSession(raw) || !this.cipher) {
      if (!this.cipher) this.logger.warn('The saved sign-in cannot be decrypted here; sign in again.');
      else this.logger.warn('The saved sign-in was unreadable; sign in again.');
      return null;
    }
    try {
      const token = this.cipher.decrypt(Buffer.from(raw.sealed, 'base64'));
      return { origin: raw.origin, userId: raw.userId, expiresAt: raw.expiresAt, token };
    } catch {
      // Another user account or a reinstalled keychain: the key is gone, so is the session.
      this.logger.warn('The saved sign-in could not be decrypted; sign in again.');
      return null;
    }
  }

  /**
   * An older version saved the token in plain text. It becomes a session bound to the backend
   * it was used with, saved encrypted (or kept for this run), and the old copy is erased from
   * the file's free pages, not just unlinked from the table.
   */
  private migratePlaintextToken(
    token: string,
    settings: Settings,
    eraseDeletedContent: (() => void) | undefined,
  ): void {
    const backend = this.envBackendUrl ?? settings.backendUrl;
    let session: AuthSession | null = null;
    if (this.session === null && backend !== null && token.length <= 8192) {
      try {
        session = sessionForToken(token, backend);
      } catch {
        session = null;
      }
    }
    this.session = this.session ?? session;
    this.keyValues.set(SETTINGS_STORAGE_KEY, this.persisted(settings, this.session));
    try {
      eraseDeletedContent?.();
    } catch (error) {
      this.logger.error('Erasing the old plaintext token from the database failed', error);
    }
    this.logger.info('Moved the saved auth token to encrypted storage and erased the plaintext copy');
  }
}

function describeChange(key: SettingKey, current: Settings): string {
  if (key === 'authToken') return current.authToken === null ? 'auth token removed' : 'auth token set';
  return `${key} = ${JSON.stringify(current[key])}`;
}
