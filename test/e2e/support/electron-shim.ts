/**
 * Stands in for the 'electron' module when the real preload (preload/index.ts) is bundled into a
 * Playwright page: contextBridge puts the API on window, and ipcRenderer talks to the harness
 * through the `__todoSyncInvoke` binding (which runs main's dispatcher) and receives the
 * events the harness pushes with `__todoSyncEmit`. Browser code: it runs in the page.
 */

type Listener = (event: unknown, payload: unknown) => void;

interface HarnessWindow {
  top: unknown;
  __todoSyncInvoke?: (channel: string, payload: unknown) => Promise<unknown>;
  __todoSyncEmit?: (channel: string, payload: unknown) => void;
}

const page = globalThis as unknown as HarnessWindow;
const listeners = new Map<string, Set<Listener>>();
/** What a listener receives as the IpcRendererEvent; the preload never passes it on. */
const EVENT = Object.freeze({});

Object.defineProperty(page, '__todoSyncEmit', {
  value: (channel: string, payload: unknown) => {
    for (const listener of [...(listeners.get(channel) ?? [])]) listener(EVENT, payload);
  },
});

export const ipcRenderer = {
  invoke(channel: string, payload?: unknown): Promise<unknown> {
    const invoke = page.__todoSyncInvoke;
    if (!invoke) return Promise.reject(new Error('The harness binding is missing'));
    return invoke(channel, payload);
  },
  on(channel: string, listener: Listener) {
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    set.add(listener);
    return ipcRenderer;
  },
  removeListener(channel: string, listener: Listener) {
    listeners.get(channel)?.delete(listener);
    return ipcRenderer;
  },
};

export const contextBridge = {
  exposeInMainWorld(name: string, api: unknown): void {
    // Electron runs the preload in the main frame only (nodeIntegrationInSubFrames is off).
    if (page.top !== globalThis) return;
    Object.defineProperty(page, name, { value: api, enumerable: true });
  },
};
