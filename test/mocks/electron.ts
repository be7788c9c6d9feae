/**
 * A stand-in for the `electron` module, for tests of the shell and the preload:
 *
 *   vi.mock('electron', () => import('../../mocks/electron'));
 *
 * It records what the code under test asks of Electron (windows and their options, IPC
 * handlers, protocol handlers, permission handlers, menus, external URLs) so tests can assert
 * on it and drive it (fire window events, invoke a registered IPC handler as Electron would).
 * Importing the real module from Node would try to download the Electron binary, so every
 * test that loads shell or preload code must mock it. Call `resetElectronMock()` in
 * `beforeEach`: the state lives as long as the test file's module cache.
 */
import { EventEmitter } from 'node:events';
import type {
  BrowserWindowConstructorOptions,
  HandlerDetails,
  MenuItemConstructorOptions,
  Privileges,
  Rectangle,
  WindowOpenHandlerResponse,
} from 'electron';
import { vi } from 'vitest';

type Listener = (...args: never[]) => unknown;

// ---------------------------------------------------------------- app

class FakeApp extends EventEmitter {
  isPackaged = false;
  name = 'Todo Sync';
  requestSingleInstanceLock = vi.fn(() => true);
  quit = vi.fn();
  exit = vi.fn();
  relaunch = vi.fn();
  focus = vi.fn();
  setAppUserModelId = vi.fn();
  setAboutPanelOptions = vi.fn();
  getVersion = vi.fn(() => '0.1.0');
  getName = vi.fn(() => this.name);
  getAppPath = vi.fn(() => '/fake/app');
  paths: Record<string, string> = { userData: '/fake/user-data', logs: '/fake/user-data/logs' };
  getPath = vi.fn((name: string) => this.paths[name] ?? `/fake/${name}`);
  setPath = vi.fn((name: string, value: string) => {
    this.paths[name] = value;
  });
  private readyResolve: (() => void) | null = null;
  private ready: Promise<void> = this.newReadyPromise();
  whenReady = vi.fn(() => this.ready);
  isReady = vi.fn(() => this.readyResolve === null);

  private newReadyPromise(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.readyResolve = () => {
        this.readyResolve = null;
        resolve();
      };
    });
  }

  /** Resolves whenReady() and emits 'ready', as Electron does once it has started. */
  fireReady(): void {
    this.readyResolve?.();
    this.emit('ready');
  }

  reset(): void {
    this.removeAllListeners();
    this.isPackaged = false;
    this.paths = { userData: '/fake/user-data', logs: '/fake/user-data/logs' };
    this.ready = this.newReadyPromise();
  }
}

export const app = new FakeApp();

// ---------------------------------------------------------------- frames, web contents, windows

export class FakeWebFrameMain {
  parent: FakeWebFrameMain | null;
  constructor(
    public url: string,
    parent: FakeWebFrameMain | null = null,
  ) {
    this.parent = parent;
  }
  get top(): FakeWebFrameMain {
    return this.parent ? this.parent.top : this;
  }
}

export class FakeSession {
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  devicePermissionHandler: Listener | null = null;
  setPermissionRequestHandler = vi.fn((handler: Listener | null) => {
    this.permissionRequestHandler = handler;
  });
  setPermissionCheckHandler = vi.fn((handler: Listener | null) => {
    this.permissionCheckHandler = handler;
  });
  setDevicePermissionHandler = vi.fn((handler: Listener | null) => {
    this.devicePermissionHandler = handler;
  });
  protocol = protocol;
  clearStorageData = vi.fn(async () => undefined);
  clearCache = vi.fn(async () => undefined);
}

