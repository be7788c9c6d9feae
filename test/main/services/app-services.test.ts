/**
 * The composition root: opening the store (and saying so when it cannot), the embedded
 * backend's life cycle, settings reaching the engine and the scheduler, and an auth token
 * that is refused and never logged. Real store, real server.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import type { SyncStatus } from '../../../common/sync-types';
import {
  createAppServices,
  DATABASE_FILE_NAME,
  StartupError,
  type AppServices,
  type AppServicesOptions,
} from '../../../main/services/app-services';
import { startEmbeddedBackend, type EmbeddedBackend } from '../../../main/services/backend-process';
import { backendKeyFor, startTestBackend } from '../../support/backend';
import { backendFixture, fixtureTest } from '../../support/fixtures';
import { recordingLogger } from './support/memory-key-values';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
/**
 * One test backend for the file; per test, `open(options)` starts the app's services on a
 * temporary user-data folder (unless given one) and closes them after the test.
 */
const it = fixtureTest
  .extend('backend', { scope: 'file' }, backendFixture())
  .extend(
    'open',
    async ({ tempDir, defer }): Promise<(options?: Partial<AppServicesOptions>) => Promise<AppServices>> =>
      async (options = {}) => {
        // A test server's key goes with its URL, as the embedded backend's does in the app.
        const backendKey = options.backendUrl ? backendKeyFor(options.backendUrl) : null;
        const services = await createAppServices({
          userDataPath: tempDir('todo-sync-app-'),
          env: {},
          backendKey,
          ...options,
        });
        defer(() => services.close());
        return services;
      },
  );

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('opening the store', () => {
  it('refuses to start with a clear message when the database cannot be opened', async ({ tempDir }) => {
    const userData = tempDir();
    // A folder where the database file should be: nothing can open it.
    mkdirSync(path.join(userData, DATABASE_FILE_NAME));
    const failure = createAppServices({ userDataPath: userData, env: {} });
    await expect(failure).rejects.toBeInstanceOf(StartupError);
    await expect(failure).rejects.toThrow(/^Todo Sync could not open its data\. /);
  });

  it('starts with an empty database when the file is damaged, and tells the person', async ({
    tempDir,
    open,
  }) => {
    const userData = tempDir();
    writeFileSync(path.join(userData, DATABASE_FILE_NAME), 'this is not a database'.repeat(100));
    const services = await open({ userDataPath: userData });
    expect(services.notices).toHaveLength(1);
    expect(services.notices[0]).toMatch(/could not be read/);
    const page = await services.handlers['todos:query']({ filter: 'all', skip: 0, take: 10 });
    expect(page.total).toBe(0);
  });

  it('refuses to start when TODO_BACKEND_URL is not http(s), naming the variable', async ({ tempDir }) => {
    await expect(
      createAppServices({ userDataPath: tempDir(), env: { TODO_BACKEND_URL: 'ftp://x' } }),
    ).rejects.toThrow(/TODO_BACKEND_URL/);
  });

  it('uses TODO_BACKEND_URL over the saved setting', async ({ open, backend }) => {
    const services = await open({
      env: { TODO_BACKEND_URL: backend.url, TODO_BACKEND_KEY: backend.key ?? '' },
    });
    expect(services.getStatus().backendUrl).toBe(backend.url);
    expect((await services.syncService.syncNow()).ok).toBe(true);
  });
});

describe('two app instances', () => {
  it('with different user-data folders sync through one backend', async ({ open, backend }) => {
    const alice = await open({ backendUrl: backend.url });
    const bob = await open({ backendUrl: backend.url });
    const added = await alice.handlers['todos:add']({ text: 'shared through the backend' });
    await alice.syncService.syncNow();
    await bob.syncService.syncNow();
    const seenByBob = await bob.handlers['todos:query']({
      filter: 'all',
      search: 'shared through',
      skip: 0,
      take: 10,
    });
    expect(seenByBob.items.map((item) => item.id)).toEqual([added.id]);

    await bob.handlers['todos:update']({ id: added.id, changes: { complete: true } });
    await bob.syncService.syncNow();
    await alice.syncService.syncNow();
    const seenByAlice = await alice.handlers['todos:query']({ filter: 'completed', skip: 0, take: 10 });
    expect(seenByAlice.items.map((item) => item.id)).toContain(added.id);
  });
});

