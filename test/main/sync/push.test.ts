/**
 * Push against the real server: versions sent, conflicts on each action, the push handler
 * and every PushError decision, the retry cap, persisted issues, connection failures, the
 * crash between a POST and its local commit, and an edit made while its record is in flight.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  NetworkError,
  Query,
  SyncHttpError,
  SyncUsageError,
  TimeoutError,
  UnauthorizedError,
  type PushError,
  type PushHandler,
} from '../../../main/sync';
import { startTestBackend } from '../../support/backend';
import {
  createClient,
  raw,
  serverGet,
  serverInsert,
  serverRows,
  serverUpdate,
  type TestClient,
  useTestBackend,
} from './helpers';

const REJECT = '#refuse';
const backend = useTestBackend({ rejectText: REJECT });

let sequence = 0;
function newId(label: string): string {
  sequence++;
  return `${label}-${sequence}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A record both the server and the client have, at the same version. */
async function syncedRecord(client: TestClient, text = 'original'): Promise<string> {
  const id = newId('synced');
  await serverInsert(backend.url, { id, text, complete: false });
  await client.context.pull(new Query('todoitem').where({ id }));
  expect((await client.todos.lookup(id))?.text).toBe(text);
  return id;
}

function requestsFor(client: TestClient, id: string): { method: string; ifMatch: string | undefined }[] {
  return client.requests
    .filter((request) => request.path.includes(encodeURIComponent(id)) || request.body?.id === id)
    .map(({ method, ifMatch }) => ({ method, ifMatch }));
}

/** A handler that records its calls and applies `decide` to each conflict. */
function recordingHandler(decide: (pushError: PushError) => Promise<void> | void = () => undefined): {
  handler: PushHandler;
  conflicts: PushError[];
  errors: PushError[];
} {
  const conflicts: PushError[] = [];
  const errors: PushError[] = [];
  return {
    conflicts,
    errors,
    handler: {
      async onConflict(_server, _client, pushError) {
        conflicts.push(pushError);
        await decide(pushError);
      },
      async onError(pushError) {
        errors.push(pushError);
        await decide(pushError);
      },
    },
  };
}

describe('what each push sends', () => {
  it('POSTs the client id, then PATCHes and DELETEs with If-Match of the version the record had', async () => {
    const client = await createClient(backend.url);
    const item = await client.todos.insert({ text: 'walk the dog' });
    await client.context.push();
    const afterInsert = await client.todos.lookup(item.id);
    const serverAfterInsert = await serverGet(backend.url, item.id);
    expect(afterInsert?.version).toBe(serverAfterInsert?.version);
    expect(serverAfterInsert).toMatchObject({ text: 'walk the dog', complete: false });

    await client.todos.update({ id: item.id, complete: true });
    await client.context.push();
    const afterUpdate = await client.todos.lookup(item.id);
    expect((await serverGet(backend.url, item.id))?.complete).toBe(true);

    await client.todos.del(item.id);
    await client.context.push();
    expect((await serverGet(backend.url, item.id))?.deleted).toBe(true);

    expect(requestsFor(client, item.id)).toEqual([
      { method: 'POST', ifMatch: undefined },
      { method: 'PATCH', ifMatch: afterInsert?.version },
      { method: 'DELETE', ifMatch: afterUpdate?.version },
    ]);
    // The body never carries server-owned columns.
    const post = client.requests.find((request) => request.method === 'POST');
    expect(Object.keys(post?.body ?? {}).sort()).toEqual([
      'complete',
      'dueDate',
      'id',
      'notes',
      'reminderAt',
      'text',
    ]);
    expect(client.context.getPendingOperations()).toEqual([]);
  });

  it('sends the version of edit time: a stale one is refused with 412 by the server', async () => {
    const client = await createClient(backend.url);
    client.context.setConflictPolicy('todoitem', 'ask');
    const id = await syncedRecord(client);
    const localVersion = (await client.todos.lookup(id))?.version;
    const changed = await serverUpdate(backend.url, id, { text: 'changed elsewhere' });
    await client.todos.update({ id, complete: true });
    const result = await client.context.push();
    expect(requestsFor(client, id).at(-1)).toEqual({ method: 'PATCH', ifMatch: localVersion });
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ kind: 'conflict', httpStatus: 412, action: 'update' });
    expect(result.issues[0]?.serverRecord).toMatchObject({
      text: 'changed elsewhere',
      version: changed.version,
    });
  });

  it('pushes a record’s operations in order and other records in queue order', async () => {
    const client = await createClient(backend.url);
    const first = await client.todos.insert({ text: 'first' });
    const second = await client.todos.insert({ text: 'second' });
    await client.context.push();
    await client.todos.update({ id: second.id, text: 'second, edited' });
    await client.todos.update({ id: first.id, text: 'first, edited' });
    await client.context.push();
    const writes = client.requests
      .filter((request) => request.method !== 'GET' && request.method !== 'OPTIONS')
      .map((request) => request.body?.text);
    expect(writes).toEqual(['first', 'second', 'second, edited', 'first, edited']);
  });
});

