/**
 * `todos:update` with the editor's base (main/services/todo-edit.ts), through the dispatcher and
 * the real services on a local store. The change that "arrived meanwhile" is written into the
 * store the way a pull writes it (a row with no pending operation); the same moments against the
 * real server are in test/e2e/sync-moments.spec.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IpcChannel, ReplyOf, RequestInputOf } from '../../../common/ipc-contract';
import type { ConflictPolicy } from '../../../common/sync-types';
import { todoTable } from '../../../common/todo-table';
import { createIpcDispatcher, type IpcDispatch } from '../../../main/ipc/dispatch';
import { APP_ENTRY_URL, isAppMainFrame } from '../../../main/ipc/trusted-sender';
import { createAppServices, type AppServices } from '../../../main/services/app-services';

const appFrame = { url: APP_ENTRY_URL, isMainFrame: true };
let userData: string;
let services: AppServices;
let dispatch: IpcDispatch;

beforeEach(async () => {
  userData = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-edit-'));
  services = await createAppServices({ userDataPath: userData, backendUrl: null, env: {} });
  dispatch = createIpcDispatcher({
    handlers: services.handlers,
    isTrustedSender: isAppMainFrame,
    logger: { warn: () => undefined, error: () => undefined },
  });
});

afterEach(async () => {
  await services.close();
  rmSync(userData, { recursive: true, force: true });
});

async function call<C extends IpcChannel>(channel: C, ...payload: [RequestInputOf<C>] | []) {
  const result = await dispatch(appFrame, channel, payload[0]);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
  return result.value as ReplyOf<C>;
}

/** A synced todo (no pending operation), as the last pull left it. */
function syncedTodo(id: string, fields: { text: string; notes?: string | null; complete?: boolean }) {
  const { store } = services.parts;
  store.transaction(() =>
    store.table(todoTable).upsertMany([
      {
        id,
        text: fields.text,
        notes: fields.notes ?? null,
        complete: fields.complete ?? false,
        version: 'v1',
        createdAt: new Date('2026-12-01T08:00:00.000Z'),
        updatedAt: new Date('2026-12-01T08:00:00.000Z'),
        deleted: false,
      },
    ]),
  );
}

/** Another device's change, brought in by a pull while the editor was open. */
function arrives(id: string, changes: { text?: string; notes?: string | null; complete?: boolean }) {
  const { store } = services.parts;
  store.transaction(() => store.table(todoTable).update(id, { ...changes, version: 'v2' }));
}

const pendingFor = (id: string) => services.parts.store.operations.forRecord(todoTable.name, id);

async function usePolicy(conflictPolicy: ConflictPolicy) {
  await call('settings:set', { conflictPolicy });
}

