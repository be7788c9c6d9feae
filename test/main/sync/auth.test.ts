/**
 * Signing in with App Service's server flow, against the real azure-mobile-apps server started
 * with --auth (its development sign-in stub): the login URL, the done URL, the token kept per
 * origin, 401 handling with the queue intact, and where the token may travel.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, vi } from 'vitest';
import {
  checkBackendAddress,
  isLoginDoneUrl,
  loginUrl,
  parseLoginDoneUrl,
  RedirectRefusedError,
  SignInError,
  tokenExpiry,
} from '../../../main/sync/auth';
import { SyncUsageError, UnauthorizedError } from '../../../main/sync';
import { startTestBackend, type TestBackend } from '../../support/backend';
import { followingLoginUi } from '../../support/login-follower';
import { expiredToken } from '../../support/tokens';
import { syncTest as it } from './helpers';

let serverA: TestBackend;
let serverB: TestBackend;

beforeAll(async () => {
  [serverA, serverB] = await Promise.all([
    startTestBackend({ auth: true }),
    startTestBackend({ auth: true }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([serverA?.stop(), serverB?.stop()]);
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Every request fetch sends, with its X-ZUMO-AUTH header: the wire, not the client's intentions. */
function recordFetch(): { url: string; token: string | null }[] {
  const sent: { url: string; token: string | null }[] = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const headers = new Headers(init?.headers);
    sent.push({
      url: String(input instanceof Request ? input.url : input),
      token: headers.get('x-zumo-auth'),
    });
    return realFetch(input, init);
  });
  return sent;
}

