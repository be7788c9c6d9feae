/**
 * scripts/backend-guard.ts in front of a stand-in route, one rule at a time (the real server
 * behind it is test/scripts/backend.test.ts's): which requests reach the server and which are
 * refused, with what status.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_KEY_HEADER, createBackendGuard, isJsonContentType } from '../../scripts/backend-guard';

const KEY = 'k'.repeat(43);
let reached = 0;
let keyed: http.Server;
let open: http.Server;

function serve(key: string | null): Promise<http.Server> {
  const app = express();
  app.use(createBackendGuard({ key }));
  app.use((_req, res) => {
    reached++;
    res.status(200).json({ ok: true });
  });
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function send(
  server: http.Server,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<number> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method, path, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(method === 'GET' ? undefined : '{}');
  });
}

const portOf = (server: http.Server): number => (server.address() as AddressInfo).port;
const withKey = { [BACKEND_KEY_HEADER]: KEY };
const json = { 'Content-Type': 'application/json' };

beforeAll(async () => {
  keyed = await serve(KEY);
  open = await serve(null);
});
afterAll(() => {
  keyed.close();
  open.close();
});

describe('the local backend guard', () => {
  it('lets a request with a loopback Host, no Origin, JSON and the key through', async () => {
    const before = reached;
    expect(await send(keyed, 'POST', '/tables/todoitem', { ...withKey, ...json })).toBe(200);
    expect(
      await send(keyed, 'GET', '/tables/todoitem', { ...withKey, Host: `localhost:${portOf(keyed)}` }),
    ).toBe(200);
    // A local forwarder (another port) still names a loopback address.
    expect(await send(keyed, 'GET', '/tables/todoitem', { ...withKey, Host: 'localhost:1234' })).toBe(200);
    expect(reached).toBe(before + 3);
  });

  it.each([
    ['a rebound Host', 'GET', { Host: 'rebind.example:80' }, 421],
    ['a Host without a port', 'GET', { Host: '127.0.0.1' }, 421],
    ['an Origin of another site', 'GET', { Origin: 'https://evil.example' }, 403],
    ['an Origin of another local port', 'GET', { Origin: 'http://localhost:5173' }, 403],
    ['a write without Content-Type', 'POST', {}, 415],
    ['a text/plain write', 'POST', { 'Content-Type': 'text/plain;charset=UTF-8' }, 415],
    ['a form write', 'PATCH', { 'Content-Type': 'application/x-www-form-urlencoded' }, 415],
  ] as const)(
    'refuses %s (%s) with %i, before the server sees it',
    async (_what, method, headers, status) => {
      const before = reached;
      expect(await send(keyed, method, '/tables/todoitem', { ...withKey, ...headers })).toBe(status);
      expect(await send(open, method, '/tables/todoitem', headers)).toBe(status);
      expect(reached).toBe(before);
    },
  );

  it("accepts the server's own Origin", async () => {
    const origin = `http://127.0.0.1:${portOf(keyed)}`;
    expect(await send(keyed, 'GET', '/tables/todoitem', { ...withKey, Origin: origin })).toBe(200);
  });

  it('refuses a missing or wrong key with 401, except on the sign-in pages; open mode needs none', async () => {
    const before = reached;
    expect(await send(keyed, 'GET', '/tables/todoitem', {})).toBe(401);
    expect(await send(keyed, 'GET', '/tables/todoitem', { [BACKEND_KEY_HEADER]: 'x'.repeat(43) })).toBe(401);
    expect(await send(keyed, 'GET', '/tables/todoitem', { [BACKEND_KEY_HEADER]: 'short' })).toBe(401);
    expect(await send(keyed, 'POST', '/.auth/login/google', json)).toBe(401);
    expect(reached).toBe(before);
    expect(await send(keyed, 'GET', '/.auth/login/google', {})).toBe(200);
    expect(await send(open, 'GET', '/tables/todoitem', {})).toBe(200);
  });

  it('reads the media type of Content-Type, parameters aside', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('Application/JSON; charset=utf-8')).toBe(true);
    expect(isJsonContentType('application/json-patch+json')).toBe(false);
    expect(isJsonContentType(undefined)).toBe(false);
  });
});
