/**
 * The failures the randomized suites found, each reduced to a fixed sequence of steps so it
 * can be read, debugged and kept fixed. Each names the seed that first showed it. Nothing here
 * is random: the proxy's faults are forced on exactly one request.
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
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-sync-findings-'));
});

afterEach(async () => {
  for (const client of open.clients.splice(0)) client.close();
  for (const proxy of open.proxies.splice(0)) await proxy.stop();
});

afterAll(async () => {
  await backend.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** Installations sharing one id slice, each behind its own proxy (faults only when forced). */
async function installations(
  count: number,
  policy: ConflictPolicy,
): Promise<{ clients: SyncClient[]; proxies: FaultProxy[]; prefix: string }> {
  const prefix = `f${++scenario}-`;
  const clients: SyncClient[] = [];
  const proxies: FaultProxy[] = [];
  for (let i = 0; i < count; i++) {
    const proxy = await startFaultProxy({
      target: backend.url,
      seed: scenario,
      faultRate: 0,
      clientTimeoutMs: 2000,
    });
    const client = await openSyncClient({
      name: String.fromCharCode(65 + i),
      dbPath: path.join(workDir, `${prefix}${i}.sqlite`),
      backendUrl: proxy.url,
      policy,
      idPrefix: prefix,
      timeoutMs: 2000,
    });
    clients.push(client);
    proxies.push(proxy);
  }
  open.clients.push(...clients);
  open.proxies.push(...proxies);
  return { clients, proxies, prefix };
}

async function serverRow(id: string): Promise<ServerTodo | undefined> {
  return new ServerClient(backend.url).find(id);
}

async function syncOk(client: SyncClient): Promise<void> {
  const outcome = await client.sync();
  expect(outcome, `${client.name} sync`).toMatchObject({ ok: true });
}