describe('conflict detection', () => {
  it('on insert: a 409 with different content is a conflict carrying the real server record', async () => {
    const client = await createClient(backend.url);
    const { handler, conflicts } = recordingHandler();
    client.context.pushHandler = handler;
    const id = newId('dup');
    await serverInsert(backend.url, { id, text: 'theirs' });
    await client.todos.insert({ id, text: 'mine' });
    const result = await client.context.push();
    expect(conflicts).toHaveLength(1);
    expect((conflicts[0]?.getError() as SyncHttpError).status).toBe(409);
    expect(conflicts[0]?.getServerRecord()).toMatchObject({ id, text: 'theirs' });
    expect(conflicts[0]?.getClientRecord()).toMatchObject({ id, text: 'mine' });
    expect(result.issues[0]).toMatchObject({ kind: 'conflict', action: 'insert', httpStatus: 409 });
  });

  it('on update: 412 with the server record and version', async () => {
    const client = await createClient(backend.url);
    const { handler, conflicts } = recordingHandler();
    client.context.pushHandler = handler;
    const id = await syncedRecord(client);
    const theirs = await serverUpdate(backend.url, id, { text: 'theirs' });
    await client.todos.update({ id, text: 'mine' });
    await client.context.push();
    expect((conflicts[0]?.getError() as SyncHttpError).status).toBe(412);
    expect(conflicts[0]?.getServerRecord()).toMatchObject({ text: 'theirs', version: theirs.version });
    expect(conflicts[0]?.getServerRecord()?.updatedAt).toBeInstanceOf(Date);
    expect(conflicts[0]?.getAction()).toBe('update');
    expect(conflicts[0]?.getTableName()).toBe('todoitem');
  });

  it('on delete: a stale delete is a 412 conflict, and the server row stays', async () => {
    const client = await createClient(backend.url);
    const { handler, conflicts } = recordingHandler();
    client.context.pushHandler = handler;
    const id = await syncedRecord(client);
    await serverUpdate(backend.url, id, { text: 'theirs' });
    await client.todos.del(id);
    await client.context.push();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.getAction()).toBe('delete');
    expect(conflicts[0]?.getClientRecord()).toMatchObject({ id, text: 'original' });
    expect((await serverGet(backend.url, id))?.deleted).toBe(false);
  });

  it('on update of a record deleted on the server: a conflict with the deleted server record', async () => {
    const client = await createClient(backend.url);
    const { handler, conflicts } = recordingHandler();
    client.context.pushHandler = handler;
    const id = await syncedRecord(client);
    await raw(backend.url, 'DELETE', `/tables/todoitem/${id}`);
    await client.todos.update({ id, text: 'mine' });
    await client.context.push();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.getServerRecord()).toMatchObject({ id, deleted: true });
  });
});