export class FakeWebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  windowOpenHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | null = null;
  mainFrame = new FakeWebFrameMain('');
  session: FakeSession = session.defaultSession;
  destroyed = false;
  setWindowOpenHandler = vi.fn((handler: (details: HandlerDetails) => WindowOpenHandlerResponse) => {
    this.windowOpenHandler = handler;
  });
  send = vi.fn();
  isDestroyed = vi.fn(() => this.destroyed);
  openDevTools = vi.fn();
  getURL = vi.fn(() => this.mainFrame.url);

  /**
   * Emits a navigation as Electron 45 does: an event object carrying the details and a
   * preventDefault; returns whether a listener prevented it.
   */
  fireNavigation(eventName: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', url: string): boolean {
    let prevented = false;
    const event = {
      url,
      isMainFrame: true,
      preventDefault: () => {
        prevented = true;
      },
    };
    this.emit(eventName, event, url);
    return prevented;
  }

  /** Emits 'will-attach-webview'; returns whether a listener prevented it. */
  fireAttachWebview(): boolean {
    let prevented = false;
    this.emit('will-attach-webview', { preventDefault: () => (prevented = true) }, {}, {});
    return prevented;
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  static getAllWindows = vi.fn(() => BrowserWindow.instances.filter((w) => !w.destroyed));
  static getFocusedWindow = vi.fn(() => BrowserWindow.instances.find((w) => !w.destroyed) ?? null);
  static fromWebContents = vi.fn(
    (contents: FakeWebContents) => BrowserWindow.instances.find((w) => w.webContents === contents) ?? null,
  );

  readonly options: BrowserWindowConstructorOptions;
  readonly webContents = new FakeWebContents();
  destroyed = false;
  minimized = false;
  maximized = false;
  bounds: Rectangle;
  title: string;

  loadURL = vi.fn(async (url: string) => {
    this.webContents.mainFrame.url = url;
  });
  loadFile = vi.fn(async () => undefined);
  show = vi.fn();
  focus = vi.fn();
  restore = vi.fn(() => {
    this.minimized = false;
  });
  maximize = vi.fn(() => {
    this.maximized = true;
  });
  /** Whether the window has the keyboard focus (the person is looking at it). */
  focused = true;
  isFocused = vi.fn(() => this.focused && !this.destroyed);
  isMinimized = vi.fn(() => this.minimized);
  isMaximized = vi.fn(() => this.maximized);
  isFullScreen = vi.fn(() => false);
  isDestroyed = vi.fn(() => this.destroyed);
  getBounds = vi.fn(() => ({ ...this.bounds }));
  getNormalBounds = vi.fn(() => ({ ...this.bounds }));
  setBounds = vi.fn((bounds: Rectangle) => {
    this.bounds = { ...bounds };
  });
  setProgressBar = vi.fn();
  setTitle = vi.fn((title: string) => {
    this.title = title;
  });
  getTitle = vi.fn(() => this.title);
  hide = vi.fn();
  /** As Electron: a 'close' listener that calls preventDefault keeps the window. */
  close = vi.fn(() => {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  });

  constructor(options: BrowserWindowConstructorOptions = {}) {
    super();
    this.options = options;
    this.title = options.title ?? '';
    this.bounds = {
      x: options.x ?? 0,
      y: options.y ?? 0,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    BrowserWindow.instances.push(this);
    // A window in a partition gets that partition's session, as in Electron.
    const partition = options.webPreferences?.partition;
    if (partition) this.webContents.session = session.fromPartition(partition);
    // Electron announces every new WebContents on the app, before the page loads.
    app.emit('web-contents-created', { preventDefault: () => undefined }, this.webContents);
  }

  /** What Electron emits once the first paint is ready. */
  fireReadyToShow(): void {
    this.emit('ready-to-show');
  }
}

// ---------------------------------------------------------------- ipc

interface FakeInvokeEvent {
  sender: FakeWebContents;
  senderFrame: FakeWebFrameMain | null;
  frameId: number;
  processId: number;
  type: 'frame';
}

type InvokeListener = (event: FakeInvokeEvent, ...args: unknown[]) => unknown;

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, InvokeListener>();
  handle = vi.fn((channel: string, listener: InvokeListener) => {
    if (this.handlers.has(channel)) {
      // Electron throws on a second handler for the same channel.
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    this.handlers.set(channel, listener);
  });
  removeHandler = vi.fn((channel: string) => {
    this.handlers.delete(channel);
  });

  /** Calls the registered handler the way Electron does for ipcRenderer.invoke from `frame`. */
  async invoke(channel: string, frame: FakeWebFrameMain | null, ...args: unknown[]): Promise<unknown> {
    const listener = this.handlers.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    const event: FakeInvokeEvent = {
      sender: new FakeWebContents(),
      senderFrame: frame,
      frameId: 1,
      processId: 1,
      type: 'frame',
    };
    return listener(event, ...args);
  }

  reset(): void {
    this.handlers.clear();
    this.removeAllListeners();
  }
}

export const ipcMain = new FakeIpcMain();

class FakeIpcRenderer extends EventEmitter {
  invoke = vi.fn(async (channel: string, payload?: unknown): Promise<unknown> => ({
    ok: true,
    value: { channel, payload },
  }));
  send = vi.fn();
  sendSync = vi.fn();
}

export const ipcRenderer = new FakeIpcRenderer();

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld: vi.fn((key: string, api: unknown) => {
    contextBridge.exposed.set(key, api);
  }),
};