describe('found by the reliability suites', () => {
  // convergence seed 1 client-wins; crash seeds 4 and 5: the todo came back after being deleted.
  it('a new todo whose push lost its reply, then deleted, is deleted on the server too', async () => {
    const { clients, proxies, prefix } = await installations(2, 'merge');
    const [mine, other] = clients as [SyncClient, SyncClient];
    const id = `${prefix}todo`;
    await mine.table.insert({ id, text: 'soon deleted', complete: false, notes: null });
    (proxies[0] as FaultProxy).forceNext('reply-lost', (method) => method === 'POST');
    expect((await mine.push()).ok).toBe(false);
    expect((await serverRow(id))?.deleted).toBe(false);

    await mine.table.del(id);
    await syncOk(mine);

    const row = await serverRow(id);
    expect(row === undefined || row.deleted, `server still shows ${JSON.stringify(row)}`).toBe(true);
    await syncOk(other);
    expect(other.localTodos().map((todo) => todo.id)).not.toContain(id);
  });

  // convergence seeds 1 and 5 server-wins; crash seeds 2, 3 and 6: a conflict with one's own write.
  it.each(['server-wins', 'merge', 'ask'] as const)(
    'under %s, an edit made after an update lost its reply is sent, with no conflict shown',
    async (policy) => {
      const { clients, proxies, prefix } = await installations(1, policy);
      const [mine] = clients as [SyncClient];
      const id = `${prefix}todo`;
      await mine.table.insert({ id, text: 'first', complete: false, notes: null });
      await syncOk(mine);
      await mine.table.update({ id, text: 'second' });
      (proxies[0] as FaultProxy).forceNext('reply-lost', (method) => method === 'PATCH');
      expect((await mine.push()).ok).toBe(false);

      await mine.table.update({ id, text: 'third' });
      await syncOk(mine);

      expect(mine.issues().map((issue) => `${issue.kind}: ${issue.message}`)).toEqual([]);
      expect((await serverRow(id))?.text).toBe('third');
      expect(mine.pendingOperations()).toBe(0);
    },
  );

  it.each(['server-wins', 'merge', 'ask'] as const)(
    'under %s, an edit made after an insert lost its reply is sent, with no conflict shown',
    async (policy) => {
      const { clients, proxies, prefix } = await installations(1, policy);
      const [mine] = clients as [SyncClient];
      const id = `${prefix}todo`;
      await mine.table.insert({ id, text: 'first', complete: false, notes: null });
      (proxies[0] as FaultProxy).forceNext('reply-lost', (method) => method === 'POST');
      expect((await mine.push()).ok).toBe(false);

      await mine.table.update({ id, text: 'second', complete: true });
      await syncOk(mine);

      expect(mine.issues().map((issue) => `${issue.kind}: ${issue.message}`)).toEqual([]);
      expect(await serverRow(id)).toMatchObject({ text: 'second', complete: true, deleted: false });
    },
  );

  // convergence seeds 2, 5, 201 ask and 201 merge: edits made while a conflict is listed.
  it('an edit made while a conflict is listed is either shown in the conflict or kept', async () => {
    const { clients, prefix } = await installations(2, 'ask');
    const [mine, theirs] = clients as [SyncClient, SyncClient];
    const id = `${prefix}todo`;
    await mine.table.insert({ id, text: 'shared', complete: false, notes: null });
    await syncOk(mine);
    await syncOk(theirs);
    await theirs.table.update({ id, text: 'their text' });
    await syncOk(theirs);
    await mine.table.update({ id, notes: 'my notes' });
    await mine.push();
    expect(mine.issues()).toHaveLength(1);

    await mine.table.update({ id, complete: true });
    const [shown] = mine.issues();
    await mine.context.resolveConflict(shown?.id ?? -1, 'server');
    await syncOk(mine);

    const keptOrShown = shown?.clientRecord?.complete === true || (await serverRow(id))?.complete === true;
    expect(keptOrShown, `shown: ${JSON.stringify(shown?.clientRecord)}`).toBe(true);
  });

  it('a deletion made while a conflict is listed is either shown in the conflict or done', async () => {
    const { clients, prefix } = await installations(2, 'ask');
    const [mine, theirs] = clients as [SyncClient, SyncClient];
    const id = `${prefix}todo`;
    await mine.table.insert({ id, text: 'shared', complete: false, notes: null });
    await syncOk(mine);
    await syncOk(theirs);
    await theirs.table.update({ id, text: 'their text' });
    await syncOk(theirs);
    await mine.table.update({ id, notes: 'my notes' });
    await mine.push();
    expect(mine.issues()).toHaveLength(1);

    await mine.table.del(id);
    const [shown] = mine.issues();
    await mine.context.resolveConflict(shown?.id ?? -1, 'server');
    await syncOk(mine);

    const row = await serverRow(id);
    const shownOrDone = shown?.action === 'delete' || row === undefined || row.deleted;
    expect(
      shownOrDone,
      `shown: ${shown?.action} ${JSON.stringify(shown?.clientRecord)}; server: ${JSON.stringify(row)}`,
    ).toBe(true);
  });

  // convergence seed 3 ask: the local copy stayed at an old server version forever.
  it("taking the server's version of a conflict ends with the server's current version", async () => {
    const { clients, prefix } = await installations(2, 'ask');
    const [mine, theirs] = clients as [SyncClient, SyncClient];
    const id = `${prefix}todo`;
    await mine.table.insert({ id, text: 'shared', complete: false, notes: null });
    await syncOk(mine);
    await syncOk(theirs);
    await mine.table.update({ id, text: 'mine' });
    await theirs.table.update({ id, text: 'theirs 1' });
    await syncOk(theirs);
    await mine.push();
    expect(mine.issues()).toHaveLength(1);
    await theirs.table.update({ id, text: 'theirs 2' });
    await syncOk(theirs);
    // A pull while the conflict waits: the record is skipped (it has a pending change).
    await syncOk(mine);

    const [issue] = mine.issues();
    await mine.context.resolveConflict(issue?.id ?? -1, 'server');
    await syncOk(mine);

    expect((await mine.table.lookup(id))?.text).toBe('theirs 2');
    expect((await serverRow(id))?.text).toBe('theirs 2');
  });
});