describe('409 and 412, handled and unhandled', () => {
  it('unhandled: the issue is persisted, the operation is kept and skipped, other records go on', async () => {
    const client = await createClient(backend.url);
    client.context.pushHandler = {};
    const id = await syncedRecord(client);
    await serverUpdate(backend.url, id, { text: 'theirs' });
    await client.todos.update({ id, text: 'mine' });
    const other = await client.todos.insert({ text: 'unrelated' });
    const first = await client.context.push();
    expect(first).toMatchObject({ pushed: 1, skipped: 0 });
    expect(first.issues).toHaveLength(1);
    expect(await serverGet(backend.url, other.id)).toBeDefined();

    const requestsBefore = client.requests.length;
    const second = await client.context.push();
    expect(second).toMatchObject({ pushed: 0, skipped: 1, issues: [] });
    expect(client.requests.length).toBe(requestsBefore);
    expect(client.context.getPendingOperations()).toHaveLength(1);
    expect(client.context.getStatus()).toMatchObject({ unresolvedConflicts: 1, pendingOperations: 1 });
  });

  it('handled 412: update() with the server version retries and wins', async () => {
    const client = await createClient(backend.url);
    client.context.pushHandler = recordingHandler(async (pushError) => {
      const server = pushError.getServerRecord();
      await pushError.update({ ...pushError.getClientRecord(), version: server?.version });
    }).handler;
    const id = await syncedRecord(client);
    await serverUpdate(backend.url, id, { complete: true });
    await client.todos.update({ id, text: 'mine' });
    const result = await client.context.push();
    expect(result).toMatchObject({ pushed: 1, issues: [] });
    expect(await serverGet(backend.url, id)).toMatchObject({ text: 'mine', complete: false });
    const local = await client.todos.lookup(id);
    expect(local?.version).toBe((await serverGet(backend.url, id))?.version);
  });

  it('handled 409 on insert: changeAction("update") with the server version turns it into an update', async () => {
    const client = await createClient(backend.url);
    client.context.pushHandler = recordingHandler(async (pushError) => {
      await pushError.changeAction('update', {
        ...pushError.getClientRecord(),
        version: pushError.getServerRecord()?.version,
      });
    }).handler;
    const id = newId('dup');
    await serverInsert(backend.url, { id, text: 'theirs' });
    await client.todos.insert({ id, text: 'mine', complete: true });
    const result = await client.context.push();
    expect(result).toMatchObject({ pushed: 1, issues: [] });
    expect(await serverGet(backend.url, id)).toMatchObject({ text: 'mine', complete: true });
    expect(requestsFor(client, id).map((request) => request.method)).toEqual(['POST', 'GET', 'PATCH']);
  });
});

