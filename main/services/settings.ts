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
 * say only that it was set or removed.
 */
import type { z } from 'zod';
import { settingsPatchSchema, type SettingsPatch } from '../../common/ipc-contract';
import type { JsonValue } from '../../common/table-schema';
import {
  CONFLICT_POLICIES,
  DEFAULT_SETTINGS,
  SYNC_INTERVAL_LIMITS,
  type Settings,
  type SettingsView,
} from '../../common/sync-types';
import type { KeyValueStore } from '../store/types';
import { AppError } from './errors';
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

export interface SettingsServiceOptions {
  keyValues: KeyValueStore;
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
}

const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];

const FIELD_MESSAGES: Record<SettingKey, string> = {
  backendUrl: 'The backend address must be an http:// or https:// URL without a user name or password.',
  syncIntervalMinutes: `The sync interval must be a whole number of minutes from ${SYNC_INTERVAL_LIMITS.minMinutes} to ${SYNC_INTERVAL_LIMITS.maxMinutes}.`,
  conflictPolicy: `The conflict policy must be one of: ${CONFLICT_POLICIES.join(', ')}.`,
  workOffline: '“Work offline” must be on or off.',
  authToken: 'The auth token must be 1 to 8192 characters long (or empty to remove it).',
};

function isSettingKey(key: unknown): key is SettingKey {
  return typeof key === 'string' && (SETTING_KEYS as string[]).includes(key);
}

/** One sentence per problem, in the words the settings form uses. */
export function describeSettingsIssues(error: z.ZodError): string[] {
  const messages = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `Unknown setting${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}.`;
    }
    const key = issue.path[0];
    if (issue.path.length === 0) return 'Settings must be given as an object of named values.';
    return isSettingKey(key) ? FIELD_MESSAGES[key] : issue.message;
  });
  return [...new Set(messages)];
}

/** Validates a patch the way `update` does; throws AppError('invalid-request'). */
export function parseSettingsPatch(patch: unknown): SettingsPatch {
  const parsed = settingsPatchSchema.safeParse(patch);
  if (parsed.success) return parsed.data;
  const issues = describeSettingsIssues(parsed.error);
  throw new AppError('invalid-request', issues[0] ?? 'These settings are not valid.', issues);
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
    throw new AppError(
      'invalid-request',
      `${BACKEND_URL_ENV} must be an http:// or https:// URL; it is set to ${JSON.stringify(raw.slice(0, 200))}.`,
    );
  }
  return normalizeBackendUrl(parsed.data.backendUrl);
}

export class SettingsService {
  private saved: Settings;
  private readonly envBackendUrl: string | null;
  private runDefaultBackendUrl: string | null = null;
  private readonly listeners = new Set<SettingsListener>();
  private readonly keyValues: KeyValueStore;
  private readonly logger: Logger;

  constructor(options: SettingsServiceOptions) {
    this.keyValues = options.keyValues;
    this.logger = options.logger ?? silentLogger;
    this.envBackendUrl = readEnvBackendUrl(options.env ?? {});
    this.saved = this.load();
  }

  /** The settings in effect (the backend address resolved from its sources). */
  get(): Settings {
    return {
      ...this.saved,
      backendUrl: this.envBackendUrl ?? this.saved.backendUrl ?? this.runDefaultBackendUrl,
    };
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
   * Validates and saves a patch; all or nothing. A bad value throws AppError with a
   * sentence per problem, and every setting keeps its old value.
   */
  update(patch: unknown): SettingsView {
    const parsed = parseSettingsPatch(patch);
    const next: Settings = { ...this.saved };
    for (const key of SETTING_KEYS) {
      if (parsed[key] === undefined) continue;
      if (key === 'backendUrl') next.backendUrl = this.acceptBackendUrl(parsed.backendUrl ?? null);
      else Object.assign(next, { [key]: parsed[key] });
    }
    this.replaceSaved(next);
    return this.view();
  }

  /** The backend to use for this run when none is configured (null: none). Never saved. */
  setRunDefaultBackendUrl(url: string | null): void {
    const previous = this.get();
    if (url !== null && !settingsPatchSchema.safeParse({ backendUrl: url }).success) {
      throw new AppError('invalid-request', FIELD_MESSAGES.backendUrl);
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
    if (this.envBackendUrl !== null) {
      // A form sent back unchanged is fine; choosing another backend is not possible here.
      if (url === this.envBackendUrl) return this.saved.backendUrl;
      throw new AppError(
        'refused',
        `The backend address is set by the ${BACKEND_URL_ENV} environment variable. Remove it to choose a backend here.`,
      );
    }
    // This run's default echoed back by the form must not be saved (the embedded backend's port is per run).
    if (url !== null && url === this.runDefaultBackendUrl && this.saved.backendUrl === null) return null;
    return url;
  }

  private replaceSaved(next: Settings): void {
    const previous = this.get();
    // Persist first: if writing fails, nothing changes in memory either.
    this.keyValues.set(SETTINGS_STORAGE_KEY, { ...next } satisfies Record<SettingKey, JsonValue>);
    this.saved = next;
    this.emit(previous);
  }

  private emit(previous: Settings): void {
    const current = this.get();
    const changed = new Set(SETTING_KEYS.filter((key) => previous[key] !== current[key]));
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
  private load(): Settings {
    const raw = this.keyValues.get(SETTINGS_STORAGE_KEY);
    const settings: Settings = { ...DEFAULT_SETTINGS };
    if (raw === undefined) return settings;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      this.logger.warn('Saved settings were unreadable; using the defaults.');
      return settings;
    }
    for (const key of SETTING_KEYS) {
      if (!(key in raw)) continue;
      const parsed = settingsPatchSchema.safeParse({ [key]: raw[key] });
      if (parsed.success && parsed.data[key] !== undefined)
        Object.assign(settings, { [key]: parsed.data[key] });
      else this.logger.warn(`The saved setting ${key} was not valid; using its default.`);
    }
    if (settings.backendUrl) settings.backendUrl = normalizeBackendUrl(settings.backendUrl);
    return settings;
  }
}

function describeChange(key: SettingKey, current: Settings): string {
  if (key === 'authToken') return current.authToken === null ? 'auth token removed' : 'auth token set';
  return `${key} = ${JSON.stringify(current[key])}`;
}
