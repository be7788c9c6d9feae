/**
 * Two clients editing the same record under each conflict policy, the three-way merge, and
 * the issue management the UI uses (resolve, retry, discard).
 */
import { describe, expect, it } from 'vitest';
import type { ConflictPolicy } from '../../../common/sync-types';
import { Query, SyncUsageError } from '../../../main/sync';
import {
  createClient,
  serverGet,
  serverInsert,
  serverUpdate,
  type TestClient,
  useTestBackend,
} from './helpers';

const REJECT = '#refuse';
const backend = useTestBackend({ rejectText: REJECT });

let count = 0;

/** Two clients that both hold the same synced record. */
async function twoClients(policy: ConflictPolicy): Promise<{ a: TestClient; b: TestClient; id: string }> {
  count++;
  const id = `shared-${count}`;
  await serverInsert(backend.url, { id, text: 'original', complete: false, notes: 'base notes' });
  const a = await createClient(backend.url);
  const b = await createClient(backend.url);
  for (const client of [a, b]) {
    client.context.setConflictPolicy('todoitem', policy);
    await client.context.pull(new Query('todoitem').where({ id }));
  }
  return { a, b, id };
}

describe('two clients, the same field', () => {
  it('server-wins: the second client takes the first one’s change', async () => {
    const { a, b, id } = await twoClients('server-wins');
    await a.todos.update({ id, text: 'from A' });
    await a.context.push();
    await b.todos.update({ id, text: 'from B' });
    const result = await b.context.push();
    expect(result).toMatchObject({ cancelled: 1, issues: [] });
    const server = await serverGet(backend.url, id);
    expect(server?.text).toBe('from A');
    expect(await b.todos.lookup(id)).toMatchObject({ text: 'from A', version: server?.version });
    expect(b.context.getPendingOperations()).toEqual([]);
  });

  it('client-wins: the second client’s change replaces the first', async () => {
    const { a, b, id } = await twoClients('client-wins');
    await a.todos.update({ id, text: 'from A' });
    await a.context.push();
    await b.todos.update({ id, text: 'from B' });
    expect(await b.context.push()).toMatchObject({ pushed: 1, issues: [] });
    const server = await serverGet(backend.url, id);
    expect(server?.text).toBe('from B');
    expect((await b.todos.lookup(id))?.version).toBe(server?.version);
    // The first client catches up on its next pull.
    await a.context.pull(new Query('todoitem').where({ id }), 'one');
    expect((await a.todos.lookup(id))?.text).toBe('from B');
  });

  it('merge: the same field changed on both sides falls back to ask', async () => {
    const { a, b, id } = await twoClients('merge');
    await a.todos.update({ id, text: 'from A' });
    await a.context.push();
    await b.todos.update({ id, text: 'from B' });
    const result = await b.context.push();
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ kind: 'conflict', recordId: id });
    expect((await serverGet(backend.url, id))?.text).toBe('from A');
    expect((await b.todos.lookup(id))?.text).toBe('from B');
  });

  it('ask: every conflict waits for the person', async () => {
    const { a, b, id } = await twoClients('ask');
    await a.todos.update({ id, complete: true });
    await a.context.push();
    await b.todos.update({ id, text: 'from B' });
    expect((await b.context.push()).issues).toHaveLength(1);
    expect(b.context.getStatus().unresolvedConflicts).toBe(1);
  });
});

describe('three-way merge', () => {
  it('merges changes to different fields automatically', async () => {
    const { a, b, id } = await twoClients('merge');
    await a.todos.update({ id, text: 'text from A' });
    await a.context.push();
    await b.todos.update({ id, complete: true, notes: 'notes from B' });
    expect(await b.context.push()).toMatchObject({ pushed: 1, issues: [] });
    const server = await serverGet(backend.url, id);
    expect(server).toMatchObject({ text: 'text from A', complete: true, notes: 'notes from B' });
    expect(await b.todos.lookup(id)).toMatchObject({
      text: 'text from A',
      complete: true,
      notes: 'notes from B',
      version: server?.version,
    });
  });

  it('both sides making the same change is no conflict', async () => {
    const { a, b, id } = await twoClients('ask');
    await a.todos.update({ id, complete: true });
    await a.context.push();
    await b.todos.update({ id, complete: true });
    expect(await b.context.push()).toMatchObject({ pushed: 1, issues: [] });
  });

  it('a merged retry that conflicts again merges against the newer server record', async () => {
    const { a, b, id } = await twoClients('merge');
    await a.todos.update({ id, text: 'A1' });
    await a.context.push();
    let patches = 0;
    const bAgain = await b.reopen({
      onRequest: async (request) => {
        // Between B's first 412 and its merged retry, A changes the text once more.
        if (request.method === 'PATCH' && ++patches === 2)
          await serverUpdate(backend.url, id, { text: 'A2' });
      },
    });
    bAgain.context.setConflictPolicy('todoitem', 'merge');
    await bAgain.todos.update({ id, notes: 'B notes' });
    expect(await bAgain.context.push()).toMatchObject({ pushed: 1, issues: [] });
    expect(patches).toBe(3);
    expect(await serverGet(backend.url, id)).toMatchObject({ text: 'A2', notes: 'B notes' });
  });
});