describe('every PushError decision', () => {
  async function conflictWith(
    decide: (pushError: PushError) => Promise<void> | void,
  ): Promise<{ client: TestClient; id: string; theirs: { version: string } }> {
    const client = await createClient(backend.url);
    client.context.pushHandler = recordingHandler(decide).handler;
    const id = await syncedRecord(client);
    const theirs = await serverUpdate(backend.url, id, { text: 'theirs' });
    await client.todos.update({ id, text: 'mine' });
    await client.context.push();
    return { client, id, theirs };
  }

  it('cancel(): drops the operation, keeps the local record as it is', async () => {
    const { client, id } = await conflictWith((pushError) => pushError.cancel());
    expect(client.context.getPendingOperations()).toEqual([]);
    expect((await client.todos.lookup(id))?.text).toBe('mine');
    expect((await serverGet(backend.url, id))?.text).toBe('theirs');
    expect(client.context.listIssues()).toEqual([]);
  });

  it('cancelAndUpdate(record): drops the operation and writes the record locally', async () => {
    const { client, id, theirs } = await conflictWith(async (pushError) => {
      const server = pushError.getServerRecord();
      if (server) await pushError.cancelAndUpdate(server);
    });
    expect(client.context.getPendingOperations()).toEqual([]);
    expect(await client.todos.lookup(id)).toMatchObject({ text: 'theirs', version: theirs.version });
  });

  it('cancelAndDiscard(): drops the operation and the local record', async () => {
    const { client, id } = await conflictWith((pushError) => pushError.cancelAndDiscard());
    expect(client.context.getPendingOperations()).toEqual([]);
    expect(await client.todos.lookup(id)).toBeNull();
    expect((await serverGet(backend.url, id))?.deleted).toBe(false);
  });

  it('update(record): retries with the server version and the new content', async () => {
    const { client, id } = await conflictWith(async (pushError) => {
      await pushError.update({ text: 'mine and theirs', version: pushError.getServerRecord()?.version });
    });
    expect(client.context.getPendingOperations()).toEqual([]);
    expect((await serverGet(backend.url, id))?.text).toBe('mine and theirs');
    expect((await client.todos.lookup(id))?.text).toBe('mine and theirs');
  });

  it('changeAction("delete"): deletes the operation’s record, not a record whose id is the operation id', async () => {
    const client = await createClient(backend.url);
    const id = await syncedRecord(client);
    await serverUpdate(backend.url, id, { text: 'theirs' });
    await client.todos.update({ id, text: 'mine' });
    const operationId = client.context.getPendingOperations()[0]?.id;
    // The official SDK deletes the row whose id equals the operation id: put one there.
    const bystander = await client.todos.insert({ id: String(operationId), text: 'bystander' });
    client.context.pushHandler = {
      async onConflict(server, _client, pushError) {
        if (pushError.getRecordId() === id)
          await pushError.changeAction('delete', { version: server?.version });
      },
    };
    const result = await client.context.push();
    expect(result.issues).toEqual([]);
    expect(await client.todos.lookup(id)).toBeNull();
    expect((await serverGet(backend.url, id))?.deleted).toBe(true);
    expect((await client.todos.lookup(bystander.id))?.text).toBe('bystander');
    expect((await serverGet(backend.url, bystander.id))?.text).toBe('bystander');
  });

  it('isHandled = true without a decision retries as is (and the getters describe the failure)', async () => {
    const seen: string[] = [];
    const { client } = await conflictWith((pushError) => {
      seen.push(`${pushError.getAction()} ${pushError.isConflict()} ${pushError.isHandled}`);
      pushError.isHandled = true;
    });
    // The same stale version fails again each time, up to the retry cap.
    expect(seen).toEqual(Array.from({ length: 5 }, () => 'update true false'));
    expect(client.context.listIssues()[0]?.message).toMatch(/Gave up after 5 attempts/);
  });

  it('a decision outside the handler, or a second decision, is refused', async () => {
    let kept: PushError | undefined;
    let second: unknown;
    const { client } = await conflictWith(async (pushError) => {
      kept = pushError;
      await pushError.cancel();
      second = await pushError.cancelAndDiscard().catch((error: unknown) => error);
    });
    expect(second).toBeInstanceOf(SyncUsageError);
    await expect(kept?.cancel()).rejects.toBeInstanceOf(SyncUsageError);
    expect(client.context.getPendingOperations()).toEqual([]);
  });
});