describe('the embedded backend', { timeout: 90_000 }, () => {
  it('is started when nothing is configured, synced with, and stopped on close', async ({
    tempDir,
    open,
  }) => {
    let started: EmbeddedBackend | undefined;
    const userData = tempDir();
    const services = await open({
      userDataPath: userData,
      startEmbeddedBackend: async () => {
        started = await startEmbeddedBackend({
          projectRoot: repoRoot,
          dataDir: path.join(userData, 'backend'),
          nodePath: process.execPath,
        });
        return started;
      },
    });
    await services.start();
    if (!started?.pid) throw new Error('the embedded backend did not start');
    expect(services.getStatus().backendUrl).toBe(started.url);
    expect((await services.handlers['settings:get'](undefined)).backendUrl).toBe(started.url);

    await services.handlers['todos:add']({ text: 'to the embedded backend' });
    expect(await services.syncService.syncNow()).toMatchObject({ ok: true, pushed: 1 });

    await services.close();
    expect(isAlive(started.pid)).toBe(false);
  });

  it('is stopped when the app closes while it is still starting', async ({ open }) => {
    let finishStarting: (backend: EmbeddedBackend) => void = () => undefined;
    let stopped = false;
    const services = await open({
      startEmbeddedBackend: () => new Promise<EmbeddedBackend>((resolve) => (finishStarting = resolve)),
    });
    const starting = services.start();
    await services.close();
    finishStarting({
      url: 'http://127.0.0.1:1',
      key: 'unused',
      pid: undefined,
      dataDir: '',
      onUnexpectedExit: () => () => undefined,
      stop: async () => {
        stopped = true;
      },
    });
    await starting;
    expect(stopped).toBe(true);
  });

  it('failing to start leaves the app working local-only, saying why', async ({ open }) => {
    const services = await open({
      startEmbeddedBackend: () => Promise.reject(new Error('The local backend could not start: no Node.')),
    });
    await services.start();
    expect(services.notices.join('\n')).toMatch(/no Node\. .*kept on this computer only/);
    expect(services.getStatus().connectivity).toBe('local-only');
    await services.handlers['todos:add']({ text: 'still works' });
    expect(services.getStatus().pendingOperations).toBe(1);
  });
});

describe('settings reach the engine and the scheduler', () => {
  it('a new interval moves the next background sync', async ({ open, backend }) => {
    const services = await open({ backendUrl: backend.url });
    const next = new Promise<SyncStatus>((resolve) =>
      services.onStatusChanged((status) => status.nextSyncAt && status.lastSyncedAt && resolve(status)),
    );
    await services.start();
    const first = await next;
    const lastSynced = Date.parse(first.lastSyncedAt ?? '');
    expect(Date.parse(first.nextSyncAt ?? '') - lastSynced).toBeGreaterThanOrEqual(4 * 60_000);

    await services.handlers['settings:set']({ syncIntervalMinutes: 60 });
    expect(Date.parse(services.getStatus().nextSyncAt ?? '') - lastSynced).toBeGreaterThanOrEqual(
      59 * 60_000,
    );
  });

  it('the conflict policy applies to the engine', async ({ open, backend }) => {
    const services = await open({ backendUrl: backend.url });
    const { syncContext } = services.parts;
    expect(syncContext.getConflictPolicy('todoitem')).toBe('merge');
    await services.handlers['settings:set']({ conflictPolicy: 'server-wins' });
    expect(syncContext.getConflictPolicy('todoitem')).toBe('server-wins');
  });

  it('a refused token pauses syncing as unauthorized, is never logged, and a new token resumes', async ({
    open,
    backend,
  }) => {
    const logger = recordingLogger();
    const services = await open({ backendUrl: backend.url, logger });
    const token = 'not-a-valid-token-4242';
    await services.handlers['settings:set']({ authToken: token });
    await services.handlers['todos:add']({ text: 'waits for a good token' });

    const refused = await services.syncService.syncNow();
    expect(refused.error?.code).toBe('unauthorized');
    expect(services.getStatus().connectivity).toBe('unauthorized');
    // Background syncing waits for new credentials instead of retrying.
    await services.start();
    expect(services.parts.scheduler.getState()).toMatchObject({ unauthorized: true, nextSyncAt: null });

    const resumed = new Promise<SyncStatus>((resolve) =>
      services.onStatusChanged((status) => status.pendingOperations === 0 && resolve(status)),
    );
    await services.handlers['settings:set']({ authToken: null });
    expect(await resumed).toMatchObject({ connectivity: 'online', lastError: null });
    expect(logger.lines.join('\n')).not.toContain(token);
    expect(logger.lines.join('\n')).toMatch(/auth token set/);
  });

  it(
    'moving to another backend pulls it from scratch',
    { timeout: 90_000 },
    async ({ open, defer, backend }) => {
      // A server the person picks in Settings, run open: the app holds no key for it.
      const other = await startTestBackend({ open: true });
      defer(() => other.stop());
      const services = await open({ backendUrl: backend.url });
      await services.handlers['todos:add']({ text: 'on the first' });
      await services.syncService.syncNow();

      await fetch(`${other.url}/tables/todoitem`, {
        method: 'POST',
        headers: { 'ZUMO-API-VERSION': '2.0.0', 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: 'old-row-on-other', text: 'older than any watermark', complete: false }),
      });
      await services.handlers['settings:set']({ backendUrl: other.url });
      expect(services.getStatus().backendUrl).toBe(other.url);
      await services.syncService.syncNow();
      const page = await services.handlers['todos:query']({ filter: 'all', skip: 0, take: 10 });
      expect(page.items.map((item) => item.id)).toContain('old-row-on-other');
    },
  );
});
