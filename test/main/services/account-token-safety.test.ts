/**
 * The sign-in token at rest and in transit, through the app's services: encrypted on disk (or
 * kept for the session only), a plaintext token left by an older version moved and erased,
 * bound to its origin (an address change signs out in the same write; TODO_BACKEND_URL cannot
 * lend it to another server), plain http refused for other computers, and private file modes.
 * Real store files, real servers with --auth.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, vi } from 'vitest';
import { todoTable } from '../../../common/todo-table';
import {
  createAppServices,
  type AppServices,
  type AppServicesOptions,
} from '../../../main/services/app-services';
import { SETTINGS_STORAGE_KEY, SettingsService } from '../../../main/services/settings';
import { openStore } from '../../../main/store';
import { startTestBackend, type TestBackend } from '../../support/backend';
import { fixtureTest } from '../../support/fixtures';
import { followingLoginUi } from '../../support/login-follower';
import { MemoryKeyValues } from './support/memory-key-values';
import { testCipher } from './support/test-cipher';

let serverA: TestBackend;
let serverB: TestBackend;

beforeAll(async () => {
  [serverA, serverB] = await Promise.all([
    startTestBackend({ auth: true, open: true }),
    startTestBackend({ auth: true, open: true }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([serverA?.stop(), serverB?.stop()]);
});
afterEach(() => {
  vi.restoreAllMocks();
});

type Open = (options: Partial<AppServicesOptions> & { userDataPath: string }) => Promise<AppServices>;

/** `open(options)`: the app's services on `options.userDataPath`, closed after the test. */
const it = fixtureTest.extend('open', async ({ defer }): Promise<Open> => async (options) => {
  const services = await createAppServices({ env: {}, tokenCipher: testCipher(), ...options });
  defer(() => services.close());
  return services;
});

/** Every byte of every file in the folder (databases, their WAL, anything else). */
function allBytes(folder: string): Buffer {
  const chunks: Buffer[] = [];
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) chunks.push(readFileSync(path.join(entry.parentPath, entry.name)));
  }
  return Buffer.concat(chunks);
}

function recordFetch(): { url: string; token: string | null }[] {
  const sent: { url: string; token: string | null }[] = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    sent.push({ url: String(input), token: new Headers(init?.headers).get('x-zumo-auth') });
    return realFetch(input, init);
  });
  return sent;
}

describe('the token in settings', () => {
  it('is saved only encrypted, and comes back after a restart', () => {
    const keyValues = new MemoryKeyValues();
    const cipher = testCipher();
    const settings = new SettingsService({ keyValues, tokenCipher: cipher });
    settings.update({ backendUrl: 'https://todo.example.com', authToken: 'plain-secret-token-123' });
    const saved = keyValues.entries.get(SETTINGS_STORAGE_KEY) ?? '';
    expect(saved).not.toContain('plain-secret-token-123');
    expect(saved).not.toContain(Buffer.from('plain-secret-token-123').toString('base64'));
    expect(saved).toContain('"sealed"');
    const reopened = new SettingsService({ keyValues, tokenCipher: cipher });
    expect(reopened.get().authToken).toBe('plain-secret-token-123');
    // Another key (another OS user, a reset keychain) cannot read it: signed out, not broken.
    expect(new SettingsService({ keyValues, tokenCipher: testCipher() }).get().authToken).toBeNull();
  });

  it('without strong encryption it lasts for the session only, unless the person accepts basic_text', () => {
    const keyValues = new MemoryKeyValues();
    const weak = testCipher('basic_text');
    const settings = new SettingsService({ keyValues, tokenCipher: weak });
    settings.update({ backendUrl: 'https://todo.example.com', authToken: 'tok-basic' });
    expect(settings.tokenStorage()).toBe('session-only');
    expect(settings.onlyBasicTextEncryption()).toBe(true);
    expect(settings.get().authToken).toBe('tok-basic');
    expect(keyValues.entries.get(SETTINGS_STORAGE_KEY)).not.toContain('sealed');
    expect(new SettingsService({ keyValues, tokenCipher: weak }).get().authToken).toBeNull();

    settings.allowBasicTextStorage(true);
    expect(settings.tokenStorage()).toBe('basic-text');
    expect(new SettingsService({ keyValues, tokenCipher: weak }).get().authToken).toBe('tok-basic');
    settings.allowBasicTextStorage(false);
    expect(keyValues.entries.get(SETTINGS_STORAGE_KEY)).not.toContain('sealed');

    const none = new SettingsService({ keyValues: new MemoryKeyValues() });
    expect(none.tokenStorage()).toBe('session-only');
    expect(() =>
      new SettingsService({ keyValues, tokenCipher: testCipher('os') }).allowBasicTextStorage(true),
    ).toThrow(/keychain/);
  });

  it('an address on another origin signs out in the same write that saves the address', () => {
    const keyValues = new MemoryKeyValues();
    const settings = new SettingsService({ keyValues, tokenCipher: testCipher() });
    settings.update({ backendUrl: 'https://a.example.com', authToken: 'token-of-a' });
    const writes: string[] = [];
    const set = keyValues.set.bind(keyValues);
    keyValues.set = (key, value) => {
      writes.push(JSON.stringify(value));
      set(key, value);
    };
    const seen: (string | null)[][] = [];
    settings.onChange(({ current }) => seen.push([current.backendUrl, current.authToken]));
    settings.update({ backendUrl: 'https://b.example.com' });
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('https://b.example.com');
    expect(writes[0]).not.toContain('sealed');
    // Listeners (the engine, the scheduler) never see the new address together with the old token.
    expect(seen).toEqual([['https://b.example.com', null]]);
    expect(settings.getSession()).toBeNull();

    // The same origin under another spelling keeps the session.
    settings.update({ backendUrl: 'https://b.example.com', authToken: 'token-of-b' });
    settings.update({ backendUrl: 'https://b.example.com/' });
    expect(settings.get().authToken).toBe('token-of-b');
  });

  it('TODO_BACKEND_URL naming another server does not lend it the saved token', () => {
    const keyValues = new MemoryKeyValues();
    const cipher = testCipher();
    new SettingsService({ keyValues, tokenCipher: cipher }).update({
      backendUrl: 'https://a.example.com',
      authToken: 'token-of-a',
    });
    const elsewhere = new SettingsService({
      keyValues,
      tokenCipher: cipher,
      env: { TODO_BACKEND_URL: 'https://other.example.com' },
    });
    expect(elsewhere.get()).toMatchObject({ backendUrl: 'https://other.example.com', authToken: null });
    expect(elsewhere.getSession()?.origin).toBe('https://a.example.com');
  });

  it('refuses plain http to another computer, saying why, and changes nothing', () => {
    const keyValues = new MemoryKeyValues();
    const settings = new SettingsService({ keyValues });
    settings.update({ backendUrl: 'http://127.0.0.1:3000' });
    expect(() => settings.update({ backendUrl: 'http://todo.example.com' })).toThrow(
      /Use an https:\/\/ address/,
    );
    expect(() => settings.update({ backendUrl: 'http://10.0.0.5:3000' })).toThrow(
      /only allowed for this computer/,
    );
    expect(settings.get().backendUrl).toBe('http://127.0.0.1:3000');
    expect(
      () => new SettingsService({ keyValues, env: { TODO_BACKEND_URL: 'http://todo.example.com' } }),
    ).toThrow(/TODO_BACKEND_URL/);
    expect(settings.update({ backendUrl: 'http://localhost:8080' }).backendUrl).toBe('http://localhost:8080');
  });
});