describe('retry cap and failing handlers', () => {
  it('stops retrying after the cap, keeps the attempts with the operation and leaves an issue', async () => {
    const client = await createClient(backend.url, { maxPushAttempts: 3 });
    let calls = 0;
    client.context.pushHandler = {
      async onConflict(_server, clientRecord, pushError) {
        calls++;
        // A stale version on purpose: every retry conflicts again.
        await pushError.update({ ...clientRecord });
      },
    };
    const id = await syncedRecord(client);
    await serverUpdate(backend.url, id, { text: 'theirs' });
    await client.todos.update({ id, text: 'mine' });
    const result = await client.context.push();
    expect(calls).toBe(3);
    expect(client.context.getPendingOperations()[0]?.attempts).toBe(3);
    expect(result.issues[0]?.message).toMatch(/Gave up after 3 attempts/);
  });

  it('a handler that throws leaves the conflict unhandled and its decision unapplied', async () => {
    const client = await createClient(backend.url);
    client.context.pushHandler = {
      async onConflict(_server, _client, pushError) {
        await pushError.cancelAndDiscard();
        throw new Error('handler bug');
      },
    };
    const id = await syncedRecord(client);
    await serverUpdate(backend.url, id, { text: 'theirs' });
    await client.todos.update({ id, text: 'mine' });
    const result = await client.context.push();
    expect(result.issues[0]?.message).toMatch(/handler failed: handler bug/);
    expect((await client.todos.lookup(id))?.text).toBe('mine');
    expect(client.context.getPendingOperations()).toHaveLength(1);
  });
});

describe('errors other than conflicts', () => {
  it('unhandled: a refused insert becomes a rejected issue; handled: onError decides', async () => {
    const client = await createClient(backend.url);
    const refused = await client.todos.insert({ text: `not this ${REJECT}` });
    const result = await client.context.push();
    expect(result.issues[0]).toMatchObject({ kind: 'rejected', httpStatus: 400, recordId: refused.id });
    expect(result.issues[0]?.message).toMatch(/does not accept/);
    expect(client.context.getStatus().rejectedOperations).toBe(1);

    const handled = await createClient(backend.url);
    const { handler, errors } = recordingHandler((pushError) => pushError.cancelAndDiscard());
    handled.context.pushHandler = handler;
    const other = await handled.todos.insert({ text: `also ${REJECT}` });
    const handledResult = await handled.context.push();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.isConflict()).toBe(false);
    expect(handledResult).toMatchObject({ cancelled: 1, issues: [] });
    expect(await handled.todos.lookup(other.id)).toBeNull();
  });
});