describe('deletions in conflicts', () => {
  it('a delete against a changed record: server-wins restores it, client-wins deletes, merge asks', async () => {
    for (const [policy, expectDeleted, expectIssue] of [
      ['server-wins', false, false],
      ['client-wins', true, false],
      ['merge', false, true],
    ] as const) {
      const { a, b, id } = await twoClients(policy);
      await a.todos.update({ id, text: 'changed by A' });
      await a.context.push();
      await b.todos.del(id);
      const result = await b.context.push();
      expect(result.issues.length > 0).toBe(expectIssue);
      expect((await serverGet(backend.url, id))?.deleted).toBe(expectDeleted);
      if (policy === 'server-wins') expect((await b.todos.lookup(id))?.text).toBe('changed by A');
    }
  });

  it('an edit of a record deleted on the server: server-wins drops it, client-wins brings it back', async () => {
    const serverWins = await twoClients('server-wins');
    await serverWins.a.todos.del(serverWins.id);
    await serverWins.a.context.push();
    await serverWins.b.todos.update({ id: serverWins.id, text: 'still wanted' });
    await serverWins.b.context.push();
    expect(await serverWins.b.todos.lookup(serverWins.id)).toBeNull();
    expect(serverWins.b.context.getPendingOperations()).toEqual([]);

    const clientWins = await twoClients('client-wins');
    await clientWins.a.todos.del(clientWins.id);
    await clientWins.a.context.push();
    await clientWins.b.todos.update({ id: clientWins.id, text: 'still wanted' });
    expect(await clientWins.b.context.push()).toMatchObject({ pushed: 1, issues: [] });
    expect(await serverGet(backend.url, clientWins.id)).toMatchObject({
      deleted: false,
      text: 'still wanted',
    });
  });
});

describe('a custom push handler overrides the policy', () => {
  it('what it leaves unhandled is kept for the person, even under server-wins', async () => {
    const { a, b, id } = await twoClients('server-wins');
    b.context.pushHandler = { onConflict: () => undefined };
    await a.todos.update({ id, text: 'from A' });
    await a.context.push();
    await b.todos.update({ id, text: 'from B' });
    expect((await b.context.push()).issues).toHaveLength(1);
    expect((await b.todos.lookup(id))?.text).toBe('from B');
  });
});