describe('the token on disk, through the app', { timeout: 90_000 }, () => {
  it('a plaintext token from an older version is encrypted and its old bytes are erased from the file', async ({
    tempDir,
    open,
  }) => {
    const userData = tempDir();
    const token = `legacy-plaintext-token-${'x'.repeat(40)}`;
    // What an older version left: the token inside the settings value, in todo-sync.db.
    const old = openStore({ path: path.join(userData, 'todo-sync.db'), tables: [todoTable] });
    old.keyValues.set(SETTINGS_STORAGE_KEY, { backendUrl: serverA.url, authToken: token, workOffline: true });
    old
      .table(todoTable)
      .insert({ id: 'kept-1', text: 'a todo from before', complete: false, notes: null } as never);
    old.close();
    expect(allBytes(userData).includes(token)).toBe(true);

    const services = await open({ userDataPath: userData });
    expect(services.parts.settings.get().authToken).toBe(token);
    // Nothing lost: the open account is still today's file.
    expect(services.parts.account).toEqual({ kind: 'open' });
    const page = await services.handlers['todos:query']({ filter: 'all', skip: 0, take: 10 });
    expect(page.items.map((item) => item.id)).toEqual(['kept-1']);
    expect(allBytes(userData).includes(token)).toBe(false);
    await services.close();
    expect(allBytes(userData).includes(token)).toBe(false);
  });

  it('after signing in and syncing, the token is in no file; the folder is 0700 and the databases 0600', async ({
    tempDir,
    open,
  }) => {
    const userData = tempDir();
    const services = await open({
      userDataPath: userData,
      backendUrl: serverA.url,
      loginUi: followingLoginUi({ loginHint: 'frank' }),
    });
    const view = await services.handlers['account:sign-in']({ provider: 'google' });
    expect(view).toMatchObject({ signedIn: true, userId: 'sid:frank', tokenStorage: 'encrypted' });
    const token = services.parts.client.currentUser?.mobileServiceAuthenticationToken ?? '';
    expect(token.length).toBeGreaterThan(20);
    await services.handlers['todos:add']({ text: 'frank’s todo' });
    expect((await services.syncService.syncNow()).ok).toBe(true);
    await services.close();

    const bytes = allBytes(userData);
    expect(bytes.includes(token)).toBe(false);
    expect(bytes.includes(token.split('.')[2] ?? 'none')).toBe(false);
    if (process.platform !== 'win32') {
      expect(statSync(userData).mode & 0o777).toBe(0o700);
      const databases = readdirSync(userData, { recursive: true, withFileTypes: true }).filter(
        (entry) => entry.isFile() && /\.db(-wal|-shm)?$/.test(entry.name),
      );
      expect(databases.length).toBeGreaterThanOrEqual(2);
      for (const entry of databases) {
        expect(statSync(path.join(entry.parentPath, entry.name)).mode & 0o777).toBe(0o600);
      }
    }
  });

  it('after an address change, no request carries the old server’s token to the new one', async ({
    tempDir,
    open,
  }) => {
    const services = await open({
      userDataPath: tempDir(),
      backendUrl: serverA.url,
      loginUi: followingLoginUi({ loginHint: 'gina' }),
    });
    await services.handlers['settings:set']({ backendUrl: serverA.url });
    await services.handlers['account:sign-in']({ provider: 'google' });
    const token = services.parts.client.currentUser?.mobileServiceAuthenticationToken;
    await services.handlers['todos:add']({ text: 'gina’s, for A only' });
    const sent = recordFetch();
    await services.handlers['settings:set']({ backendUrl: serverB.url });
    expect(await services.handlers['account:get'](undefined)).toMatchObject({ signedIn: false });
    const result = await services.syncService.syncNow();
    expect(result.error?.code).toBe('unauthorized');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((request) => request.token !== null)).toEqual([]);
    expect(sent.map((request) => request.token)).not.toContain(token);
  });
});
