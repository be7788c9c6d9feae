import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_GLOBAL, apiEvents, apiMethods, type TodoSyncApi } from '../../common/ipc-contract';
import { contextBridge, ipcRenderer } from '../mocks/electron';

vi.mock('electron', () => import('../mocks/electron'));

let api: TodoSyncApi;

beforeAll(async () => {
  // Loading the preload is what exposes the API, exactly once.
  await import('../../preload/index');
  expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  api = contextBridge.exposed.get(API_GLOBAL) as TodoSyncApi;
});

beforeEach(() => {
  ipcRenderer.invoke.mockClear();
  ipcRenderer.removeAllListeners();
});

describe('window.todoSync', () => {
  it('is exposed under the contract global', () => {
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledWith(API_GLOBAL, expect.any(Object));
    expect(API_GLOBAL).toBe('todoSync');
  });

  it("has exactly the contract's methods and events, all functions, nothing generic", () => {
    const expected = [...Object.keys(apiMethods), ...Object.keys(apiEvents)].sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    for (const key of expected)
      expect(typeof (api as unknown as Record<string, unknown>)[key]).toBe('function');
    for (const generic of ['invoke', 'send', 'on', 'ipcRenderer', 'sendSync', 'postMessage']) {
      expect(api).not.toHaveProperty(generic);
    }
    expect(Object.isFrozen(api)).toBe(true);
  });

  it.each(Object.entries(apiMethods))('%s invokes %s with the payload', async (method, channel) => {
    const call = (api as unknown as Record<string, (payload?: unknown) => Promise<unknown>>)[method]!;
    const reply = await call({ marker: method });
    expect(ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(channel, { marker: method });
    expect(reply).toEqual({ ok: true, value: { channel, payload: { marker: method } } });
  });

  it('forwards only the first argument', async () => {
    const addTodo = api.addTodo as unknown as (...args: unknown[]) => Promise<unknown>;
    await addTodo({ text: 'a' }, 'todos:remove', { id: 'x' });
    expect(ipcRenderer.invoke.mock.calls).toEqual([['todos:add', { text: 'a' }]]);
  });

  it('methods without a request send none', async () => {
    await api.syncNow();
    expect(ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith('sync:now', undefined);
  });

  it.each(Object.entries(apiEvents))(
    '%s delivers %s payloads, without the IPC event, until unsubscribed',
    (method, channel) => {
      const subscribe = (
        api as unknown as Record<string, (listener: (payload: unknown) => void) => () => void>
      )[method]!;
      const listener = vi.fn();
      const unsubscribe = subscribe(listener);
      const ipcEvent = { sender: ipcRenderer, senderId: 0 };
      ipcRenderer.emit(channel, ipcEvent, { tables: ['todoitem'] });
      expect(listener).toHaveBeenCalledExactlyOnceWith({ tables: ['todoitem'] });

      unsubscribe();
      unsubscribe();
      ipcRenderer.emit(channel, ipcEvent, { tables: ['again'] });
      expect(listener).toHaveBeenCalledTimes(1);
      expect(ipcRenderer.listenerCount(channel)).toBe(0);
    },
  );

  it('keeps subscribers apart', () => {
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = api.onDataChanged(first);
    api.onDataChanged(second);
    stopFirst();
    ipcRenderer.emit('todos:data-changed', {}, { tables: ['todoitem'] });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('does not listen to other channels', () => {
    const listener = vi.fn();
    api.onStatusChanged(listener);
    ipcRenderer.emit('todos:data-changed', {}, { tables: [] });
    expect(listener).not.toHaveBeenCalled();
  });

  it('refuses a listener that is not a function', () => {
    const subscribe = api.onStatusChanged as unknown as (listener: unknown) => unknown;
    expect(() => subscribe('alert(1)')).toThrow(TypeError);
    expect(ipcRenderer.listenerCount('sync:status-changed')).toBe(0);
  });
});