describe('connection failures', () => {
  it('unreachable server: the push stops with the queue intact, no issue, status offline; later it goes through', async () => {
    const client = await createClient('http://127.0.0.1:9');
    const { handler, conflicts, errors } = recordingHandler();
    client.context.pushHandler = handler;
    const item = await client.todos.insert({ text: 'offline work' });
    await expect(client.context.push()).rejects.toBeInstanceOf(NetworkError);
    expect(conflicts.length + errors.length).toBe(0);
    expect(client.context.getPendingOperations()).toMatchObject([{ action: 'insert', pushing: false }]);
    expect(client.context.listIssues()).toEqual([]);
    expect(client.context.getStatus()).toMatchObject({
      connectivity: 'offline',
      lastError: { code: 'network' },
    });

    client.client.setApplicationUrl(backend.url);
    await expect(client.context.push()).resolves.toMatchObject({ pushed: 1 });
    expect(await serverGet(backend.url, item.id)).toMatchObject({ text: 'offline work' });
    expect(client.context.getStatus()).toMatchObject({ connectivity: 'online', lastError: null });
  });

  it('a push with nothing to send while offline leaves the status offline and not synced', async () => {
    const client = await createClient('http://127.0.0.1:9');
    await expect(client.context.pull(new Query('todoitem'))).rejects.toBeInstanceOf(NetworkError);
    // No request is made, so nothing is learnt about the server: it must not read as online.
    await expect(client.context.push()).resolves.toMatchObject({ pushed: 0 });
    expect(client.context.getStatus()).toMatchObject({
      connectivity: 'offline',
      lastSyncedAt: null,
      lastError: { code: 'network' },
    });

    client.client.setApplicationUrl(backend.url);
    await client.context.pull(new Query('todoitem'));
    expect(client.context.getStatus()).toMatchObject({ connectivity: 'online', lastError: null });
    expect(client.context.getStatus().lastSyncedAt).not.toBeNull();
  });

  it('a server that stops mid-session: the same', async () => {
    const own = await startTestBackend();
    const client = await createClient(own.url);
    await client.todos.insert({ text: 'before' });
    await client.context.push();
    await own.stop();
    await client.todos.insert({ text: 'after' });
    await expect(client.context.push()).rejects.toBeInstanceOf(NetworkError);
    expect(client.context.getPendingOperations()).toHaveLength(1);
  });

  it('a server that does not answer: TimeoutError, queue intact', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const client = await createClient(`http://127.0.0.1:${port}`, { timeoutMs: 300 });
      await client.todos.insert({ text: 'x' });
      await expect(client.context.push()).rejects.toBeInstanceOf(TimeoutError);
      expect(client.context.getPendingOperations()).toHaveLength(1);
      expect(client.context.getStatus().connectivity).toBe('offline');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('401: unauthorized without retrying, queue intact; the token is sent as X-ZUMO-AUTH', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    // Not a sync server: a peer that refuses every token, for this one behaviour.
    const refusing = http.createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(401, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: 'Unauthorized' }));
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = refusing.address() as AddressInfo;
      let token = 'expired-token';
      const client = await createClient(`http://127.0.0.1:${port}`, { authToken: () => token });
      await client.todos.insert({ text: 'a' });
      await client.todos.insert({ text: 'b' });
      await expect(client.context.push()).rejects.toBeInstanceOf(UnauthorizedError);
      // Nothing had failed before: both went at once, each with the token, and the push
      // stopped with one error.
      const withToken = seen.filter((headers) => headers['x-zumo-auth'] !== undefined);
      expect(withToken).toHaveLength(2);
      expect(seen).toHaveLength(2);
      seen.splice(0, seen.length, ...withToken);
      expect(seen[0]?.['x-zumo-auth']).toBe('expired-token');
      expect(seen[0]?.['zumo-api-version']).toBe('2.0.0');
      expect(seen[0]?.['x-zumo-installation-id']).toBe(client.store.keyValues.get('sync.installationId'));
      expect(client.context.getStatus()).toMatchObject({
        connectivity: 'unauthorized',
        lastError: { code: 'unauthorized' },
      });
      expect(client.context.getPendingOperations()).toHaveLength(2);
      expect(client.context.listIssues()).toEqual([]);
      token = 'new-token';
      seen.length = 0;
      await expect(client.context.push()).rejects.toBeInstanceOf(UnauthorizedError);
      // After a refusal the push probes: one attempt with the token; the connection opened
      // for the second carries none.
      const probes = seen.filter((headers) => headers['x-zumo-auth'] !== undefined);
      expect(probes.map((headers) => headers['x-zumo-auth'])).toEqual(['new-token']);
      expect(seen.length - probes.length).toBeLessThanOrEqual(1);
      expect(client.context.getPendingOperations()).toHaveLength(2);
    } finally {
      refusing.closeAllConnections();
      await new Promise((resolve) => refusing.close(resolve));
    }
  });
});

