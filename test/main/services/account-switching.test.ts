/**
 * Data per account on one computer: person A and person B sign in and out of the same app
 * (the same data folder) against the real server with --auth. Each sees only their own todos,
 * unsynced edits wait in their own file under their own identity, signing out with unsynced
 * edits asks first, and an ended session pauses syncing until signing in again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { todoTable } from '../../../common/todo-table';
import { createAppServices, type AppServices } from '../../../main/services/app-services';
import { MobileServiceClient, Query } from '../../../main/sync';
import { openStore } from '../../../main/store';
import { backendHeaders } from '../../support/backend';
import { backendFixture, fixtureTest } from '../../support/fixtures';
import { followSignIn, type FollowerOptions } from '../../support/login-follower';
import { expiredToken } from '../../support/tokens';
import { testCipher } from './support/test-cipher';

async function texts(services: AppServices): Promise<string[]> {
  const page = await services.handlers['todos:query']({ filter: 'all', skip: 0, take: 100 });
  return page.items.map((item) => item.text).sort();
}

type OpenApp = (userData: string, person: { name: string }) => Promise<AppServices>;

/**
 * One server with sign-in for the file. `openApp(userData, person)`: one app, closed after the
 * test; `person.name` is who stands at the identity provider when the window opens.
 * `serverTextsOf(name)`: what the server holds for `name`, read by a separate client signed in
 * as them.
 */
const it = fixtureTest
  .extend('server', { scope: 'file' }, backendFixture({ auth: true }))
  .extend('openApp', async ({ server, defer }): Promise<OpenApp> => async (userData, person) => {
    const follower: FollowerOptions = {};
    const services = await createAppServices({
      userDataPath: userData,
      env: {},
      backendUrl: server.url,
      backendKey: server.key,
      tokenCipher: testCipher('os', Buffer.alloc(32, 7)),
      loginUi: {
        signIn: ({ loginUrl, isDone }) =>
          followSignIn(loginUrl, isDone, { ...follower, loginHint: person.name }),
      },
    });
    defer(() => services.close());
    return services;
  })
  .extend(
    'serverTextsOf',
    async ({ server }): Promise<(name: string) => Promise<string[]>> =>
      async (name) => {
        const folder = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-reader-'));
        const store = openStore({ path: path.join(folder, 'reader.db'), tables: [todoTable] });
        try {
          const client = new MobileServiceClient(server.url, {
            extraHeaders: () => backendHeaders(server.url),
            loginUi: {
              signIn: ({ loginUrl, isDone }) => followSignIn(loginUrl, isDone, { loginHint: name }),
            },
          });
          await client.getSyncContext().initialize(store);
          await client.login('google');
          await client.getSyncContext().pull(new Query('todoitem'), 'all');
          return (await client.getSyncTable(todoTable).read()).map((todo) => todo.text).sort();
        } finally {
          store.close();
          rmSync(folder, { recursive: true, force: true });
        }
      },
  );