// ---------------------------------------------------------------- protocol and session

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

export const protocol = {
  privilegedSchemes: [] as { scheme: string; privileges?: Privileges }[],
  handlers: new Map<string, ProtocolHandler>(),
  registerSchemesAsPrivileged: vi.fn((schemes: { scheme: string; privileges?: Privileges }[]) => {
    protocol.privilegedSchemes.push(...schemes);
  }),
  handle: vi.fn((scheme: string, handler: ProtocolHandler) => {
    protocol.handlers.set(scheme, handler);
  }),
  unhandle: vi.fn((scheme: string) => {
    protocol.handlers.delete(scheme);
  }),
  isProtocolHandled: vi.fn((scheme: string) => protocol.handlers.has(scheme)),
};

const partitions = new Map<string, FakeSession>();

export const session = {
  defaultSession: undefined as unknown as FakeSession,
  /** One session per partition name, as Electron keeps them. */
  fromPartition: vi.fn((partition: string) => {
    let found = partitions.get(partition);
    if (!found) {
      found = new FakeSession();
      partitions.set(partition, found);
    }
    return found;
  }),
};
session.defaultSession = new FakeSession();

/** safeStorage with a reversible stand-in for the OS's encryption; `backend` as on Linux. */
export const safeStorage = {
  available: true,
  backend: 'gnome_libsecret' as string,
  isEncryptionAvailable: vi.fn(() => safeStorage.available),
  getSelectedStorageBackend: vi.fn(() => safeStorage.backend),
  encryptString: vi.fn((plain: string) => Buffer.from(`sealed:${Buffer.from(plain).toString('hex')}`)),
  decryptString: vi.fn((sealed: Buffer) => {
    const text = sealed.toString();
    if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided');
    return Buffer.from(text.slice('sealed:'.length), 'hex').toString();
  }),
};

// ---------------------------------------------------------------- menus, shell, dialogs, OS

export class FakeMenu {
  constructor(readonly template: MenuItemConstructorOptions[]) {}
  getMenuItemById(id: string): MenuItemConstructorOptions | null {
    const visit = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions | null => {
      for (const item of items) {
        if (item.id === id) return item;
        if (Array.isArray(item.submenu)) {
          const found = visit(item.submenu);
          if (found) return found;
        }
      }
      return null;
    };
    return visit(this.template);
  }
}

let applicationMenu: FakeMenu | null = null;

export const Menu = {
  buildFromTemplate: vi.fn((template: MenuItemConstructorOptions[]) => new FakeMenu(template)),
  setApplicationMenu: vi.fn((menu: FakeMenu | null) => {
    applicationMenu = menu;
  }),
  getApplicationMenu: vi.fn(() => applicationMenu),
};