describe('the crash between a POST and its local commit', () => {
  it('same content on the server: the retry’s 409 is treated as done, no duplicate', async () => {
    const client = await createClient(backend.url);
    const { handler, conflicts } = recordingHandler();
    client.context.pushHandler = handler;
    const item = await client.todos.insert({ text: 'sent before the crash', notes: 'n' });
    // The server applied the POST, but the app died before committing the reply.
    const applied = await client.client.protocol.insert('todoitem', { ...item });
    expect(client.context.getPendingOperations()).toHaveLength(1);
    const reopened = await client.reopen();
    const result = await reopened.context.push();
    expect(result).toMatchObject({ pushed: 1, issues: [] });
    expect(conflicts).toEqual([]);
    expect(reopened.context.getPendingOperations()).toEqual([]);
    expect((await reopened.todos.lookup(item.id))?.version).toBe(applied.version);
    expect((await serverRows(backend.url)).filter((row) => row.id === item.id)).toHaveLength(1);
  });

  it('different content on the server: a conflict', async () => {
    const client = await createClient(backend.url);
    const { handler, conflicts } = recordingHandler();
    client.context.pushHandler = handler;
    const item = await client.todos.insert({ text: 'first version' });
    await client.client.protocol.insert('todoitem', { ...item });
    await client.todos.update({ id: item.id, text: 'edited after the crash' });
    await client.context.push();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.getServerRecord()).toMatchObject({ text: 'first version' });
  });

  it('operations left "pushing" by a crash are released on start', async () => {
    const client = await createClient(backend.url);
    const item = await client.todos.insert({ text: 'x' });
    const [operation] = client.context.getPendingOperations();
    client.store.operations.update(operation!.id, { pushing: true });
    const reopened = await client.reopen();
    expect(reopened.context.getPendingOperations()[0]?.pushing).toBe(false);
    await reopened.todos.update({ id: item.id, text: 'y' });
    expect(reopened.context.getPendingOperations()).toHaveLength(1);
    await reopened.context.push();
    expect((await serverGet(backend.url, item.id))?.text).toBe('y');
  });
});

describe('an edit made while its record is being pushed', () => {
  it('is queued after the in-flight operation and pushed next, with the new version', async () => {
    const inFlight: { client?: TestClient; id?: string } = {};
    let edited = false;
    const client = await createClient(backend.url, {
      onRequest: async (request) => {
        // The request is about to leave: the operation is marked pushing and its row was read.
        if (!edited && request.method === 'POST' && inFlight.client && inFlight.id) {
          edited = true;
          await inFlight.client.todos.update({ id: inFlight.id, text: 'edited during the push' });
        }
      },
    });
    const item = await client.todos.insert({ text: 'as sent' });
    inFlight.client = client;
    inFlight.id = item.id;
    const result = await client.context.push();
    expect(edited).toBe(true);
    expect(result.pushed).toBe(2);
    expect(client.requests.map((request) => `${request.method} ${request.body?.text ?? ''}`)).toEqual([
      'POST as sent',
      'PATCH edited during the push',
    ]);
    const server = await serverGet(backend.url, item.id);
    expect(server?.text).toBe('edited during the push');
    expect(await client.todos.lookup(item.id)).toMatchObject({
      text: 'edited during the push',
      version: server?.version,
    });
    expect(client.context.getPendingOperations()).toEqual([]);
  });
});

describe('issues across a restart', () => {
  it('persist with their records and keep blocking only their record until resolved', async () => {
    const client = await createClient(backend.url);
    client.context.setConflictPolicy('todoitem', 'ask');
    const id = await syncedRecord(client);
    await serverUpdate(backend.url, id, { text: 'theirs' });
    await client.todos.update({ id, text: 'mine' });
    await client.context.push();
    const reopened = await client.reopen();
    reopened.context.setConflictPolicy('todoitem', 'ask');
    const [issue] = reopened.context.listIssues();
    expect(issue).toMatchObject({ kind: 'conflict', recordId: id, httpStatus: 412 });
    expect(issue?.serverRecord).toMatchObject({ text: 'theirs' });
    expect(issue?.clientRecord).toMatchObject({ text: 'mine' });
    expect(issue?.baseRecord).toMatchObject({ text: 'original' });
    expect(issue?.createdAt).toBeInstanceOf(Date);
    expect((await reopened.context.push()).skipped).toBe(1);
    await reopened.context.resolveConflict(issue!.id, 'mine');
    await expect(reopened.context.push()).resolves.toMatchObject({ pushed: 1, issues: [] });
    expect((await serverGet(backend.url, id))?.text).toBe('mine');
  });
});
