/**
 * The protocol client on its own: what it sends and how it reads answers, against the real
 * server; and how it treats answers that break the protocol, against tiny peers that send
 * exactly those broken answers (they are not sync servers).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  BadResponseError,
  NetworkError,
  ProtocolClient,
  Query,
  SyncHttpError,
  SyncUsageError,
  type ObservedRequest,
} from '../../../main/sync';
import { versionFromEtag } from '../../../main/sync/protocol-client';
import { backendHeaders } from '../../support/backend';
import { createClient, serverInsert, useTestBackend } from './helpers';

const backend = useTestBackend();

function protocolFor(url: string, requests: ObservedRequest[] = []): ProtocolClient {
  return new ProtocolClient({
    baseUrl: () => url,
    extraHeaders: () => backendHeaders(url),
    installationId: () => 'test-installation',
    onRequest: (request) => {
      requests.push(request);
    },
  });
}

/** A peer that answers every request with `respond`. */
async function peer(
  respond: (request: http.IncomingMessage, response: http.ServerResponse) => void,
): Promise<{
  url: string;
  close(): Promise<void>;
}> {
  const server = http.createServer(respond);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('against the real server', () => {
  it('insert, update, delete and lookup return records with versions from the ETag and Date fields', async () => {
    const protocol = protocolFor(backend.url);
    const inserted = await protocol.insert('todoitem', {
      id: 'proto-1',
      text: 'hello',
      complete: false,
      // Server-owned columns are never sent (the server refuses them with 400).
      createdAt: new Date(),
      updatedAt: new Date(),
      deleted: false,
      version: 'ignored',
    });
    expect(inserted).toMatchObject({ id: 'proto-1', text: 'hello', deleted: false });
    expect(inserted.updatedAt).toBeInstanceOf(Date);
    const updated = await protocol.update('todoitem', 'proto-1', { text: 'changed' }, inserted.version);
    expect(updated.version).not.toBe(inserted.version);
    const stale = await protocol
      .update('todoitem', 'proto-1', { text: 'stale' }, inserted.version)
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(SyncHttpError);
    expect((stale as SyncHttpError).status).toBe(412);
    expect((stale as SyncHttpError).serverRecord).toMatchObject({
      text: 'changed',
      version: updated.version,
    });
    expect(await protocol.lookup('todoitem', 'proto-1')).toMatchObject({
      text: 'changed',
      version: updated.version,
    });
    const deleted = await protocol.delete('todoitem', 'proto-1', updated.version);
    expect(deleted.deleted).toBe(true);
    expect(await protocol.lookup('todoitem', 'proto-1')).toBeNull();
    expect(await protocol.lookupIncludingDeleted('todoitem', 'proto-1')).toMatchObject({ deleted: true });
    const restored = await protocol.undelete('todoitem', 'proto-1', deleted.version);
    expect(restored).toMatchObject({ deleted: false, text: 'changed' });
  });

  it('a duplicate insert is a 409 whose body is our own item, so it carries no server record', async () => {
    const protocol = protocolFor(backend.url);
    await protocol.insert('todoitem', { id: 'proto-dup', text: 'theirs' });
    const error = await protocol
      .insert('todoitem', { id: 'proto-dup', text: 'mine' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncHttpError);
    expect(error).toMatchObject({ status: 409, code: 'conflict', serverRecord: undefined });
  });

  it('omits __includeDeleted unless asked (any value includes deleted rows)', async () => {
    const requests: ObservedRequest[] = [];
    const protocol = protocolFor(backend.url, requests);
    const live = await protocol.insert('todoitem', { id: 'proto-live', text: 'live' });
    const gone = await protocol.insert('todoitem', { id: 'proto-gone', text: 'gone' });
    await protocol.delete('todoitem', gone.id, gone.version);
    const query = { filter: "(id eq 'proto-live') or (id eq 'proto-gone')", orderBy: 'id' };
    const visible = await protocol.readPage('todoitem', query);
    expect(visible.items.map((item) => item.id)).toEqual([live.id]);
    expect(requests.at(-1)?.path).not.toContain('__includeDeleted');
    const all = await protocol.readPage('todoitem', { ...query, includeDeleted: true, inlineCount: true });
    expect(all.items.map((item) => item.id)).toEqual([gone.id, live.id]);
    expect(all.count).toBe(2);
    expect(requests.at(-1)?.path).toContain('__includeDeleted=true');
  });

  it('the installation id is created once and kept across restarts', async () => {
    const client = await createClient(backend.url);
    const id = client.context.installationId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const reopened = await client.reopen();
    expect(reopened.context.installationId()).toBe(id);
  });

  it('follows a changed backend address on the next request', async () => {
    const client = await createClient('http://127.0.0.1:9');
    await client.todos.insert({ text: 'x' });
    await expect(client.context.push()).rejects.toBeInstanceOf(NetworkError);
    client.client.setApplicationUrl(`${backend.url}/`);
    await expect(client.context.push()).resolves.toMatchObject({ pushed: 1 });
    client.client.setApplicationUrl('not a url');
    await client.todos.insert({ text: 'y' });
    await expect(client.context.push()).rejects.toBeInstanceOf(SyncUsageError);
    expect(client.context.getPendingOperations()).toHaveLength(1);
  });
});

describe('answers that break the protocol', () => {
  it.each([
    {
      name: 'a success that is not JSON',
      respond: (response: http.ServerResponse) => {
        response.writeHead(201, { ETag: '"1"', 'Content-Type': 'text/html' });
        response.end('<html>proxy login</html>');
      },
    },
    {
      name: 'a record without its ETag',
      respond: (response: http.ServerResponse) => {
        response.writeHead(201, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ id: 'x', text: 'y' }));
      },
    },
    {
      name: 'a record without an id',
      respond: (response: http.ServerResponse) => {
        response.writeHead(201, { ETag: '"1"', 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ text: 'y' }));
      },
    },
  ])('$name is a BadResponseError', async ({ respond }) => {
    const broken = await peer((_request, response) => respond(response));
    try {
      const error = await protocolFor(broken.url)
        .insert('todoitem', { id: 'x', text: 'y' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadResponseError);
    } finally {
      await broken.close();
    }
  });

  it('a page that is not a list, or has a row without a version, is a BadResponseError', async () => {
    let body = '{"not":"a list"}';
    const broken = await peer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(body);
    });
    try {
      const protocol = protocolFor(broken.url);
      await expect(protocol.readPage('todoitem', {})).rejects.toBeInstanceOf(BadResponseError);
      body = '[{"id":"a","version":"1"},{"id":"b"}]';
      await expect(protocol.readPage('todoitem', {})).rejects.toThrow(/row 1 has no id or version/);
    } finally {
      await broken.close();
    }
  });

  it("/.auth/refresh: App Service's renewed token is taken; an ended session or a reply without a token is not", async () => {
    let answer: { status: number; body: string } = {
      status: 200,
      body: '{"authenticationToken":"renewed-token","user":{"userId":"sid:erin"}}',
    };
    const seen: (string | undefined)[] = [];
    const appService = await peer((request, response) => {
      seen.push(`${request.url} ${String(request.headers['x-zumo-auth'])}`);
      response.writeHead(answer.status, { 'Content-Type': 'application/json' });
      response.end(answer.body);
    });
    try {
      const protocol = new ProtocolClient({
        baseUrl: () => appService.url,
        installationId: () => 'test-installation',
        auth: () => ({ origin: new URL(appService.url).origin, token: 'old-token' }),
      });
      await expect(protocol.refreshAuth()).resolves.toEqual({
        authenticationToken: 'renewed-token',
        userId: 'sid:erin',
      });
      // The renewal is asked with the current token, which is what App Service renews.
      expect(seen).toEqual(['/.auth/refresh old-token']);

      answer = { status: 200, body: '{"authenticationToken":"only-a-token"}' };
      await expect(protocol.refreshAuth()).resolves.toEqual({
        authenticationToken: 'only-a-token',
        userId: null,
      });

      answer = { status: 200, body: '{"user":{"userId":"sid:erin"}}' };
      await expect(protocol.refreshAuth()).rejects.toThrow(/the refreshed session has no token/);

      answer = { status: 401, body: '{"error":"expired"}' };
      await expect(protocol.refreshAuth()).resolves.toBeNull();
    } finally {
      await appService.close();
    }
  });

  it('a body cut off by a dropped connection is a NetworkError (nothing was applied locally)', async () => {
    const broken = await peer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      response.write('[{"id":"a","ver');
      setImmediate(() => response.socket?.destroy());
    });
    try {
      await expect(protocolFor(broken.url).readPage('todoitem', {})).rejects.toBeInstanceOf(NetworkError);
    } finally {
      await broken.close();
    }
  });

  it('a 5xx page with an HTML body is a SyncHttpError carrying the text', async () => {
    const broken = await peer((_request, response) => {
      response.writeHead(502, { 'Content-Type': 'text/html' });
      response.end('Bad gateway');
    });
    try {
      const error = await protocolFor(broken.url)
        .readPage('todoitem', {})
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 502, code: 'server', body: 'Bad gateway' });
    } finally {
      await broken.close();
    }
  });
});