describe('two people on one computer', { timeout: 120_000 }, () => {
  it('each sees and pushes only their own todos; unsynced edits on both sides survive the switches', async ({
    tempDir,
    openApp,
    serverTextsOf,
  }) => {
    const userData = tempDir('todo-sync-people-');
    const person = { name: 'anna' };
    const app = await openApp(userData, person);
    // Before anyone signs in: the open account's todo, in today's todo-sync.db.
    await app.handlers['todos:add']({ text: 'written before signing in' });

    // Anna signs in: her own (empty) file; the open account's todo is not hers to see or push.
    expect(await app.handlers['account:sign-in']({ provider: 'google' })).toMatchObject({
      userId: 'sid:anna',
    });
    expect(await texts(app)).toEqual([]);
    await app.handlers['todos:add']({ text: 'anna synced' });
    expect((await app.syncService.syncNow()).ok).toBe(true);
    app.syncService.setWorkOffline(true);
    await app.handlers['todos:add']({ text: 'anna unsynced' });

    // Signing out with an unsynced edit says so and changes nothing; confirming keeps it in her file.
    await expect(app.handlers['account:sign-out']({ confirmUnsyncedChanges: false })).rejects.toThrow(
      /1 change has not reached the server yet/,
    );
    expect((await app.handlers['account:get'](undefined)).userId).toBe('sid:anna');
    const exported = await app.handlers['data:export-unsynced'](undefined);
    expect(exported.json).toContain('anna unsynced');
    expect(await app.handlers['account:sign-out']({ confirmUnsyncedChanges: true })).toMatchObject({
      signedIn: false,
    });
    expect(await texts(app)).toEqual(['written before signing in']);

    // Ben signs in on the same app: none of Anna's todos, and his own unsynced edit.
    person.name = 'ben';
    app.syncService.setWorkOffline(false);
    expect(await app.handlers['account:sign-in']({ provider: 'google' })).toMatchObject({
      userId: 'sid:ben',
    });
    expect((await app.syncService.syncNow()).ok).toBe(true);
    expect(await texts(app)).toEqual([]);
    await app.handlers['todos:add']({ text: 'ben synced' });
    expect((await app.syncService.syncNow()).ok).toBe(true);
    app.syncService.setWorkOffline(true);
    await app.handlers['todos:add']({ text: 'ben unsynced' });
    await app.handlers['account:sign-out']({ confirmUnsyncedChanges: true });

    // After a restart Anna signs back in: all hers is there, the unsynced edit too, then it syncs as hers.
    await app.close();
    person.name = 'anna';
    const again = await openApp(userData, person);
    expect(await texts(again)).toEqual(['written before signing in']);
    await again.handlers['account:sign-in']({ provider: 'google' });
    expect(await texts(again)).toEqual(['anna synced', 'anna unsynced']);
    expect(again.getStatus().pendingOperations).toBe(1);
    again.syncService.setWorkOffline(false);
    expect((await again.syncService.syncNow()).ok).toBe(true);

    expect(await serverTextsOf('anna')).toEqual(['anna synced', 'anna unsynced']);
    expect(await serverTextsOf('ben')).toEqual(['ben synced']);

    // Ben's unsynced edit waits in his file, for him.
    await again.handlers['account:sign-out']({ confirmUnsyncedChanges: false });
    person.name = 'ben';
    await again.handlers['account:sign-in']({ provider: 'google' });
    expect(await texts(again)).toEqual(['ben synced', 'ben unsynced']);
    expect(again.getStatus().pendingOperations).toBe(1);
  });

  it('an ended session pauses syncing with "sign in again"; signing in again resumes with the queue intact', async ({
    tempDir,
    openApp,
    serverTextsOf,
    server,
  }) => {
    const userData = tempDir('todo-sync-expiry-');
    const app = await openApp(userData, { name: 'cleo' });
    await app.handlers['account:sign-in']({ provider: 'google' });
    const session = app.parts.settings.getSession();
    if (!session) throw new Error('not signed in');
    // Time passes: the token the server handed out has ended.
    app.parts.settings.setSession({ ...session, token: expiredToken(server.authSecret(), 'sid:cleo') });
    await app.handlers['todos:add']({ text: 'written after the session ended' });
    const refused = await app.syncService.syncNow();
    expect(refused.error).toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/Sign in again/),
    });
    expect(app.getStatus()).toMatchObject({ connectivity: 'unauthorized', pendingOperations: 1 });

    // "Sign in again": the stub has no /.auth/refresh (404), so the window opens with the last provider.
    const view = await app.handlers['account:sign-in']({});
    expect(view).toMatchObject({ signedIn: true, userId: 'sid:cleo', lastProvider: 'google' });
    expect((await app.syncService.syncNow()).ok).toBe(true);
    expect(app.getStatus()).toMatchObject({ connectivity: 'online', pendingOperations: 0 });
    expect(await serverTextsOf('cleo')).toEqual(['written after the session ended']);
  });
});
