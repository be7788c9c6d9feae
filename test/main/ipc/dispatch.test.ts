import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { IPC_CHANNELS } from '../../../common/ipc-contract';
import type { IpcChannel, IpcHandlers, IpcResult } from '../../../common/ipc-contract';
import { createIpcDispatcher } from '../../../main/ipc/dispatch';
import { INTERNAL_ERROR_MESSAGE } from '../../../main/ipc/errors';
import { ServiceError } from '../../../main/services/errors';
import { StoreError } from '../../../main/store/errors';
import { SyncError, UnauthorizedError } from '../../../main/sync/errors';
import {
  APP_ENTRY_URL,
  createTrustedSenderCheck,
  isAppMainFrame,
  type IpcSender,
} from '../../../main/ipc/trusted-sender';

const appFrame: IpcSender = { url: APP_ENTRY_URL, isMainFrame: true };

type HandlerSpy = ReturnType<typeof vi.fn<(request: unknown) => Promise<unknown>>>;

function setup(overrides: Partial<Record<IpcChannel, (request: unknown) => Promise<unknown>>> = {}) {
  const spies = {} as Record<IpcChannel, HandlerSpy>;
  for (const channel of IPC_CHANNELS) {
    spies[channel] = vi.fn(overrides[channel] ?? (async () => `${channel} reply`));
  }
  const logger = { warn: vi.fn(), error: vi.fn() };
  // The spies accept any request; the dispatcher only ever passes the parsed one.
  const handlers = spies as unknown as IpcHandlers;
  const dispatch = createIpcDispatcher({ handlers, isTrustedSender: isAppMainFrame, logger });
  const handlerCalls = () => IPC_CHANNELS.reduce((sum, channel) => sum + spies[channel].mock.calls.length, 0);
  return { dispatch, spies, logger, handlerCalls };
}

function expectError(result: IpcResult<unknown>, code: string) {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error.code).toBe(code);
  expect(result.error.message.length).toBeGreaterThan(0);
  return result.error;
}

const validAdd = { text: 'Buy milk' };