describe('issues for the person', () => {
  async function conflict(): Promise<{ b: TestClient; id: string; issueId: number }> {
    const { a, b, id } = await twoClients('ask');
    await a.todos.update({ id, text: 'from A', complete: true });
    await a.context.push();
    await b.todos.update({ id, text: 'from B', notes: 'B notes' });
    const [issue] = (await b.context.push()).issues;
    return { b, id, issueId: issue!.id };
  }

  it('resolve with "server": the record shows the server state, nothing is sent', async () => {
    const { b, id, issueId } = await conflict();
    await b.context.resolveConflict(issueId, 'server');
    expect(await b.todos.lookup(id)).toMatchObject({ text: 'from A', complete: true, notes: 'base notes' });
    expect(b.context.getPendingOperations()).toEqual([]);
    expect(b.context.listIssues()).toEqual([]);
  });

  it('resolve with "mine": sent again against the server version', async () => {
    const { b, id, issueId } = await conflict();
    await b.context.resolveConflict(issueId, 'mine');
    expect(await b.context.push()).toMatchObject({ pushed: 1, issues: [] });
    expect(await serverGet(backend.url, id)).toMatchObject({
      text: 'from B',
      complete: false,
      notes: 'B notes',
    });
  });

  it('resolve per field', async () => {
    const { b, id, issueId } = await conflict();
    await b.context.resolveConflict(issueId, {
      fieldChoices: { text: 'server', complete: 'server', notes: 'mine' },
    });
    expect(await b.todos.lookup(id)).toMatchObject({ text: 'from A', complete: true, notes: 'B notes' });
    await b.context.push();
    expect(await serverGet(backend.url, id)).toMatchObject({
      text: 'from A',
      complete: true,
      notes: 'B notes',
    });
    await expect(b.context.resolveConflict(issueId, 'mine')).rejects.toBeInstanceOf(SyncUsageError);
  });

  it('discard a conflict: the record reverts to the server’s state, visibly', async () => {
    const { b, id, issueId } = await conflict();
    await b.context.discardIssue(issueId);
    expect(await b.todos.lookup(id)).toMatchObject({ text: 'from A', complete: true });
    expect(b.context.getPendingOperations()).toEqual([]);
  });

  it('a refused insert: listed first, then retried with an edit, or discarded (the record goes)', async () => {
    const client = await createClient(backend.url);
    const refused = await client.todos.insert({ text: `bad ${REJECT}` });
    const dropped = await client.todos.insert({ text: `also bad ${REJECT}` });
    await client.context.push();
    const issues = client.context.listIssues({ kind: 'rejected' });
    expect(issues.map((issue) => issue.recordId).sort()).toEqual([refused.id, dropped.id].sort());
    await expect(client.context.resolveConflict(issues[0]!.id, 'mine')).rejects.toBeInstanceOf(
      SyncUsageError,
    );

    const refusedIssue = issues.find((issue) => issue.recordId === refused.id)!;
    await client.context.retryIssue(refusedIssue.id, { text: 'acceptable now' });
    const droppedIssue = issues.find((issue) => issue.recordId === dropped.id)!;
    await client.context.discardIssue(droppedIssue.id);
    expect(await client.todos.lookup(dropped.id)).toBeNull();

    expect(await client.context.push()).toMatchObject({ pushed: 1, issues: [] });
    expect((await serverGet(backend.url, refused.id))?.text).toBe('acceptable now');
    expect(await serverGet(backend.url, dropped.id)).toBeUndefined();
  });

  it('a refused update, discarded: the record reverts to its last server state', async () => {
    const { b, id } = await twoClients('ask');
    await b.todos.update({ id, text: `bad ${REJECT}` });
    const [issue] = (await b.context.push()).issues;
    expect(issue).toMatchObject({ kind: 'rejected', action: 'update' });
    await b.context.discardIssue(issue!.id);
    expect(await b.todos.lookup(id)).toMatchObject({ text: 'original', notes: 'base notes' });
    expect(b.context.getPendingOperations()).toEqual([]);
  });
});

describe('status', () => {
  it('shows pushing n of N while a push runs, and runs pushes one at a time', async () => {
    const observed: { client?: TestClient } = {};
    const phases: string[] = [];
    const client = await createClient(backend.url, {
      // One at a time, so that each request sees the progress of the one before.
      pushConcurrency: 1,
      onRequest: () => {
        const phase = observed.client?.context.getStatus().phase;
        if (phase?.kind === 'pushing') phases.push(`${phase.done}/${phase.total}`);
      },
    });
    observed.client = client;
    await client.todos.insert({ text: 'one' });
    await client.todos.insert({ text: 'two' });
    const [first, second] = await Promise.all([client.context.push(), client.context.push()]);
    expect(first.pushed).toBe(2);
    expect(second.pushed).toBe(0);
    expect(phases).toEqual(['0/2', '1/2']);
    expect(client.context.getStatus().phase).toEqual({ kind: 'idle' });
  });

  it('tells listeners about pending operations, issues and data changes', async () => {
    const client = await createClient(backend.url);
    const statuses: number[] = [];
    const changed: string[][] = [];
    const stopStatus = client.context.onStatusChanged((status) => statuses.push(status.pendingOperations));
    const stopData = client.context.onDataChanged((tables) => changed.push(tables));
    await client.todos.insert({ text: 'one' });
    await client.todos.insert({ text: 'two' });
    expect(client.context.getStatus()).toMatchObject({
      pendingOperations: 2,
      pendingByTable: { todoitem: 2 },
    });
    await client.context.push();
    // The end of a push always reaches listeners, with the final state.
    expect(statuses.at(-1)).toBe(0);
    expect(changed.flat()).toContain('todoitem');
    stopStatus();
    stopData();
    const seen = statuses.length;
    await client.todos.insert({ text: 'three' });
    await client.context.push();
    expect(statuses.length).toBe(seen);
  });
});
