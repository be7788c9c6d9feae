import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../common/sync-types';
import { ServiceError } from '../../../main/services/errors';
import { SETTINGS_STORAGE_KEY, SettingsService, type SettingsChange } from '../../../main/services/settings';
import { MemoryKeyValues, recordingLogger } from './support/memory-key-values';

let keyValues: MemoryKeyValues;
let logger: ReturnType<typeof recordingLogger>;

function createSettings(env: Record<string, string | undefined> = {}): SettingsService {
  return new SettingsService({ keyValues, env, logger });
}

function expectRefused(action: () => unknown, code: string, message: RegExp): ServiceError {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ServiceError);
  const error = thrown as ServiceError;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  return error;
}

beforeEach(() => {
  keyValues = new MemoryKeyValues();
  logger = recordingLogger();
});

describe('settings', () => {
  it('starts from the defaults and persists a valid patch', () => {
    const settings = createSettings();
    expect(settings.get()).toEqual(DEFAULT_SETTINGS);
    const view = settings.update({
      backendUrl: 'https://todo.example.com/',
      syncIntervalMinutes: 15,
      conflictPolicy: 'ask',
      workOffline: true,
    });
    expect(view).toEqual({
      backendUrl: 'https://todo.example.com',
      syncIntervalMinutes: 15,
      conflictPolicy: 'ask',
      workOffline: true,
      hasAuthToken: false,
    });
    expect(createSettings().get()).toEqual({
      backendUrl: 'https://todo.example.com',
      syncIntervalMinutes: 15,
      conflictPolicy: 'ask',
      workOffline: true,
      authToken: null,
    });
  });

  it.each([
    ['ftp://files.example.com'],
    ['javascript:alert(1)'],
    ['file:///etc/passwd'],
    ['not a url'],
    ['https://user:secret@example.com'],
    [''],
  ])('refuses the backend URL %j and keeps the old one', (url) => {
    const settings = createSettings();
    settings.update({ backendUrl: 'http://127.0.0.1:3000' });
    const saved = keyValues.entries.get(SETTINGS_STORAGE_KEY);
    const changes: SettingsChange[] = [];
    settings.onChange((change) => changes.push(change));

    expectRefused(() => settings.update({ backendUrl: url }), 'invalid-request', /http:\/\/ or https:\/\//);
    expect(settings.get().backendUrl).toBe('http://127.0.0.1:3000');
    expect(keyValues.entries.get(SETTINGS_STORAGE_KEY)).toBe(saved);
    expect(changes).toEqual([]);
  });

  it.each([[0], [-5], [1441], [2.5], ['10']])('refuses the sync interval %j', (minutes) => {
    const settings = createSettings();
    const error = expectRefused(
      () => settings.update({ syncIntervalMinutes: minutes }),
      'invalid-request',
      /whole number of minutes from 1 to 1440/,
    );
    expect(error.issues).toHaveLength(1);
    expect(settings.get().syncIntervalMinutes).toBe(5);
  });

  it('refuses an unknown conflict policy, naming the allowed ones as the form does', () => {
    const settings = createSettings();
    expectRefused(
      () => settings.update({ conflictPolicy: 'last-writer-wins' }),
      'invalid-request',
      /Merge, Ask me, Server wins or Mine wins/,
    );
    expect(settings.get().conflictPolicy).toBe('merge');
  });

  it('refuses unknown settings and non-objects', () => {
    const settings = createSettings();
    expectRefused(() => settings.update({ theme: 'dark' }), 'invalid-request', /has no such setting/);
    expectRefused(() => settings.update('workOffline'), 'invalid-request', /object/);
  });

  it('is all or nothing: one bad value keeps every old value', () => {
    const settings = createSettings();
    const error = expectRefused(
      () => settings.update({ syncIntervalMinutes: 10, workOffline: true, backendUrl: 'ftp://x' }),
      'invalid-request',
      /backend address/,
    );
    expect(error.issues).toEqual([expect.stringMatching(/backend address/)]);
    expect(settings.get()).toEqual(DEFAULT_SETTINGS);
    expect(keyValues.entries.size).toBe(0);
  });

  it('keeps everything as it was when saving fails', () => {
    const settings = createSettings();
    keyValues.failWrites = true;
    expect(() => settings.update({ syncIntervalMinutes: 30 })).toThrow('disk full');
    expect(settings.get().syncIntervalMinutes).toBe(5);
  });

  it('tells listeners which effective values changed, and nothing for a no-op', () => {
    const settings = createSettings();
    const changes: SettingsChange[] = [];
    settings.onChange((change) => changes.push(change));
    settings.update({ syncIntervalMinutes: 30, workOffline: false });
    settings.update({ syncIntervalMinutes: 30 });
    expect(changes).toHaveLength(1);
    expect([...(changes[0]?.changed ?? [])]).toEqual(['syncIntervalMinutes']);
    expect(changes[0]?.previous.syncIntervalMinutes).toBe(5);
    expect(changes[0]?.current.syncIntervalMinutes).toBe(30);
  });

  it('never shows the auth token to the renderer, nor writes it to the log', () => {
    const token = 'secret-token-0123456789';
    const settings = createSettings();
    // A token belongs to a backend: without one there is nothing to bind it to.
    expectRefused(() => settings.update({ authToken: token }), 'invalid-request', /backend address/);
    settings.update({ backendUrl: 'https://todo.example.com' });
    const view = settings.update({ authToken: token });
    expect(view.hasAuthToken).toBe(true);
    expect(JSON.stringify(view)).not.toContain(token);
    expect(JSON.stringify(settings.view())).not.toContain(token);
    expect(settings.get().authToken).toBe(token);
    settings.update({ authToken: null });
    expect(settings.view().hasAuthToken).toBe(false);
    expect(logger.lines.some((line) => line.includes('auth token set'))).toBe(true);
    expect(logger.lines.join('\n')).not.toContain(token);
  });

  it('falls back to the default for each damaged saved value, keeping the good ones', () => {
    keyValues.set(SETTINGS_STORAGE_KEY, {
      backendUrl: 'ftp://old',
      syncIntervalMinutes: -3,
      conflictPolicy: 'client-wins',
      workOffline: 'yes',
    });
    const settings = createSettings();
    expect(settings.get()).toEqual({ ...DEFAULT_SETTINGS, conflictPolicy: 'client-wins' });
    expect(logger.lines.filter((line) => line.startsWith('warn'))).toHaveLength(3);
  });
});

describe('where the backend address comes from', () => {
  it('TODO_BACKEND_URL overrides the saved address, which cannot be changed while it is set', () => {
    keyValues.set(SETTINGS_STORAGE_KEY, { backendUrl: 'https://saved.example.com' });
    const settings = createSettings({ TODO_BACKEND_URL: 'http://127.0.0.1:4000/' });
    expect(settings.get().backendUrl).toBe('http://127.0.0.1:4000');
    expect(settings.backendUrlSource()).toBe('environment');
    expectRefused(
      () => settings.update({ backendUrl: 'https://other.example.com' }),
      'refused',
      /TODO_BACKEND_URL/,
    );
    // The form sent back as it was is fine.
    expect(
      settings.update({ backendUrl: 'http://127.0.0.1:4000', syncIntervalMinutes: 7 }).syncIntervalMinutes,
    ).toBe(7);
    expect(keyValues.get(SETTINGS_STORAGE_KEY)).toMatchObject({ backendUrl: 'https://saved.example.com' });
  });

  it('refuses to start with a TODO_BACKEND_URL that is not http(s)', () => {
    expectRefused(
      () => createSettings({ TODO_BACKEND_URL: 'ftp://x' }),
      'invalid-request',
      /TODO_BACKEND_URL/,
    );
    expect(createSettings({ TODO_BACKEND_URL: '  ' }).get().backendUrl).toBeNull();
  });

  it('uses the run’s default backend (the embedded one) only when nothing is configured, and never saves it', () => {
    const settings = createSettings();
    expect(settings.hasConfiguredBackend()).toBe(false);
    settings.setRunDefaultBackendUrl('http://127.0.0.1:5555');
    expect(settings.get().backendUrl).toBe('http://127.0.0.1:5555');
    expect(settings.backendUrlSource()).toBe('run-default');

    settings.update({ backendUrl: 'http://127.0.0.1:5555', workOffline: false, syncIntervalMinutes: 9 });
    expect(keyValues.get(SETTINGS_STORAGE_KEY)).toMatchObject({ backendUrl: null });
    expect(settings.hasConfiguredBackend()).toBe(false);

    settings.update({ backendUrl: 'https://chosen.example.com' });
    expect(settings.get().backendUrl).toBe('https://chosen.example.com');
    expect(settings.backendUrlSource()).toBe('settings');
    settings.update({ backendUrl: null });
    expect(settings.get().backendUrl).toBe('http://127.0.0.1:5555');
    expectRefused(() => settings.setRunDefaultBackendUrl('ftp://x'), 'invalid-request', /http:\/\//);
  });
});
