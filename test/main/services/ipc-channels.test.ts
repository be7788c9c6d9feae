/**
 * Every IPC channel end to end: the dispatcher the shell registers, the real handlers, store,
 * engine and scheduler, and the real azure-mobile-apps server (refusing items with "#reject").
 * The scheduler is not started, so nothing syncs unless a test asks (no timing in assertions).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  DataChanged,
  IpcChannel,
  IpcErrorPayload,
  ReplyOf,
  RequestInputOf,
  SyncIssue,
} from '../../../common/ipc-contract';
import type { SyncStatus } from '../../../common/sync-types';
import { createIpcDispatcher, type IpcDispatch } from '../../../main/ipc/dispatch';
import { APP_ENTRY_URL, isAppMainFrame } from '../../../main/ipc/trusted-sender';
import { createAppServices, type AppServices } from '../../../main/services/app-services';
import { startTestBackend, type TestBackend } from '../../support/backend';

const appFrame = { url: APP_ENTRY_URL, isMainFrame: true };
const quietDispatchLogger = { warn: () => undefined, error: () => undefined };
const ZUMO = { 'ZUMO-API-VERSION': '2.0.0', 'Content-Type': 'application/json' };

let backend: TestBackend;
let userData: string;
let services: AppServices;
let dispatch: IpcDispatch;

beforeAll(async () => {
  backend = await startTestBackend({ rejectText: '#reject' });
});
afterAll(async () => {
  await backend?.stop();
});

async function openServices(options: { backendUrl?: string | null; env?: Record<string, string> } = {}) {
  userData = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-ipc-'));
  services = await createAppServices({
    userDataPath: userData,
    backendUrl: options.backendUrl === undefined ? backend.url : options.backendUrl,
    backendKey: backend.key,
    env: options.env ?? {},
  });
  dispatch = createIpcDispatcher({
    handlers: services.handlers,
    isTrustedSender: isAppMainFrame,
    logger: quietDispatchLogger,
  });
}

beforeEach(async () => {
  await openServices();
  // Each test starts from an empty server table, so counts and conflicts are its own.
  await deleteEverythingOnServer();
});

afterEach(async () => {
  await services?.close();
  rmSync(userData, { recursive: true, force: true });
});

async function call<C extends IpcChannel>(
  channel: C,
  ...payload: [RequestInputOf<C>] | []
): Promise<ReplyOf<C>> {
  const result = await dispatch(appFrame, channel, payload[0]);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
  return result.value as ReplyOf<C>;
}

async function callFails(channel: IpcChannel, payload?: unknown): Promise<IpcErrorPayload> {
  const result = await dispatch(appFrame, channel, payload);
  if (result.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return result.error;
}

// ------------------------------------------------------------------ the server, as another client

interface ServerTodo {
  id: string;
  text: string;
  complete: boolean;
  notes: string | null;
  version: string;
  deleted: boolean;
}

async function serverRead(id: string): Promise<ServerTodo | null> {
  const response = await fetch(`${backend.url}/tables/todoitem/${id}`, {
    headers: { ...ZUMO, ...backend.headers },
  });
  if (response.status === 404) return null;
  expect(response.status).toBe(200);
  return (await response.json()) as ServerTodo;
}

async function serverList(): Promise<ServerTodo[]> {
  const response = await fetch(`${backend.url}/tables/todoitem?$top=1000`, {
    headers: { ...ZUMO, ...backend.headers },
  });
  return (await response.json()) as ServerTodo[];
}

async function serverEdit(id: string, changes: Partial<ServerTodo>): Promise<void> {
  const current = await serverRead(id);
  if (!current) throw new Error(`${id} is not on the server`);
  const response = await fetch(`${backend.url}/tables/todoitem/${id}`, {
    method: 'PATCH',
    headers: { ...ZUMO, ...backend.headers, 'If-Match': `"${current.version}"` },
    body: JSON.stringify(changes),
  });
  expect(response.status).toBe(200);
}

async function serverInsert(todo: { id: string; text: string; complete?: boolean }): Promise<void> {
  const response = await fetch(`${backend.url}/tables/todoitem`, {
    method: 'POST',
    headers: { ...ZUMO, ...backend.headers },
    body: JSON.stringify({ complete: false, ...todo }),
  });
  expect(response.status).toBe(201);
}

async function deleteEverythingOnServer(): Promise<void> {
  for (const todo of await serverList()) {
    await fetch(`${backend.url}/tables/todoitem/${todo.id}`, {
      method: 'DELETE',
      headers: { ...ZUMO, ...backend.headers },
    });
  }
}

const allTodos = { filter: 'all', skip: 0, take: 1000 } as const;

// ------------------------------------------------------------------ todos

describe('todos', () => {
  it('add, update, remove and query with filter, search, sort, paging, counts and pending flags', async () => {
    const dataChanged = new Promise<DataChanged>((resolve) => services.onDataChanged(resolve));

    const milk = await call('todos:add', { text: 'Buy milk' });
    const bread = await call('todos:add', { text: 'bake BREAD', notes: 'sourdough, with MILK powder' });
    const call1 = await call('todos:add', { text: 'Call the plumber' });
    expect(milk).toMatchObject({ text: 'Buy milk', complete: false, notes: null, version: null });

    const done = await call('todos:update', { id: bread.id, changes: { complete: true } });
    expect(done).toMatchObject({ id: bread.id, complete: true, text: 'bake BREAD' });
    await call('todos:update', {
      id: call1.id,
      changes: { text: 'Call the electrician', notes: 'after 5pm' },
    });

    let page = await call('todos:query', allTodos);
    expect(page.total).toBe(3);
    expect(page.counts).toEqual({ all: 3, active: 2, completed: 1, today: 0, upcoming: 0, overdue: 0 });
    expect(page.items.every((item) => item.pending && item.issue === null)).toBe(true);

    page = await call('todos:query', { filter: 'active', skip: 0, take: 10 });
    expect(page.items.map((item) => item.text).sort()).toEqual(['Buy milk', 'Call the electrician']);
    expect(page.total).toBe(2);
    page = await call('todos:query', { filter: 'completed', skip: 0, take: 10 });
    expect(page.items.map((item) => item.id)).toEqual([bread.id]);

    // Case-insensitive, in text and in notes; counts follow the search.
    page = await call('todos:query', { ...allTodos, search: 'milk' });
    expect(page.items.map((item) => item.id).sort()).toEqual([milk.id, bread.id].sort());
    expect(page.counts).toEqual({ all: 2, active: 1, completed: 1, today: 0, upcoming: 0, overdue: 0 });
    page = await call('todos:query', { filter: 'active', search: 'MILK', skip: 0, take: 10 });
    expect(page.items.map((item) => item.id)).toEqual([milk.id]);
    page = await call('todos:query', { ...allTodos, search: '5PM' });
    expect(page.items.map((item) => item.id)).toEqual([call1.id]);
    page = await call('todos:query', { ...allTodos, search: '100%_' });
    expect(page.total).toBe(0);

    page = await call('todos:query', { ...allTodos, sort: { by: 'text', direction: 'asc' } });
    expect(page.items.map((item) => item.text)).toEqual(['bake BREAD', 'Buy milk', 'Call the electrician']);
    page = await call('todos:query', {
      ...allTodos,
      sort: { by: 'text', direction: 'desc' },
      skip: 1,
      take: 1,
    });
    expect(page.items.map((item) => item.text)).toEqual(['Buy milk']);
    expect(page.total).toBe(3);
    page = await call('todos:query', { ...allTodos, skip: 3 });
    expect(page.items).toEqual([]);

    expect(await call('todos:remove', { id: milk.id })).toBeNull();
    page = await call('todos:query', allTodos);
    expect(page.counts.all).toBe(2);

    const status = await call('sync:status');
    expect(status.pendingOperations).toBe(2);

    expect((await dataChanged).tables).toEqual(['todoitem']);
  });

  it('refuses bad payloads and unknown ids with typed errors, changing nothing', async () => {
    expect((await callFails('todos:add', { text: '   ' })).code).toBe('invalid-request');
    expect((await callFails('todos:update', { id: 'x', changes: {} })).code).toBe('invalid-request');
    const missing = await callFails('todos:update', { id: 'no-such-id', changes: { complete: true } });
    expect(missing).toMatchObject({ code: 'not-found', message: expect.stringMatching(/no longer exists/) });
    expect((await callFails('todos:remove', { id: 'no-such-id' })).code).toBe('not-found');
    const page = await call('todos:query', allTodos);
    expect(page.total).toBe(0);
    expect((await call('sync:status')).pendingOperations).toBe(0);
  });
});

// ------------------------------------------------------------------ sync

describe('sync', () => {
  it('sync now pushes local changes and pulls other clients’ changes', async () => {
    const statuses: SyncStatus[] = [];
    services.onStatusChanged((status) => statuses.push(status));
    const local = await call('todos:add', { text: 'written here' });
    await serverInsert({ id: 'from-elsewhere', text: 'written elsewhere' });

    const result = await call('sync:now');
    // Received: the other client's row. Our own insert comes back in the same pull, as the
    // server stored it, and is not news to the person who wrote it.
    expect(result).toMatchObject({ ok: true, pushed: 1, pulled: 1, conflicts: 0, rejected: 0, error: null });
    expect(await serverRead(local.id)).toMatchObject({ text: 'written here' });

    const page = await call('todos:query', allTodos);
    expect(page.items.map((item) => item.text).sort()).toEqual(['written elsewhere', 'written here']);
    expect(page.items.every((item) => !item.pending)).toBe(true);

    const status = await call('sync:status');
    expect(status).toMatchObject({
      connectivity: 'online',
      pendingOperations: 0,
      lastError: null,
      backendUrl: backend.url,
      phase: { kind: 'idle' },
    });
    expect(status.lastSyncedAt).not.toBeNull();
    expect(statuses.length).toBeGreaterThan(0);
  });

  it('counts as received only what changed elsewhere, not edits of ours coming back', async () => {
    const mine = await call('todos:add', { text: 'mine' });
    const theirs = await call('todos:add', { text: 'theirs' });
    expect(await call('sync:now')).toMatchObject({ ok: true, pushed: 2, pulled: 0 });
    await call('todos:update', { id: mine.id, changes: { complete: true, notes: 'done today' } });
    await serverEdit(theirs.id, { text: 'theirs, edited elsewhere' });
    expect(await call('sync:now')).toMatchObject({ ok: true, pushed: 1, pulled: 1 });
    const page = await call('todos:query', allTodos);
    expect(page.items.map((item) => [item.text, item.complete, item.notes]).sort()).toEqual([
      ['mine', true, 'done today'],
      ['theirs, edited elsewhere', false, null],
    ]);
    expect(await call('sync:now')).toMatchObject({ ok: true, pushed: 0, pulled: 0 });
  });

  it('sync push only sends, sync pull also receives', async () => {
    await call('todos:add', { text: 'push me' });
    await serverInsert({ id: 'pull-me', text: 'pull me' });
    const pushed = await call('sync:push');
    expect(pushed).toMatchObject({ ok: true, pushed: 1, pulled: 0 });
    expect((await call('todos:query', allTodos)).total).toBe(1);
    const pulled = await call('sync:pull');
    expect(pulled.ok).toBe(true);
    expect((await call('todos:query', allTodos)).total).toBe(2);
  });

  it('deletes reach the server', async () => {
    const todo = await call('todos:add', { text: 'short-lived' });
    await call('sync:now');
    await call('todos:remove', { id: todo.id });
    await call('sync:now');
    expect(await serverRead(todo.id)).toBeNull();
  });
});

// ------------------------------------------------------------------ conflicts

describe('conflicts', () => {
  async function conflictOn(text: string, serverChanges: Partial<ServerTodo>, localChanges: object) {
    const todo = await call('todos:add', { text });
    await call('sync:now');
    await serverEdit(todo.id, serverChanges);
    await call('todos:update', { id: todo.id, changes: localChanges });
    const result = await call('sync:now');
    expect(result.conflicts).toBe(1);
    const conflicts = await call('conflicts:list');
    const conflict = conflicts.find((issue) => issue.recordId === todo.id);
    if (!conflict) throw new Error('no conflict listed');
    return { todo, conflict };
  }

  beforeEach(async () => {
    await call('settings:set', { conflictPolicy: 'ask' });
  });

  it('lists a conflict with both sides, marks the item, and "keep mine" wins on the server', async () => {
    const { todo, conflict } = await conflictOn('original', { text: 'server text' }, { text: 'my text' });
    expect(conflict).toMatchObject<Partial<SyncIssue>>({
      kind: 'conflict',
      table: 'todoitem',
      action: 'update',
    });
    expect(conflict.clientRecord?.text).toBe('my text');
    expect(conflict.serverRecord?.text).toBe('server text');
    expect(conflict.baseRecord?.text).toBe('original');
    expect(conflict.message.length).toBeGreaterThan(0);
    const marked = (await call('todos:query', allTodos)).items.find((item) => item.id === todo.id);
    expect(marked).toMatchObject({ issue: 'conflict', pending: true });
    expect((await call('sync:status')).unresolvedConflicts).toBe(1);

    await call('conflicts:resolve', { issueId: conflict.id, resolution: { choice: 'mine' } });
    expect(await call('conflicts:list')).toEqual([]);
    await call('sync:now');
    expect(await serverRead(todo.id)).toMatchObject({ text: 'my text' });
    const settled = (await call('todos:query', allTodos)).items.find((item) => item.id === todo.id);
    expect(settled).toMatchObject({ text: 'my text', pending: false, issue: null });
  });

  it('"keep server" takes the server record and drops my change', async () => {
    const { todo, conflict } = await conflictOn('original', { text: 'server text' }, { text: 'my text' });
    await call('conflicts:resolve', { issueId: conflict.id, resolution: { choice: 'server' } });
    const local = (await call('todos:query', allTodos)).items.find((item) => item.id === todo.id);
    expect(local).toMatchObject({ text: 'server text', pending: false, issue: null });
    await call('sync:now');
    expect(await serverRead(todo.id)).toMatchObject({ text: 'server text' });
  });

  it('a per-field choice combines both sides', async () => {
    const { todo, conflict } = await conflictOn(
      'original',
      { text: 'server text', notes: 'server notes' },
      { text: 'my text', complete: true },
    );
    await call('conflicts:resolve', {
      issueId: conflict.id,
      resolution: {
        choice: 'fields',
        fields: { text: 'server', complete: 'mine', notes: 'server', dueDate: 'mine', reminderAt: 'mine' },
      },
    });
    await call('sync:now');
    expect(await serverRead(todo.id)).toMatchObject({
      text: 'server text',
      complete: true,
      notes: 'server notes',
    });
  });

  it('an issue that is already settled, or of the other kind, is not found', async () => {
    const { conflict } = await conflictOn('original', { text: 'server text' }, { text: 'my text' });
    expect((await callFails('rejected:retry', { issueId: conflict.id })).code).toBe('not-found');
    await call('conflicts:resolve', { issueId: conflict.id, resolution: { choice: 'server' } });
    const again = await callFails('conflicts:resolve', {
      issueId: conflict.id,
      resolution: { choice: 'mine' },
    });
    expect(again).toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/already been settled/),
    });
  });
});

// ------------------------------------------------------------------ rejected operations

describe('rejected operations', () => {
  it('lists a refused change, retries it edited, and it reaches the server', async () => {
    const todo = await call('todos:add', { text: 'buy milk #reject' });
    const result = await call('sync:now');
    expect(result.rejected).toBe(1);
    const [rejected] = await call('rejected:list');
    expect(rejected).toMatchObject({
      kind: 'rejected',
      recordId: todo.id,
      action: 'insert',
      httpStatus: 400,
    });
    expect(rejected?.message).toMatch(/#reject/);
    expect((await call('todos:query', allTodos)).items[0]).toMatchObject({
      issue: 'rejected',
      pending: true,
    });
    expect((await call('sync:status')).rejectedOperations).toBe(1);

    await call('rejected:retry', { issueId: rejected?.id ?? 0, changes: { text: 'buy milk' } });
    expect(await call('rejected:list')).toEqual([]);
    await call('sync:now');
    expect(await serverRead(todo.id)).toMatchObject({ text: 'buy milk' });
  });

  it('retrying unchanged is refused again; discarding removes a record the server never had', async () => {
    const todo = await call('todos:add', { text: 'nope #reject' });
    await call('sync:now');
    const [first] = await call('rejected:list');
    await call('rejected:retry', { issueId: first?.id ?? 0 });
    expect((await call('sync:now')).rejected).toBe(1);
    const [second] = await call('rejected:list');
    if (!second) throw new Error('not refused again');

    await call('rejected:discard', { issueId: second.id });
    expect(await call('rejected:list')).toEqual([]);
    expect((await call('todos:query', allTodos)).total).toBe(0);
    expect((await call('sync:status')).pendingOperations).toBe(0);
    expect(await serverRead(todo.id)).toBeNull();
    expect((await callFails('rejected:discard', { issueId: second.id })).code).toBe('not-found');
  });

  it('discarding a refused edit restores the server’s version', async () => {
    const todo = await call('todos:add', { text: 'fine' });
    await call('sync:now');
    await call('todos:update', { id: todo.id, changes: { text: 'not fine #reject' } });
    await call('sync:now');
    const [rejected] = await call('rejected:list');
    await call('rejected:discard', { issueId: rejected?.id ?? 0 });
    expect((await call('todos:query', allTodos)).items[0]).toMatchObject({ text: 'fine', pending: false });
  });
});

// ------------------------------------------------------------------ settings

describe('settings', () => {
  it('gets and sets, refusing bad values with the old ones kept', async () => {
    const initial = await call('settings:get');
    expect(initial).toEqual({
      backendUrl: backend.url,
      syncIntervalMinutes: 5,
      conflictPolicy: 'merge',
      workOffline: false,
      hasAuthToken: false,
    });
    const updated = await call('settings:set', { syncIntervalMinutes: 15, authToken: 'tok-123' });
    expect(updated).toMatchObject({ syncIntervalMinutes: 15, hasAuthToken: true });
    expect(JSON.stringify(await call('settings:get'))).not.toContain('tok-123');

    const badUrl = await callFails('settings:set', { backendUrl: 'javascript:alert(1)' });
    expect(badUrl.code).toBe('invalid-request');
    expect(badUrl.message).toMatch(/http/);
    expect((await callFails('settings:set', { syncIntervalMinutes: 0 })).code).toBe('invalid-request');
    expect((await callFails('settings:set', { conflictPolicy: 'coin-flip' })).code).toBe('invalid-request');
    expect(await call('settings:get')).toMatchObject({ backendUrl: backend.url, syncIntervalMinutes: 15 });
  });

  it('work offline stops syncing and says so; edits keep queueing', async () => {
    await call('settings:set', { workOffline: true });
    expect(services.syncService.isWorkingOffline()).toBe(true);
    await call('todos:add', { text: 'offline edit' });
    const result = await call('sync:now');
    expect(result.ok).toBe(false);
    expect(result.error?.message).toMatch(/work offline/i);
    expect(await call('sync:status')).toMatchObject({
      connectivity: 'working-offline',
      pendingOperations: 1,
    });
    expect(await serverList()).toEqual([]);

    services.syncService.setWorkOffline(false);
    expect((await call('sync:now')).pushed).toBe(1);
  });
});

// ------------------------------------------------------------------ export and reset

describe('export and reset', () => {
  it('exports unsynced changes as JSON', async () => {
    const kept = await call('todos:add', { text: 'synced' });
    await call('sync:now');
    await call('todos:update', { id: kept.id, changes: { complete: true } });
    const fresh = await call('todos:add', { text: 'not yet sent', notes: 'important' });
    await call('todos:remove', { id: kept.id });

    const exported = await call('data:export-unsynced');
    expect(exported.operationCount).toBe(2);
    expect(exported.suggestedFileName).toMatch(/^todo-sync-unsynced-changes-[\dT-]+Z\.json$/);
    const document = JSON.parse(exported.json) as {
      changes: { recordId: string; action: string; record: { text: string } | null }[];
    };
    expect(document.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          recordId: kept.id,
          action: 'delete',
          record: expect.objectContaining({ text: 'synced' }),
        }),
        expect.objectContaining({
          recordId: fresh.id,
          action: 'insert',
          record: expect.objectContaining({ notes: 'important' }),
        }),
      ]),
    );
  });

  it('reset refuses while changes are unsent, then discards them when confirmed and re-downloads', async () => {
    await call('todos:add', { text: 'on the server' });
    await call('sync:now');
    await call('todos:add', { text: 'only here' });

    const refused = await callFails('data:reset', { discardUnsyncedChanges: false });
    expect(refused).toMatchObject({
      code: 'refused',
      message: expect.stringMatching(/1 change has not reached the server/),
    });
    expect((await call('todos:query', allTodos)).total).toBe(2);

    await call('data:reset', { discardUnsyncedChanges: true });
    expect((await call('todos:query', allTodos)).total).toBe(0);
    expect((await call('sync:status')).pendingOperations).toBe(0);

    await call('sync:now');
    const page = await call('todos:query', allTodos);
    expect(page.items.map((item) => item.text)).toEqual(['on the server']);
  });

  it('reset without unsent changes needs no confirmation', async () => {
    await call('todos:add', { text: 'synced' });
    await call('sync:now');
    await call('data:reset', { discardUnsyncedChanges: false });
    expect((await call('todos:query', allTodos)).total).toBe(0);
  });
});

// ------------------------------------------------------------------ lifecycle

describe('lifecycle', () => {
  it('start() syncs in the background and reports it through status events', async () => {
    await serverInsert({ id: 'waiting', text: 'waiting on the server' });
    const synced = new Promise<SyncStatus>((resolve) =>
      services.onStatusChanged((status) => {
        if (status.lastSyncedAt !== null && status.nextSyncAt !== null) resolve(status);
      }),
    );
    await services.start();
    const status = await synced;
    expect(status).toMatchObject({ connectivity: 'online', phase: { kind: 'idle' }, lastError: null });
    expect((await call('todos:query', allTodos)).items.map((item) => item.id)).toEqual(['waiting']);
  });

  it('with no backend at all the app works local-only and says so', async () => {
    await services.close();
    rmSync(userData, { recursive: true, force: true });
    await openServices({ backendUrl: null });
    await services.start();
    expect(services.notices.join(' ')).toMatch(/kept on this computer only/);
    await call('todos:add', { text: 'local' });
    const status = await call('sync:status');
    expect(status).toMatchObject({ connectivity: 'local-only', backendUrl: null, pendingOperations: 1 });
    const result = await call('sync:now');
    expect(result.ok).toBe(false);
    expect(result.error?.message).toMatch(/this computer only/);

    // Choosing a backend later starts syncing with it (one run open: the app holds no key for it).
    const chosen = await startTestBackend({ open: true });
    try {
      await call('settings:set', { backendUrl: chosen.url });
      expect((await call('sync:status')).connectivity).toBe('online');
      expect((await call('sync:now')).pushed).toBe(1);
    } finally {
      await services.close();
      await chosen.stop();
    }
  });
});
