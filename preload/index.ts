/**
 * The bridge: exposes window.todoSync, built from the contract's `apiMethods` and `apiEvents`.
 * Each method invokes exactly its own channel; each on* subscribes to exactly its own event and
 * returns an unsubscribe function. Nothing generic crosses (no invoke(channel), no send, no
 * ipcRenderer), and listeners get the payload only, never the IpcRendererEvent (whose `sender`
 * would hand the page ipcRenderer itself).
 *
 * Sandboxed preloads run as CommonJS with only 'electron' requirable; the build bundles the
 * contract in.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_GLOBAL, apiEvents, apiMethods, type TodoSyncApi } from '../common/ipc-contract';

export interface BridgeIpc {
  invoke(channel: string, payload?: unknown): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, payload: unknown) => void): unknown;
}

/** The API object; separate from the exposure so tests can build it against a fake ipcRenderer. */
export function createTodoSyncApi(ipc: BridgeIpc): TodoSyncApi {
  const api: Record<string, unknown> = {};

  for (const [name, channel] of Object.entries(apiMethods)) {
    // Exactly one argument is forwarded: extra arguments cannot smuggle data through.
    api[name] = (request?: unknown) => ipc.invoke(channel, request);
  }

  for (const [name, event] of Object.entries(apiEvents)) {
    api[name] = (listener: unknown) => {
      if (typeof listener !== 'function') throw new TypeError(`${name} needs a listener function`);
      const forward = (_event: IpcRendererEvent, payload: unknown): void => {
        listener(payload);
      };
      ipc.on(event, forward);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(event, forward);
      };
    };
  }

  // The loops above add one function per key of apiMethods and apiEvents, which is the shape of
  // TodoSyncApi; TypeScript cannot follow keys through Object.entries.
  return Object.freeze(api) as TodoSyncApi;
}

contextBridge.exposeInMainWorld(API_GLOBAL, createTodoSyncApi(ipcRenderer));