describe('the sign-in URLs', () => {
  it('builds the login URL beside /tables, also under a path, and refuses odd provider names', () => {
    expect(loginUrl('https://app.example.com/', 'aad')).toBe('https://app.example.com/.auth/login/aad');
    expect(loginUrl('https://example.com/app', 'google')).toBe('https://example.com/app/.auth/login/google');
    expect(() => loginUrl('https://example.com', '../tables')).toThrow(SignInError);
    expect(() => loginUrl('https://example.com', '')).toThrow(SignInError);
  });

  it('recognises only this backend’s done page and reads the token and user from it', () => {
    const backend = 'http://127.0.0.1:4000';
    const token = 'h.' + Buffer.from(JSON.stringify({ exp: 2_000_000_000 })).toString('base64url') + '.s';
    const done = `${backend}/.auth/login/done#token=${encodeURIComponent(
      JSON.stringify({ authenticationToken: token, user: { userId: 'sid:abc' } }),
    )}`;
    expect(isLoginDoneUrl(done, backend)).toBe(true);
    expect(isLoginDoneUrl(done.replace('4000', '4001'), backend)).toBe(false);
    expect(isLoginDoneUrl(`${backend}/.auth/login/google`, backend)).toBe(false);
    expect(parseLoginDoneUrl(done, backend)).toEqual({
      origin: backend,
      userId: 'sid:abc',
      token,
      expiresAt: new Date(2_000_000_000_000).toISOString(),
    });
    expect(() => parseLoginDoneUrl(done.replace('4000', '4001'), backend)).toThrow(SignInError);
    expect(() => parseLoginDoneUrl(`${backend}/.auth/login/done#error=access_denied`, backend)).toThrow(
      /access_denied/,
    );
    expect(() => parseLoginDoneUrl(`${backend}/.auth/login/done#token=%7Bnot-json`, backend)).toThrow(
      /without a usable token/,
    );
  });

  it('reads exp for display and nothing from a token that is not a JWT', () => {
    expect(tokenExpiry('not-a-jwt')).toBeNull();
    expect(tokenExpiry(expiredToken('x', 'sid:a'))).toMatch(/^\d{4}-/);
  });

  it('allows plain http only for this computer', () => {
    expect(checkBackendAddress('http://127.0.0.1:3000').origin).toBe('http://127.0.0.1:3000');
    expect(checkBackendAddress('http://localhost:3000').hostname).toBe('localhost');
    expect(checkBackendAddress('https://todo.example.com').protocol).toBe('https:');
    expect(() => checkBackendAddress('http://todo.example.com')).toThrow(/https:\/\//);
    expect(() => checkBackendAddress('http://192.168.1.10:3000')).toThrow(/only allowed for this computer/);
    expect(() => checkBackendAddress('https://user:pw@todo.example.com')).toThrow(/user name/);
  });
});

describe('client.login(provider) against the real server’s sign-in stub', { timeout: 60_000 }, () => {
  it('signs in, then syncs rows kept for that person; without a token the table answers 401', async ({
    openClient,
  }) => {
    expect(serverA.signInUrl).toBe(`${serverA.url}/.auth/login/<provider>`);
    const anonymous = await openClient(serverA.url);
    await anonymous.todos.insert({ text: 'nobody' });
    await expect(anonymous.context.push()).rejects.toBeInstanceOf(UnauthorizedError);

    const ui = followingLoginUi({ loginHint: 'alice' });
    const alice = await openClient(serverA.url, { loginUi: ui });
    expect(alice.client.currentUser).toBeNull();
    const user = await alice.client.login('google');
    expect(user.userId).toBe('sid:alice');
    expect(alice.client.currentUser).toEqual(user);
    expect(alice.client.currentSession()?.expiresAt).toMatch(/^\d{4}-/);
    await alice.todos.insert({ text: 'alice’s' });
    expect(await alice.context.push()).toMatchObject({ pushed: 1 });

    const bob = await openClient(serverA.url, { loginUi: followingLoginUi({ loginHint: 'bob' }) });
    await bob.client.login('google');
    await bob.context.pull(new (await import('../../../main/sync')).Query('todoitem'), 'all');
    expect(await bob.todos.read()).toEqual([]);
  });

  it('closing the window cancels and changes nothing', async ({ openClient }) => {
    const client = await openClient(serverA.url, { loginUi: followingLoginUi({ cancel: true }) });
    await expect(client.client.login('aad')).rejects.toMatchObject({ reason: 'cancelled' });
    expect(client.client.currentUser).toBeNull();
    await expect(client.client.login('aad')).rejects.toBeInstanceOf(SignInError);
    const noUi = await openClient(serverA.url);
    await expect(noUi.client.login('aad')).rejects.toBeInstanceOf(SyncUsageError);
  });

  it('refresh falls back to interactive sign-in where the server has no /.auth/refresh', async ({
    openClient,
  }) => {
    const client = await openClient(serverA.url, { loginUi: followingLoginUi({ loginHint: 'carol' }) });
    expect(await client.client.refreshUser()).toBe(false);
    await client.client.login('google');
    expect(await client.client.refreshUser()).toBe(false);
    expect(client.client.currentUser?.userId).toBe('sid:carol');
  });

  it('an expired token asks to sign in; a 401 in the middle of a push keeps the queue and resumes after signing in', async ({
    openClient,
  }) => {
    const ui = followingLoginUi({ loginHint: 'dave' });
    let expireBeforeRequest = -1;
    let requestCount = 0;
    const client = await openClient(serverA.url, {
      loginUi: ui,
      onRequest: () => {
        requestCount++;
        // The session ends while the push is under way (as a token's exp passes mid-push).
        if (requestCount === expireBeforeRequest)
          client.client.setAuthToken(expiredToken(serverA.authSecret(), 'sid:dave'));
      },
    });
    await client.client.login('google');
    for (const text of ['one', 'two', 'three']) await client.todos.insert({ text });
    expireBeforeRequest = requestCount + 2;
    await expect(client.context.push()).rejects.toBeInstanceOf(UnauthorizedError);
    // Some went before the session ended (pushes run a few at a time); the rest wait, none refused.
    const left = client.context.getStatus().pendingOperations;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(3);
    expect(client.context.getStatus().connectivity).toBe('unauthorized');
    expect(client.context.listIssues()).toEqual([]);

    await client.client.login('google');
    expect(client.context.getStatus().connectivity).toBe('online');
    expect(await client.context.push()).toMatchObject({ pushed: left, issues: [] });
    const fresh = await openClient(serverA.url, { loginUi: followingLoginUi({ loginHint: 'dave' }) });
    await fresh.client.login('google');
    const { Query } = await import('../../../main/sync');
    await fresh.context.pull(new Query('todoitem'), 'all');
    expect((await fresh.todos.read()).map((todo) => todo.text).sort()).toEqual(['one', 'three', 'two']);
  });
});

describe('where the token may travel', { timeout: 60_000 }, () => {
  it('after an address change it is never sent to the new origin, and the client is signed out', async ({
    openClient,
  }) => {
    const client = await openClient(serverA.url, { loginUi: followingLoginUi({ loginHint: 'erin' }) });
    await client.client.login('google');
    const token = client.client.currentUser?.mobileServiceAuthenticationToken;
    await client.todos.insert({ text: 'queued for A' });
    const sent = recordFetch();
    client.client.setApplicationUrl(serverB.url);
    expect(client.client.currentUser).toBeNull();
    await expect(client.context.push()).rejects.toBeInstanceOf(UnauthorizedError);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((request) => request.url.startsWith(serverB.url))).toBe(true);
    expect(sent.map((request) => request.token)).not.toContain(token);
    expect(sent.every((request) => request.token === null)).toBe(true);
    expect(client.context.getPendingOperations()).toHaveLength(1);
  });

  it('a raw token is bound to the address it was set for', async ({ openClient }) => {
    const client = await openClient(serverA.url, { authToken: 'token-for-a' });
    const sent = recordFetch();
    client.client.setApplicationUrl(serverB.url);
    await client.todos.insert({ text: 'x' });
    await expect(client.context.push()).rejects.toBeInstanceOf(UnauthorizedError);
    expect(sent.map((request) => request.token)).toEqual([null]);
  });

  it('a redirect is not followed: the token stays, the request fails and the queue is kept', async ({
    openClient,
  }) => {
    // Something in front of the backend (a gateway, a moved site) redirects to another origin.
    const redirector = http.createServer((request, response) => {
      response.writeHead(307, { Location: `${serverB.url}${request.url ?? '/'}` });
      response.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
      const client = await openClient(url, { authToken: 'secret-token' });
      await client.todos.insert({ text: 'stays queued' });
      const sent = recordFetch();
      await expect(client.context.push()).rejects.toBeInstanceOf(RedirectRefusedError);
      expect(sent).toEqual([{ url: `${url}/tables/todoitem`, token: 'secret-token' }]);
      expect(client.context.getPendingOperations()).toHaveLength(1);
      expect(client.context.listIssues()).toEqual([]);
    } finally {
      redirector.closeAllConnections();
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it('a non-loopback http address is refused before anything is sent', async ({ openClient }) => {
    const client = await openClient('http://todo.example.com', { authToken: 'secret-token' });
    await client.todos.insert({ text: 'x' });
    const sent = recordFetch();
    await expect(client.context.push()).rejects.toThrow(/https:\/\//);
    expect(sent).toEqual([]);
    expect(client.context.getPendingOperations()).toHaveLength(1);
  });
});