describe('ETags', () => {
  it.each([
    ['"AAAAAAAAB9E="', 'AAAAAAAAB9E='],
    ['W/"MQ=="', 'MQ=='],
    ['MQ==', 'MQ=='],
    ['""', undefined],
    [null, undefined],
  ])('%s → %s', (etag, version) => {
    expect(versionFromEtag(etag)).toBe(version);
  });

  it('sends If-Match quoted', async () => {
    const seen: (string | undefined)[] = [];
    const echo = await peer((request, response) => {
      seen.push(request.headers['if-match']);
      response.writeHead(412, { ETag: '"2"', 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ id: 'x', text: 'server' }));
    });
    try {
      const error = await protocolFor(echo.url)
        .update('todoitem', 'x', { text: 'mine' }, 'MQ==')
        .catch((e: unknown) => e);
      expect(seen).toEqual(['"MQ=="']);
      expect((error as SyncHttpError).serverRecord).toMatchObject({ id: 'x', version: '2' });
    } finally {
      await echo.close();
    }
  });
});

describe('server data', () => {
  it('keeps values the server fills (null in a required column becomes its default locally)', async () => {
    await serverInsert(backend.url, { id: 'proto-null', text: 'no complete given' });
    const client = await createClient(backend.url);
    await client.context.pull(new Query('todoitem').where({ id: 'proto-null' }));
    expect(await client.todos.lookup('proto-null')).toMatchObject({ complete: false, notes: null });
  });
});
