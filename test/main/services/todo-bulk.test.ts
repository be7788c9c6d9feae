/**
 * The bulk todo channel and Settings' connection test, through the dispatcher the shell registers,
 * the real handlers, store and engine, and the real azure-mobile-apps server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IpcChannel, IpcErrorPayload, ReplyOf, RequestInputOf } from '../../../common/ipc-contract';
import { createIpcDispatcher, type IpcDispatch } from '../../../main/ipc/dispatch';
import { APP_ENTRY_URL, isAppMainFrame } from '../../../main/ipc/trusted-sender';
import { createAppServices, type AppServices } from '../../../main/services/app-services';
import { startTestBackend, type TestBackend } from '../../support/backend';

const appFrame = { url: APP_ENTRY_URL, isMainFrame: true };
let backend: TestBackend;
let userData: string;
let services: AppServices;
let dispatch: IpcDispatch;

beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(async () => {
  await backend?.stop();
});
beforeEach(async () => {
  userData = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-bulk-'));
  services = await createAppServices({
    userDataPath: userData,
    backendUrl: backend.url,
    backendKey: backend.key,
    env: {},
  });
  dispatch = createIpcDispatcher({
    handlers: services.handlers,
    isTrustedSender: isAppMainFrame,
    logger: { warn: () => undefined, error: () => undefined },
  });
});
afterEach(async () => {
  await services?.close();
  rmSync(userData, { recursive: true, force: true });
});

async function call<C extends IpcChannel>(channel: C, payload: RequestInputOf<C>): Promise<ReplyOf<C>> {
  const result = await dispatch(appFrame, channel, payload);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
  return result.value as ReplyOf<C>;
}

async function callFails(channel: IpcChannel, payload: unknown): Promise<IpcErrorPayload> {
  const result = await dispatch(appFrame, channel, payload);
  if (result.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return result.error;
}

async function texts(filter: 'all' | 'active' | 'completed' = 'all'): Promise<string[]> {
  const page = await call('todos:query', { filter, skip: 0, take: 100 });
  return page.items.map((item) => item.text).sort();
}

describe('todos:bulk', () => {
  it('adds, completes and removes many todos in one call, and hands back what it removed', async () => {
    const { added } = await call('todos:bulk', {
      add: [
        { todo: { text: 'a' } },
        { todo: { text: 'b', notes: 'note b' }, complete: true },
        { todo: { text: 'c' } },
      ],
    });
    expect(added.map((item) => [item.text, item.complete, item.notes])).toEqual([
      ['a', false, null],
      ['b', true, 'note b'],
      ['c', false, null],
    ]);
    const [a, b, c] = added;
    if (!a || !b || !c) throw new Error('three todos expected');
    const result = await call('todos:bulk', {
      update: [{ id: a.id, changes: { complete: true } }],
      remove: [b.id, c.id],
    });
    expect(result.updated.map((item) => [item.id, item.complete])).toEqual([[a.id, true]]);
    expect(result.removed.map((item) => [item.text, item.notes, item.complete])).toEqual([
      ['b', 'note b', true],
      ['c', null, false],
    ]);
    expect(await texts()).toEqual(['a']);
    expect(await texts('completed')).toEqual(['a']);
    // Every write is queued for the server like a single edit: one push sends them.
    const synced = await call('sync:now', undefined);
    expect(synced.ok).toBe(true);
    const onServer = await fetch(`${backend.url}/tables/todoitem`, {
      headers: { 'ZUMO-API-VERSION': '2.0.0', ...backend.headers },
    });
    const rows = (await onServer.json()) as { text: string; complete: boolean }[];
    expect(rows.map((row) => [row.text, row.complete])).toEqual([['a', true]]);
  });

  it('refuses a request naming a missing todo and changes nothing', async () => {
    const { added } = await call('todos:bulk', { add: [{ todo: { text: 'keep me' } }] });
    const kept = added[0];
    if (!kept) throw new Error('one todo expected');
    const error = await callFails('todos:bulk', {
      update: [{ id: kept.id, changes: { text: 'changed' } }],
      remove: ['no-such-todo'],
    });
    expect(error.code).toBe('not-found');
    expect(error.issues).toEqual(['no-such-todo']);
    expect(await texts()).toEqual(['keep me']);
  });

  it('refuses the same todo twice, and an empty request', async () => {
    const { added } = await call('todos:bulk', { add: [{ todo: { text: 'once' } }] });
    const once = added[0];
    if (!once) throw new Error('one todo expected');
    const twice = await callFails('todos:bulk', {
      update: [{ id: once.id, changes: { complete: true } }],
      remove: [once.id],
    });
    expect(twice.code).toBe('invalid-request');
    expect(await texts('active')).toEqual(['once']);
    expect((await callFails('todos:bulk', {})).code).toBe('invalid-request');
    expect((await callFails('todos:bulk', { add: [{ todo: { text: '  ' } }] })).code).toBe('invalid-request');
  });
});

describe('settings:test-connection', () => {
  it('says a real Mobile Apps backend speaks ZUMO 2.0.0 and needs no sign-in', async () => {
    const result = await call('settings:test-connection', { backendUrl: backend.url });
    expect(result).toMatchObject({ outcome: 'ok', reachable: true, speaksZumo: true, needsSignIn: false });
  });

  it('tells an address where something answers, but not the table protocol', async () => {
    const result = await call('settings:test-connection', { backendUrl: `${backend.url}/not-a-backend` });
    expect(result).toMatchObject({ outcome: 'not-zumo', reachable: true, speaksZumo: false });
    expect(result.message).toContain('404');
  });

  it('tells an address where nothing answers', async () => {
    const result = await call('settings:test-connection', { backendUrl: 'http://127.0.0.1:9' });
    expect(result).toMatchObject({ outcome: 'unreachable', reachable: false, needsSignIn: null });
  });

  it('refuses a plain-http address off this computer without sending anything', async () => {
    const result = await call('settings:test-connection', { backendUrl: 'http://example.com' });
    expect(result).toMatchObject({ outcome: 'refused-address', reachable: false });
  });

  it('refuses an address that is not a URL as an invalid request', async () => {
    expect((await callFails('settings:test-connection', { backendUrl: 'ftp://x' })).code).toBe(
      'invalid-request',
    );
  });
});