export const shell = {
  openExternal: vi.fn(async (_url: string) => undefined),
  openPath: vi.fn(async (_path: string) => ''),
  showItemInFolder: vi.fn(),
};

export const dialog = {
  showMessageBox: vi.fn(async () => ({ response: 0, checkboxChecked: false })),
  showErrorBox: vi.fn(),
  showSaveDialog: vi.fn(async (_options?: unknown) => ({
    canceled: true,
    filePath: undefined as string | undefined,
  })),
};

export const screen = {
  displays: [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
  getAllDisplays: vi.fn(() => screen.displays),
  getPrimaryDisplay: vi.fn(() => screen.displays[0]),
};

export const powerMonitor = new EventEmitter();

export const net = {
  online: true,
  isOnline: vi.fn(() => net.online),
};

export const nativeTheme = { shouldUseDarkColors: false, themeSource: 'system' };

/** A system notification: `shown` lists what was shown; `click()` acts as the person clicking it. */
export class Notification extends EventEmitter {
  static supported = true;
  static shown: Notification[] = [];
  static isSupported = vi.fn(() => Notification.supported);

  constructor(readonly options: { title?: string; body?: string; silent?: boolean } = {}) {
    super();
  }

  show = vi.fn(() => {
    Notification.shown.push(this);
  });

  click(): void {
    this.emit('click', {});
  }
}

/** A tray icon: `instances` lists those created; `contextMenu` is the last menu set. */
export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  contextMenu: FakeMenu | null = null;
  tooltip = '';
  title = '';
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    Tray.instances.push(this);
  }
  setContextMenu = vi.fn((menu: FakeMenu | null) => {
    this.contextMenu = menu;
  });
  setToolTip = vi.fn((tooltip: string) => {
    this.tooltip = tooltip;
  });
  setTitle = vi.fn((title: string) => {
    this.title = title;
  });
  destroy = vi.fn(() => {
    this.destroyed = true;
  });
  isDestroyed = vi.fn(() => this.destroyed);
}

/** Global shortcuts: `taken` are held by other apps (register answers false); `press` fires one. */
export const globalShortcut = {
  registered: new Map<string, () => void>(),
  taken: new Set<string>(),
  register: vi.fn((accelerator: string, callback: () => void): boolean => {
    if (globalShortcut.taken.has(accelerator) || globalShortcut.registered.has(accelerator)) return false;
    globalShortcut.registered.set(accelerator, callback);
    return true;
  }),
  unregister: vi.fn((accelerator: string) => {
    globalShortcut.registered.delete(accelerator);
  }),
  unregisterAll: vi.fn(() => globalShortcut.registered.clear()),
  isRegistered: vi.fn((accelerator: string) => globalShortcut.registered.has(accelerator)),
  press(accelerator: string): void {
    globalShortcut.registered.get(accelerator)?.();
  },
};

export const nativeImage = {
  createFromPath: vi.fn((file: string) => ({ file, resize: () => ({ file }), isEmpty: () => false })),
};

// ---------------------------------------------------------------- reset

/** Forgets every window, handler and call, so each test starts from a fresh Electron. */
export function resetElectronMock(): void {
  vi.clearAllMocks();
  app.reset();
  BrowserWindow.instances = [];
  ipcMain.reset();
  ipcRenderer.removeAllListeners();
  contextBridge.exposed.clear();
  protocol.privilegedSchemes = [];
  protocol.handlers.clear();
  session.defaultSession = new FakeSession();
  partitions.clear();
  safeStorage.available = true;
  safeStorage.backend = 'gnome_libsecret';
  applicationMenu = null;
  powerMonitor.removeAllListeners();
  net.online = true;
  screen.displays = [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }];
  Notification.supported = true;
  Notification.shown = [];
  Tray.instances = [];
  globalShortcut.registered.clear();
  globalShortcut.taken.clear();
}