describe('saving an inline edit against what the editor showed', () => {
  it.each(['ask', 'merge'] as const)(
    'under "%s", the same field changed meanwhile becomes a conflict; what was typed is kept',
    async (policy) => {
      await usePolicy(policy);
      syncedTodo('t1', { text: 'Book the venue' });
      arrives('t1', { text: 'Book the bigger venue' });

      const saved = await call('todos:update', {
        id: 't1',
        changes: { text: 'Book the venue for Saturday' },
        base: { text: 'Book the venue' },
      });
      expect(saved.text).toBe('Book the venue for Saturday');

      const [conflict, ...others] = await call('conflicts:list');
      expect(others).toEqual([]);
      expect(conflict).toMatchObject({
        recordId: 't1',
        kind: 'conflict',
        action: 'update',
        serverDeleted: false,
        clientRecord: { text: 'Book the venue for Saturday' },
        serverRecord: { text: 'Book the bigger venue', version: 'v2' },
        baseRecord: { text: 'Book the venue' },
      });
      expect(conflict?.fieldChanges.text).toBe('both');
      expect(conflict?.message).not.toMatch(/\(\d{3}\)|text:/);
      expect((await call('sync:status')).unresolvedConflicts).toBe(1);
      // The queued edit is the conflict's, against the version that arrived.
      expect(pendingFor('t1')).toMatchObject([{ action: 'update', version: 'v2' }]);

      // "Keep server" brings back the arrived version and drops the edit.
      await call('conflicts:resolve', { issueId: conflict!.id, resolution: { choice: 'server' } });
      expect((await services.parts.todos.lookup('t1'))?.text).toBe('Book the bigger venue');
      expect(pendingFor('t1')).toEqual([]);
    },
  );

  it('under "server-wins" the arrived value stays and the typed one is not written', async () => {
    await usePolicy('server-wins');
    syncedTodo('t2', { text: 'Call Ana' });
    arrives('t2', { text: 'Call Ana at noon' });
    const saved = await call('todos:update', {
      id: 't2',
      changes: { text: 'Call Ana tomorrow' },
      base: { text: 'Call Ana' },
    });
    expect(saved.text).toBe('Call Ana at noon');
    expect(pendingFor('t2')).toEqual([]);
    expect(await call('conflicts:list')).toEqual([]);
  });

  it('under "client-wins" the typed value is written', async () => {
    await usePolicy('client-wins');
    syncedTodo('t3', { text: 'Call Ana' });
    arrives('t3', { text: 'Call Ana at noon' });
    const saved = await call('todos:update', {
      id: 't3',
      changes: { text: 'Call Ana tomorrow' },
      base: { text: 'Call Ana' },
    });
    expect(saved.text).toBe('Call Ana tomorrow');
    expect(pendingFor('t3')).toMatchObject([{ action: 'update', version: 'v2' }]);
    expect(await call('conflicts:list')).toEqual([]);
  });

  it('a change to another field that arrived meanwhile merges, under every policy', async () => {
    for (const policy of ['ask', 'merge', 'server-wins', 'client-wins'] as const) {
      await usePolicy(policy);
      const id = `other-${policy}`;
      syncedTodo(id, { text: 'Pay the rent' });
      arrives(id, { notes: 'By transfer', complete: true });
      const saved = await call('todos:update', {
        id,
        changes: { text: 'Pay the rent by Friday' },
        base: { text: 'Pay the rent' },
      });
      expect({ text: saved.text, notes: saved.notes, complete: saved.complete }).toEqual({
        text: 'Pay the rent by Friday',
        notes: 'By transfer',
        complete: true,
      });
    }
    expect(await call('conflicts:list')).toEqual([]);
  });

  it('nothing changed meanwhile: an ordinary save; the same value typed on both sides needs nothing', async () => {
    await usePolicy('ask');
    syncedTodo('t4', { text: 'Water the plants' });
    await call('todos:update', {
      id: 't4',
      changes: { text: 'Water the balcony plants' },
      base: { text: 'Water the plants' },
    });
    expect(pendingFor('t4')).toHaveLength(1);

    syncedTodo('t5', { text: 'Fix the tap' });
    arrives('t5', { text: 'Fix the kitchen tap' });
    const saved = await call('todos:update', {
      id: 't5',
      changes: { text: 'Fix the kitchen tap' },
      base: { text: 'Fix the tap' },
    });
    expect(saved.text).toBe('Fix the kitchen tap');
    expect(pendingFor('t5')).toEqual([]);
    expect(await call('conflicts:list')).toEqual([]);
  });

  it('without a base the update writes as before; a bad base is refused and changes nothing', async () => {
    await usePolicy('ask');
    syncedTodo('t6', { text: 'Read chapter 3' });
    arrives('t6', { text: 'Read chapter 4' });
    expect((await call('todos:update', { id: 't6', changes: { text: 'Read chapter 5' } })).text).toBe(
      'Read chapter 5',
    );
    expect(await call('conflicts:list')).toEqual([]);

    const refused = await dispatch(appFrame, 'todos:update', {
      id: 't6',
      changes: { text: 'Read chapter 6' },
      base: { text: 42 },
    });
    expect(refused.ok).toBe(false);
    expect((await services.parts.todos.lookup('t6'))?.text).toBe('Read chapter 5');
  });

  it('an unknown todo is not found, with the same sentence as without a base', async () => {
    const result = await dispatch(appFrame, 'todos:update', {
      id: 'missing',
      changes: { text: 'x' },
      base: { text: 'y' },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