describe('createIpcDispatcher', () => {
  it('runs the channel handler with the schema-parsed request and wraps its reply', async () => {
    const { dispatch, spies } = setup();
    const result = await dispatch(appFrame, 'todos:add', { text: '  Buy milk  ' });
    expect(result).toEqual({ ok: true, value: 'todos:add reply' });
    // The schema trims: the handler sees the parsed value, not the raw payload.
    expect(spies['todos:add']).toHaveBeenCalledWith({ text: 'Buy milk' });
  });

  it('accepts a channel without payload only when nothing is sent', async () => {
    const { dispatch, spies } = setup();
    expect(await dispatch(appFrame, 'sync:now', undefined)).toEqual({ ok: true, value: 'sync:now reply' });
    expectError(await dispatch(appFrame, 'sync:now', { force: true }), 'invalid-request');
    expect(spies['sync:now']).toHaveBeenCalledTimes(1);
  });

  it.each(['todos:drop', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'refuses the undeclared channel %j',
    async (channel) => {
      const { dispatch, handlerCalls } = setup();
      const error = expectError(await dispatch(appFrame, channel, undefined), 'unknown-channel');
      expect(error.message).toContain('no request named');
      expect(handlerCalls()).toBe(0);
    },
  );

  it('checks the channel before the sender', async () => {
    const { dispatch } = setup();
    const foreign = { url: 'https://evil.example/', isMainFrame: true };
    expectError(await dispatch(foreign, 'nope', undefined), 'unknown-channel');
  });

  it.each<[string, IpcSender | null]>([
    ['a frame that is gone', null],
    ['an iframe inside the app page', { url: APP_ENTRY_URL, isMainFrame: false }],
    ['a remote page', { url: 'https://evil.example/index.html', isMainFrame: true }],
    ['a look-alike host', { url: 'app://todo-sync.evil/index.html', isMainFrame: true }],
    ['credentials before another host', { url: 'app://todo-sync@evil/index.html', isMainFrame: true }],
    ['credentials before the app host', { url: 'app://evil@todo-sync/index.html', isMainFrame: true }],
    ['the app host on another port', { url: 'app://todo-sync:8080/index.html', isMainFrame: true }],
    ['the app host over http', { url: 'http://todo-sync/index.html', isMainFrame: true }],
    ['a local file', { url: 'file:///tmp/out/renderer/index.html', isMainFrame: true }],
    ['a prefix match only', { url: 'app://todo-sync-other/index.html', isMainFrame: true }],
    ['an unparseable URL', { url: 'app//todo-sync', isMainFrame: true }],
    ['about:blank', { url: 'about:blank', isMainFrame: true }],
  ])('refuses %s without running the handler', async (_label, sender) => {
    const { dispatch, handlerCalls } = setup();
    expectError(await dispatch(sender, 'todos:add', validAdd), 'forbidden-sender');
    expect(handlerCalls()).toBe(0);
  });

  it('checks the sender before the payload', async () => {
    const { dispatch } = setup();
    expectError(
      await dispatch({ url: 'https://evil.example/', isMainFrame: true }, 'todos:add', 42),
      'forbidden-sender',
    );
  });

  it.each<[IpcChannel, unknown]>([
    ['todos:add', {}],
    ['todos:add', { text: '   ' }],
    ['todos:add', { text: 'ok', extra: 1 }],
    ['todos:add', 'Buy milk'],
    ['todos:update', { id: 'a', changes: {} }],
    ['todos:query', { filter: 'everything', skip: 0, take: 10 }],
    ['todos:query', { filter: 'all', skip: -1, take: 10 }],
    ['todos:remove', { id: 42 }],
    ['settings:set', { backendUrl: 'javascript:alert(1)' }],
    ['settings:set', { backendUrl: 'http://user:secret@example.com' }],
    ['conflicts:resolve', { issueId: 1, resolution: { choice: 'theirs' } }],
  ])('refuses %s with the payload %j', async (channel, payload) => {
    const { dispatch, handlerCalls } = setup();
    const error = expectError(await dispatch(appFrame, channel, payload), 'invalid-request');
    expect(error.issues?.length).toBeGreaterThan(0);
    expect(handlerCalls()).toBe(0);
  });

  it('names the field and the reason in the issues', async () => {
    const { dispatch } = setup();
    const error = expectError(await dispatch(appFrame, 'todos:add', { text: '' }), 'invalid-request');
    expect(error.message).toBe('A todo needs some text');
    // The schema's own sentence, without the field's name in the code.
    expect(error.issues).toEqual(['A todo needs some text']);
  });

  describe('prototype pollution', () => {
    // JSON.parse creates "__proto__" as an own key, as a structured-clone payload can.
    const payloads: [IpcChannel, string][] = [
      ['todos:add', '{"text":"x","__proto__":{"polluted":true}}'],
      ['todos:add', '{"text":"x","constructor":{"prototype":{"polluted":true}}}'],
      [
        'todos:query',
        '{"filter":"all","skip":0,"take":5,"sort":{"by":"text","direction":"asc","__proto__":{"polluted":true}}}',
      ],
      ['todos:update', '{"id":"a","changes":{"text":"x","__proto__":{"polluted":true}}}'],
      ['settings:set', '{"__proto__":{"polluted":true}}'],
      ['settings:set', '{"workOffline":true,"constructor":{"polluted":true}}'],
      ['sync:now', '{"__proto__":{"polluted":true}}'],
    ];

    it.each(payloads)('refuses %s with %s and leaves Object.prototype alone', async (channel, json) => {
      const { dispatch, handlerCalls } = setup();
      const payload: unknown = JSON.parse(json);
      const error = expectError(await dispatch(appFrame, channel, payload), 'invalid-request');
      expect(error.issues?.join(' ')).toMatch(/does not know|not the right kind of value/);
      expect(handlerCalls()).toBe(0);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });
  });

  describe('errors thrown by handlers', () => {
    it.each<[string, unknown, string, string]>([
      [
        'ServiceError',
        new ServiceError('not-found', 'That todo no longer exists.'),
        'not-found',
        'That todo no longer exists.',
      ],
      [
        'ServiceError with issues',
        new ServiceError('refused', 'Resolve the conflict first.', ['a']),
        'refused',
        'Resolve the conflict first.',
      ],
      [
        'StoreError not-found',
        new StoreError('not-found', 'No todo with that id.'),
        'not-found',
        'No todo with that id.',
      ],
      [
        'StoreError constraint',
        new StoreError('constraint', 'That id is taken.'),
        'refused',
        'That id is taken.',
      ],
      [
        'StoreError corrupt',
        new StoreError('corrupt', 'The database is damaged.'),
        'store',
        'The database is damaged.',
      ],
      [
        'SyncError',
        new SyncError('network', 'The server cannot be reached.'),
        'sync',
        'The server cannot be reached.',
      ],
      [
        'a SyncError subclass',
        new UnauthorizedError({ method: 'GET', path: '/tables/todoitem' }),
        'sync',
        'Your sign-in has ended or was not accepted. Sign in again to resume syncing.',
      ],
    ])('maps %s to its code and keeps its message', async (_label, thrown, code, message) => {
      const { dispatch, logger } = setup({
        'todos:remove': async () => {
          throw thrown;
        },
      });
      const error = expectError(await dispatch(appFrame, 'todos:remove', { id: 'a' }), code);
      expect(error.message).toBe(message);
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('maps a zod error raised by a service to invalid-request with issues', async () => {
      const { dispatch } = setup({
        'settings:set': async () => z.strictObject({ port: z.int() }).parse({ port: 'x' }),
      });
      const error = expectError(await dispatch(appFrame, 'settings:set', {}), 'invalid-request');
      // In words: no "port:" from the code, no zod jargon.
      expect(error.issues).toEqual(['A value is missing or is not the right kind of value.']);
    });

    it.each<[string, unknown]>([
      [
        'a TypeError',
        new TypeError("Cannot read properties of undefined (reading 'x') at /home/me/secret/path"),
      ],
      ['a thrown string', 'boom'],
      ['an object', { code: 'not-found', message: 'looks known but is not an Error' }],
    ])('hides %s behind a generic internal error and logs it', async (_label, thrown) => {
      const { dispatch, logger } = setup({
        'todos:remove': async () => {
          throw thrown;
        },
      });
      const error = expectError(await dispatch(appFrame, 'todos:remove', { id: 'a' }), 'internal');
      expect(error.message).toBe(INTERNAL_ERROR_MESSAGE);
      expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('todos:remove'), thrown);
    });
  });

  it('refuses to start when a channel has no handler', () => {
    const handlers = Object.fromEntries(IPC_CHANNELS.map((c) => [c, async () => null]));
    delete handlers['sync:pull'];
    expect(() =>
      createIpcDispatcher({ handlers: handlers as unknown as IpcHandlers, isTrustedSender: isAppMainFrame }),
    ).toThrow(/sync:pull/);
  });
});

describe('createTrustedSenderCheck', () => {
  it('trusts exactly the listed origins, main frames only', () => {
    const isTrusted = createTrustedSenderCheck(['http://localhost:5173']);
    expect(isTrusted({ url: 'http://localhost:5173/index.html', isMainFrame: true })).toBe(true);
    expect(isTrusted({ url: 'http://localhost:5173/', isMainFrame: false })).toBe(false);
    expect(isTrusted({ url: 'http://localhost:5174/', isMainFrame: true })).toBe(false);
    expect(isTrusted({ url: APP_ENTRY_URL, isMainFrame: true })).toBe(false);
  });

  it('rejects a configuration that is not an origin', () => {
    expect(() => createTrustedSenderCheck(['todo-sync'])).toThrow(/Not an origin/);
  });

  it('trusts the app page by default', () => {
    expect(isAppMainFrame({ url: 'app://todo-sync/index.html#/settings', isMainFrame: true })).toBe(true);
    expect(isAppMainFrame({ url: 'app://todo-sync/', isMainFrame: true })).toBe(true);
  });
});
