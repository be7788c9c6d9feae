/**
 * Neighbours of the fixed findings (engine-findings.test.ts): the same situations along the
 * paths those tests do not take — a restart between the lost reply and the next edit, keeping
 * "mine" after editing or deleting a listed conflict, and a record deleted on the server
 * before the person takes the server's version. Faults are forced on exactly one request.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConflictPolicy } from '../../common/sync-types';
import { startTestBackend, type TestBackend } from '../support/backend';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { ServerClient, type ServerTodo } from '../support/server';
import { openSyncClient, type SyncClient } from './support/sync-client';

let backend: TestBackend;
let workDir: string;
const open: { clients: SyncClient[]; proxies: FaultProxy[] } = { clients: [], proxies: [] };
let scenario = 0;

beforeAll(async () => {
  backend = await startTestBackend();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-sync-followups-'));
});

afterEach(async () => {
  for (const client of open.clients.splice(0)) client.close();
  for (const proxy of open.proxies.splice(0)) await proxy.stop();
});

afterAll(async () => {
  await backend.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

interface Installation {
  client: SyncClient;
  proxy: FaultProxy;
  dbPath: string;
}

async function installation(prefix: string, index: number, policy: ConflictPolicy): Promise<Installation> {
  const proxy = await startFaultProxy({
    target: backend.url,
    seed: scenario,
    faultRate: 0,
    clientTimeoutMs: 2000,
  });
  const dbPath = path.join(workDir, `${prefix}${index}.sqlite`);
  const client = await reopen(dbPath, proxy, policy, prefix, index);
  open.proxies.push(proxy);
  return { client, proxy, dbPath };
}

async function reopen(
  dbPath: string,
  proxy: FaultProxy,
  policy: ConflictPolicy,
  prefix: string,
  index: number,
): Promise<SyncClient> {
  const client = await openSyncClient({
    name: String.fromCharCode(65 + index),
    dbPath,
    backendUrl: proxy.url,
    policy,
    idPrefix: prefix,
    timeoutMs: 2000,
  });
  open.clients.push(client);
  return client;
}

async function serverRow(id: string): Promise<ServerTodo | undefined> {
  return new ServerClient(backend.url).find(id);
}

async function syncOk(client: SyncClient): Promise<void> {
  expect(await client.sync(), `${client.name} sync`).toMatchObject({ ok: true });
}

/** A todo both installations hold, then a conflict listed on `mine` ("ask"). */
async function listedConflict(): Promise<{ mine: SyncClient; theirs: SyncClient; id: string }> {
  const prefix = `g${++scenario}-`;
  const mine = (await installation(prefix, 0, 'ask')).client;
  const theirs = (await installation(prefix, 1, 'ask')).client;
  const id = `${prefix}todo`;
  await mine.table.insert({ id, text: 'shared', complete: false, notes: null });
  await syncOk(mine);
  await syncOk(theirs);
  await theirs.table.update({ id, text: 'their text' });
  await syncOk(theirs);
  await mine.table.update({ id, notes: 'my notes' });
  await mine.push();
  expect(mine.issues()).toHaveLength(1);
  return { mine, theirs, id };
}

describe('after the reliability findings', () => {
  it('a new todo whose reply was lost, then deleted after a restart, is deleted on the server', async () => {
    const prefix = `g${++scenario}-`;
    const { client, proxy, dbPath } = await installation(prefix, 0, 'merge');
    const id = `${prefix}todo`;
    await client.table.insert({ id, text: 'soon deleted', complete: false, notes: null });
    proxy.forceNext('reply-lost', (method) => method === 'POST');
    expect((await client.push()).ok).toBe(false);
    expect((await serverRow(id))?.deleted).toBe(false);
    client.close();
    open.clients.splice(open.clients.indexOf(client), 1);

    const restarted = await reopen(dbPath, proxy, 'merge', prefix, 0);
    await restarted.table.del(id);
    await syncOk(restarted);

    const row = await serverRow(id);
    expect(row === undefined || row.deleted, `server still shows ${JSON.stringify(row)}`).toBe(true);
    expect(restarted.issues()).toEqual([]);
    expect(restarted.pendingOperations()).toBe(0);
  });

  it('keeping "mine" after editing a listed conflict sends every edit shown', async () => {
    const { mine, id } = await listedConflict();
    await mine.table.update({ id, complete: true });
    const [shown] = mine.issues();
    expect(shown?.clientRecord).toMatchObject({ notes: 'my notes', complete: true });

    await mine.context.resolveConflict(shown?.id ?? -1, 'mine');
    await syncOk(mine);

    expect(await serverRow(id)).toMatchObject({ notes: 'my notes', complete: true, deleted: false });
    expect(mine.issues()).toEqual([]);
  });

  it('keeping "mine" after deleting a listed conflict deletes the todo on the server', async () => {
    const { mine, theirs, id } = await listedConflict();
    await mine.table.del(id);
    const [shown] = mine.issues();
    expect(shown?.action).toBe('delete');

    await mine.context.resolveConflict(shown?.id ?? -1, 'mine');
    await syncOk(mine);

    const row = await serverRow(id);
    expect(row === undefined || row.deleted, `server still shows ${JSON.stringify(row)}`).toBe(true);
    await syncOk(theirs);
    expect(theirs.localTodos().map((todo) => todo.id)).not.toContain(id);
  });

  it("taking the server's version of a todo since deleted there removes it locally", async () => {
    const { mine, theirs, id } = await listedConflict();
    await theirs.table.del(id);
    await syncOk(theirs);

    const [shown] = mine.issues();
    await mine.context.resolveConflict(shown?.id ?? -1, 'server');
    await syncOk(mine);

    expect(await mine.table.lookup(id)).toBeNull();
    expect(mine.pendingOperations()).toBe(0);
  });

  it('discarding a listed conflict ends with the server’s current version', async () => {
    const { mine, theirs, id } = await listedConflict();
    await theirs.table.update({ id, text: 'their second text' });
    await syncOk(theirs);
    await syncOk(mine);

    const [shown] = mine.issues();
    await mine.context.discardIssue(shown?.id ?? -1);
    await syncOk(mine);

    expect((await mine.table.lookup(id))?.text).toBe('their second text');
  });

  it.each(['missing-version', 'http-500'] as const)(
    'a %s answer to an insert keeps it for the next sync, with no issue shown, and a later edit lands',
    async (fault) => {
      const prefix = `g${++scenario}-`;
      const { client, proxy } = await installation(prefix, 0, 'server-wins');
      const id = `${prefix}todo`;
      await client.table.insert({ id, text: 'first', complete: false, notes: null });
      proxy.forceNext(fault, (method) => method === 'POST');
      expect((await client.push()).ok).toBe(false);
      expect(client.issues()).toEqual([]);
      expect(client.pendingOperations()).toBe(1);

      await client.table.update({ id, text: 'second' });
      await syncOk(client);

      expect(client.issues()).toEqual([]);
      expect(await serverRow(id)).toMatchObject({ text: 'second', deleted: false });
      expect((await client.table.lookup(id))?.version).toBe((await serverRow(id))?.version);
    },
  );
});
