/**
 * The shell wired together (main/shell/app.ts runApp) against a mocked Electron and fake
 * services: the checks here go through the same registrations Electron would call.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  IPC_CHANNELS,
  type DataChanged,
  type IpcChannel,
  type IpcHandlers,
} from '../../../common/ipc-contract';
import type { SyncResult, SyncStatus } from '../../../common/sync-types';
import {
  APP_USER_MODEL_ID,
  runApp,
  type RunAppOptions,
  type ShellServices,
  type ShellServicesContext,
} from '../../../main/shell/app';
import { MENU_IDS } from '../../../main/shell/menu';
import {
  app,
  BrowserWindow,
  dialog,
  FakeWebFrameMain,
  ipcMain,
  Menu,
  Notification,
  powerMonitor,
  protocol,
  resetElectronMock,
  session,
} from '../../mocks/electron';
import { emptySyncResult } from '../../../main/sync/sync-pass';

vi.mock('electron', () => import('../../mocks/electron'));

const APP_URL = 'app://todo-sync/index.html';

function status(phase: SyncStatus['phase']): SyncStatus {
  return {
    phase,
    connectivity: 'online',
    pendingOperations: 0,
    pendingByTable: {},
    unresolvedConflicts: 0,
    rejectedOperations: 0,
    lastSyncedAt: null,
    lastError: null,
    nextSyncAt: null,
    backendUrl: 'http://127.0.0.1:3000',
  };
}

function fakeServices() {
  const handlers = Object.fromEntries(
    IPC_CHANNELS.map((channel) => [channel, vi.fn(async (request: unknown) => ({ channel, request }))]),
  ) as Record<IpcChannel, ReturnType<typeof vi.fn>>;
  const statusListeners = new Set<(status: SyncStatus) => void>();
  const dataListeners = new Set<(change: DataChanged) => void>();
  let offline = false;
  const notices: string[] = [];
  const services = {
    handlers: handlers as unknown as IpcHandlers,
    syncService: {
      syncNow: vi.fn(async (): Promise<SyncResult> => emptySyncResult()),
      setWorkOffline: vi.fn((value: boolean) => {
        offline = value;
      }),
      isWorkingOffline: vi.fn(() => offline),
    },
    notices,
    notifyResume: vi.fn(),
    notifyOnline: vi.fn(),
    onStatusChanged: (listener: (status: SyncStatus) => void) => {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onDataChanged: (listener: (change: DataChanged) => void) => {
      dataListeners.add(listener);
      return () => dataListeners.delete(listener);
    },
    start: vi.fn(async () => undefined),
    close: vi.fn(async () => undefined),
  } satisfies ShellServices;
  return {
    services,
    handlers,
    emitStatus: (value: SyncStatus) => statusListeners.forEach((listener) => listener(value)),
    emitData: (value: DataChanged) => dataListeners.forEach((listener) => listener(value)),
    setOffline: (value: boolean) => {
      offline = value;
    },
    listenerCount: () => statusListeners.size + dataListeners.size,
  };
}

let userDataDir: string;
let fake: ReturnType<typeof fakeServices>;
let context: ShellServicesContext | null;

async function start(
  options: {
    platform?: NodeJS.Platform;
    env?: Record<string, string>;
    packaged?: boolean;
    afterStart?: RunAppOptions['afterStart'];
    quietNotices?: string[];
    keepInTray?: () => boolean;
  } = {},
) {
  app.isPackaged = options.packaged ?? false;
  const running = runApp({
    createServices: async (given) => {
      context = given;
      return fake.services;
    },
    ...(options.afterStart ? { afterStart: options.afterStart } : {}),
    ...(options.quietNotices ? { quietNotices: options.quietNotices } : {}),
    ...(options.keepInTray ? { keepInTray: options.keepInTray } : {}),
    outDir: '/app/out',
    env: options.env ?? {},
    platform: options.platform ?? 'linux',
    logToConsole: false,
  });
  app.fireReady();
  await running.started;
  return running;
}

function mainWindow() {
  const window = BrowserWindow.instances[0];
  if (!window) throw new Error('no window');
  return window;
}

function menuItems(): MenuItemConstructorOptions[] {
  const menu = Menu.getApplicationMenu();
  if (!menu) throw new Error('no application menu');
  const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
  return flatten(menu.template);
}

const appFrame = () => new FakeWebFrameMain(APP_URL);

beforeEach(() => {
  resetElectronMock();
  userDataDir = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-shell-'));
  app.paths.userData = userDataDir;
  fake = fakeServices();
  context = null;
});
afterEach(() => rmSync(userDataDir, { recursive: true, force: true }));

describe('start-up', () => {
  it('declares the app: scheme before Electron is ready', () => {
    runApp({ createServices: async () => fake.services, outDir: '/app/out', env: {}, logToConsole: false });
    expect(app.whenReady).toHaveBeenCalled();
    expect(protocol.privilegedSchemes.map((scheme) => scheme.scheme)).toEqual(['app']);
    expect(protocol.handlers.size).toBe(0);
  });

  it('serves the built renderer over app: once ready', async () => {
    await start();
    expect(protocol.handlers.has('app')).toBe(true);
  });

  it('quits at once when another instance holds the lock', async () => {
    app.requestSingleInstanceLock.mockReturnValueOnce(false);
    const running = runApp({
      createServices: async () => fake.services,
      outDir: '/app/out',
      logToConsole: false,
    });
    await running.started;
    expect(app.quit).toHaveBeenCalled();
    expect(app.whenReady).not.toHaveBeenCalled();
    expect(BrowserWindow.instances).toHaveLength(0);
  });

  it('uses the data folder from TODO_SYNC_USER_DATA_DIR, before taking the single-instance lock', async () => {
    const other = path.join(userDataDir, 'second-copy');
    await start({ env: { TODO_SYNC_USER_DATA_DIR: other } });
    expect(app.setPath).toHaveBeenCalledWith('userData', other);
    expect(app.setPath.mock.invocationCallOrder[0]).toBeLessThan(
      app.requestSingleInstanceLock.mock.invocationCallOrder[0] ?? 0,
    );
    expect(context?.userDataDir).toBe(other);
  });

  it('brings the window back when a second instance starts', async () => {
    await start();
    const window = mainWindow();
    window.minimized = true;
    app.emit('second-instance', {}, [], '/');
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
  });

  it('sets the AppUserModelID on Windows only', async () => {
    await start({ platform: 'win32' });
    expect(app.setAppUserModelId).toHaveBeenCalledWith(APP_USER_MODEL_ID);
    resetElectronMock();
    app.paths.userData = userDataDir;
    await start({ platform: 'linux' });
    expect(app.setAppUserModelId).not.toHaveBeenCalled();
  });

  it('gives the services the user-data folder, the logger and the network view', async () => {
    await start();
    expect(context).toMatchObject({ userDataDir, isPackaged: false, appPath: '/fake/app' });
    expect(context?.isOnline()).toBe(true);
    context?.logger.info('from a service');
    expect(readFileSync(path.join(userDataDir, 'logs', 'main.log'), 'utf8')).toMatch(
      /starting[\s\S]*from a service/,
    );
  });

  it('starts syncing once the window is up, then runs the extra start-up work', async () => {
    const order: string[] = [];
    fake.services.start.mockImplementation(async () => {
      order.push(`start with ${BrowserWindow.instances.length} window`);
    });
    const stopExtra = vi.fn();
    const afterStart = vi.fn(() => {
      order.push('after start');
      return stopExtra;
    });
    const running = await start({ afterStart });
    expect(order).toEqual(['start with 1 window', 'after start']);
    expect(afterStart).toHaveBeenCalledWith(context, fake.services, { revealWindow: expect.any(Function) });

    app.emit('will-quit', { preventDefault: vi.fn() });
    await running.stopped;
    expect(stopExtra).toHaveBeenCalledTimes(1);
  });

  it('shows start-up notices once, except those the status already shows', async () => {
    fake.services.notices.push('Your data file was damaged; a fresh one was started.', 'Local only.');
    await start({ quietNotices: ['Local only.'] });
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(dialog.showMessageBox).toHaveBeenCalledWith(
      mainWindow(),
      expect.objectContaining({ detail: 'Your data file was damaged; a fresh one was started.' }),
    );
  });

  it('shows no dialog when there is nothing to say', async () => {
    fake.services.notices.push('Local only.');
    await start({ quietNotices: ['Local only.'] });
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('says why and quits when the services cannot start', async () => {
    const running = runApp({
      createServices: async () => {
        throw new Error('The Todo Sync database file is damaged.');
      },
      outDir: '/app/out',
      logToConsole: false,
    });
    app.fireReady();
    await running.started;
    expect(dialog.showErrorBox).toHaveBeenCalledWith(
      'Todo Sync could not start',
      'The Todo Sync database file is damaged.',
    );
    expect(app.exit).toHaveBeenCalledWith(1);
    expect(BrowserWindow.instances).toHaveLength(0);
  });
});

describe('the window', () => {
  it('is one sandboxed, isolated window loading the app page with the built preload', async () => {
    await start();
    expect(BrowserWindow.instances).toHaveLength(1);
    const window = mainWindow();
    expect(window.options.webPreferences).toMatchObject({
      preload: path.join('/app/out', 'preload', 'index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(window.loadURL).toHaveBeenCalledWith(APP_URL);
  });

  it('has DevTools only in an unpackaged development run', async () => {
    await start({ packaged: true });
    expect(mainWindow().options.webPreferences?.devTools).toBe(false);
    expect(menuItems().some((item) => item.role === 'toggleDevTools')).toBe(false);

    resetElectronMock();
    app.paths.userData = userDataDir;
    await start({ packaged: false });
    expect(mainWindow().options.webPreferences?.devTools).toBe(true);
  });

  it('cannot navigate away or open windows', async () => {
    await start();
    const contents = mainWindow().webContents;
    expect(contents.fireNavigation('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com' } as never)).toEqual({ action: 'deny' });
  });

  it('gets no permission', async () => {
    await start();
    const callback = vi.fn();
    const request = session.defaultSession.permissionRequestHandler as (...args: unknown[]) => void;
    request({}, 'media', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
    expect((session.defaultSession.permissionCheckHandler as () => boolean)()).toBe(false);
  });

  it('loads the dev server only in an unpackaged development run', async () => {
    const devUrl = 'http://localhost:5173/';
    await start({ env: { ELECTRON_RENDERER_URL: devUrl } });
    expect(mainWindow().loadURL).toHaveBeenCalledWith(devUrl);
    const reply = await ipcMain.invoke('sync:status', new FakeWebFrameMain(devUrl));
    expect(reply).toMatchObject({ ok: true });

    resetElectronMock();
    app.paths.userData = userDataDir;
    await start({ env: { ELECTRON_RENDERER_URL: devUrl }, packaged: true });
    expect(mainWindow().loadURL).toHaveBeenCalledWith(APP_URL);
    expect(await ipcMain.invoke('sync:status', new FakeWebFrameMain(devUrl))).toMatchObject({
      ok: false,
      error: { code: 'forbidden-sender' },
    });
  });
});

describe('IPC through the registered ipcMain handlers', () => {
  it('registers exactly one handler per contract channel', async () => {
    await start();
    expect(ipcMain.handle).toHaveBeenCalledTimes(IPC_CHANNELS.length);
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
  });

  it('runs the service handler for the app page with the parsed request', async () => {
    await start();
    const reply = await ipcMain.invoke('todos:add', appFrame(), { text: '  Buy milk ' });
    expect(reply).toEqual({ ok: true, value: { channel: 'todos:add', request: { text: 'Buy milk' } } });
    expect(fake.handlers['todos:add']).toHaveBeenCalledTimes(1);
  });

  it.each<[string, () => FakeWebFrameMain | null]>([
    ['a remote page', () => new FakeWebFrameMain('https://evil.example/')],
    ['an iframe in the app page', () => new FakeWebFrameMain(APP_URL, appFrame())],
    ['a frame that is gone', () => null],
    ['a file:// page', () => new FakeWebFrameMain('file:///app/out/renderer/index.html')],
  ])('refuses a message from %s without running the handler', async (_label, frame) => {
    await start();
    const reply = await ipcMain.invoke('todos:add', frame(), { text: 'Buy milk' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(fake.handlers['todos:add']).not.toHaveBeenCalled();
  });

  it.each<[IpcChannel, unknown]>([
    ['todos:add', { text: '' }],
    ['todos:add', JSON.parse('{"text":"x","__proto__":{"polluted":true}}')],
    ['todos:remove', { id: 5 }],
    ['sync:now', { extra: true }],
    ['settings:set', { backendUrl: 'file:///etc/passwd' }],
  ])('refuses %s with the bad payload %j without running the handler', async (channel, payload) => {
    await start();
    const reply = await ipcMain.invoke(channel, appFrame(), payload);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(fake.handlers[channel]).not.toHaveBeenCalled();
  });
});

describe('events and OS signals', () => {
  it('sends status and data changes to every window, with the pull progress on the taskbar', async () => {
    await start();
    const window = mainWindow();
    const pulling = status({ kind: 'pulling', table: 'todoitem', received: 50, total: 200 });
    fake.emitStatus(pulling);
    expect(window.webContents.send).toHaveBeenCalledWith('sync:status-changed', pulling);
    expect(window.setProgressBar).toHaveBeenLastCalledWith(0.25);
    fake.emitStatus(status({ kind: 'idle' }));
    expect(window.setProgressBar).toHaveBeenLastCalledWith(-1);

    fake.emitData({ tables: ['todoitem'] });
    expect(window.webContents.send).toHaveBeenCalledWith('todos:data-changed', { tables: ['todoitem'] });
  });

  it('skips windows that are already destroyed', async () => {
    await start();
    const window = mainWindow();
    window.webContents.destroyed = true;
    fake.emitData({ tables: ['todoitem'] });
    expect(window.webContents.send).not.toHaveBeenCalled();
  });

  it('keeps the Work Offline checkbox in step with the setting', async () => {
    await start();
    const item = () => menuItems().find((candidate) => candidate.id === MENU_IDS.workOffline);
    expect(item()?.checked).toBe(false);
    fake.setOffline(true);
    fake.emitStatus({ ...status({ kind: 'idle' }), connectivity: 'working-offline' });
    expect(item()?.checked).toBe(true);
  });

  it('a new conflict while the window is not focused raises a system notification that brings it back', async () => {
    await start();
    const window = mainWindow();
    const withConflicts = (count: number) => ({ ...status({ kind: 'idle' }), unresolvedConflicts: count });
    fake.emitStatus(withConflicts(0));
    // Looking at the window: the banner says it, no notification.
    fake.emitStatus(withConflicts(1));
    expect(Notification.shown).toHaveLength(0);

    window.focused = false;
    window.minimized = true;
    fake.emitStatus(withConflicts(1));
    expect(Notification.shown).toHaveLength(0);
    fake.emitStatus(withConflicts(2));
    expect(Notification.shown).toHaveLength(1);
    expect(Notification.shown[0]?.options.title).toBe('A conflict needs you');
    // The notification never focuses the window by itself; clicking it does.
    expect(window.focus).not.toHaveBeenCalled();
    Notification.shown[0]?.click();
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
  });

  it('passes a wake from sleep to the scheduler', async () => {
    await start();
    powerMonitor.emit('resume');
    expect(fake.services.notifyResume).toHaveBeenCalledTimes(1);
  });
});

describe('the application menu', () => {
  it('has Sync Now on CmdOrCtrl+R calling the services', async () => {
    await start();
    const syncNow = menuItems().find((item) => item.id === MENU_IDS.syncNow);
    expect(syncNow).toMatchObject({ label: 'Sync Now', accelerator: 'CmdOrCtrl+R' });
    (syncNow?.click as () => void)();
    expect(fake.services.syncService.syncNow).toHaveBeenCalledTimes(1);
  });
});

describe('quitting', () => {
  it('holds the quit until the services stopped, then quits', async () => {
    const running = await start();
    const event = { preventDefault: vi.fn() };
    app.emit('will-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    await running.stopped;
    expect(fake.services.close).toHaveBeenCalledTimes(1);
    expect(app.quit).toHaveBeenCalled();
    expect(ipcMain.handlers.size).toBe(0);
    expect(fake.listenerCount()).toBe(0);

    // The quit that follows goes through.
    const second = { preventDefault: vi.fn() };
    app.emit('will-quit', second);
    expect(second.preventDefault).not.toHaveBeenCalled();
    expect(fake.services.close).toHaveBeenCalledTimes(1);
  });

  it('quits when the last window closes, except on macOS', async () => {
    await start({ platform: 'linux' });
    app.emit('window-all-closed');
    expect(app.quit).toHaveBeenCalledTimes(1);
    resetElectronMock();
    app.paths.userData = userDataDir;
    await start({ platform: 'darwin' });
    app.emit('window-all-closed');
    expect(app.quit).not.toHaveBeenCalled();
  });
});

describe('keeping the app in the tray', () => {
  it('closing the window hides it while the person chose the tray; quitting still closes it', async () => {
    let keep = true;
    let control: Parameters<NonNullable<RunAppOptions['afterStart']>>[2] | undefined;
    await start({
      keepInTray: () => keep,
      afterStart: (_context, _services, window) => {
        control = window;
      },
    });
    const window = BrowserWindow.instances[0] as BrowserWindow;
    window.close();
    expect(window.hide).toHaveBeenCalledTimes(1);
    expect(window.isDestroyed()).toBe(false);

    // Quick add / the tray bring it back.
    control?.revealWindow();
    expect(window.show).toHaveBeenCalled();

    app.emit('before-quit');
    window.close();
    expect(window.isDestroyed()).toBe(true);
    // With nothing open, revealing opens a new window.
    control?.revealWindow();
    expect(BrowserWindow.getAllWindows()).toHaveLength(1);
    keep = false;
  });

  it('without the choice, closing closes', async () => {
    await start({ keepInTray: () => false });
    const window = BrowserWindow.instances[0] as BrowserWindow;
    window.close();
    expect(window.hide).not.toHaveBeenCalled();
    expect(window.isDestroyed()).toBe(true);
  });
});
