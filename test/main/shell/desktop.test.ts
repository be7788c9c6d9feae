/**
 * The desktop integration against the mocked electron module: reminder notifications and
 * their clicks, quick add's global shortcut (default, taken, changed, off), the tray's menu
 * and pending count, and the close-to-tray preference. Real store on a temp file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataChanged } from '../../../common/ipc-contract';
import type { SyncStatus } from '../../../common/sync-types';
import { todoTable } from '../../../common/todo-table';
import { DEFAULT_QUICK_ADD_SHORTCUT, desktopPreferencesOf } from '../../../main/services/desktop-preferences';
import { NOTICE_GATHER_MS } from '../../../main/services/desktop-services';
import { startDesktopShell, type DesktopShellServices } from '../../../main/shell/desktop';
import { createReminderNotifier } from '../../../main/shell/notifications';
import { openStore, type LocalStore } from '../../../main/store';
import { ColumnSupport } from '../../../main/sync/column-support';
import type { SyncContext } from '../../../main/sync';
import {
  BrowserWindow,
  FakeMenu,
  globalShortcut,
  Notification,
  resetElectronMock,
  Tray,
  app,
} from '../../mocks/electron';
import { emptySyncResult } from '../../../main/sync/sync-pass';

vi.mock('electron', () => import('../../mocks/electron'));

let dir: string;
let store: LocalStore;

beforeEach(() => {
  resetElectronMock();
  dir = mkdtempSync(path.join(os.tmpdir(), 'todo-desktop-'));
  store = openStore({ path: path.join(dir, 'todo-sync.db'), tables: [todoTable] });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const sent = (): { channel: string; payload: unknown }[] =>
  BrowserWindow.instances.flatMap((window) =>
    window.webContents.send.mock.calls.map(([channel, payload]) => ({ channel: String(channel), payload })),
  );

function fakeServices() {
  const statusListeners = new Set<(status: SyncStatus) => void>();
  const dataListeners = new Set<(change: DataChanged) => void>();
  let offline = false;
  const status = { pendingOperations: 0 } as SyncStatus;
  const columnSupport = new ColumnSupport(
    () => store,
    () => 'http://127.0.0.1:1',
  );
  const services: DesktopShellServices & {
    emitStatus(pending: number): void;
    emitData(): void;
  } = {
    parts: { store, syncContext: { columnSupport } as unknown as SyncContext },
    onDataChanged: (listener) => {
      dataListeners.add(listener);
      return () => dataListeners.delete(listener);
    },
    syncService: {
      syncNow: vi.fn(async () => emptySyncResult()),
      setWorkOffline: vi.fn((value: boolean) => {
        offline = value;
      }),
      isWorkingOffline: () => offline,
    },
    getStatus: () => status,
    onStatusChanged: (listener) => {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    emitData() {
      for (const listener of dataListeners) listener({ tables: ['todoitem'] });
    },
    emitStatus(pending) {
      status.pendingOperations = pending;
      for (const listener of statusListeners) listener({ ...status });
    },
  };
  return services;
}

function start(services = fakeServices()) {
  const revealWindow = vi.fn();
  const shell = startDesktopShell({
    services,
    revealWindow,
    iconPath: '/fake/icon.png',
    platform: 'darwin',
    logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
  });
  return { shell, services, revealWindow };
}

const menuLabels = (tray: Tray): string[] =>
  (tray.contextMenu as FakeMenu).template.filter((item) => item.label).map((item) => String(item.label));

describe('reminder notifications', () => {
  const reminder = (id: string, text: string) => ({
    id,
    text,
    reminderAt: new Date(),
    dueDate: '2026-12-03',
  });

  it('one per reminder; a click opens that todo', () => {
    const onClick = vi.fn();
    const notifier = createReminderNotifier({ onClick, now: () => new Date(2026, 11, 2) });
    notifier.show([reminder('a', 'Call Sam'), reminder('b', 'Book flights')], false);
    expect(Notification.shown.map((n) => n.options)).toEqual([
      { title: 'Call Sam', body: 'Due Tomorrow' },
      { title: 'Book flights', body: 'Due Tomorrow' },
    ]);
    Notification.shown[1]?.click();
    expect(onClick).toHaveBeenCalledWith('b');
  });

  it('many missed reminders become one summary', () => {
    const onClick = vi.fn();
    const notifier = createReminderNotifier({ onClick });
    notifier.show(
      ['a', 'b', 'c', 'd', 'e'].map((id) => reminder(id, `Todo ${id}`)),
      true,
    );
    expect(Notification.shown).toHaveLength(1);
    expect(Notification.shown[0]?.options).toEqual({
      title: '5 reminders you missed',
      body: 'Todo a, Todo b, Todo c and 2 more',
    });
    Notification.shown[0]?.click();
    expect(onClick).toHaveBeenCalledWith('a');
  });

  it('shows nothing where the system has no notifications', () => {
    Notification.supported = false;
    createReminderNotifier({ onClick: vi.fn() }).show([reminder('a', 'x')], false);
    expect(Notification.shown).toHaveLength(0);
  });
});

describe('startDesktopShell', () => {
  it('registers the default quick-add shortcut, which brings the window forward with the add field focused', () => {
    const window = new BrowserWindow();
    const { revealWindow, shell } = start();
    expect(globalShortcut.isRegistered(DEFAULT_QUICK_ADD_SHORTCUT)).toBe(true);
    globalShortcut.press(DEFAULT_QUICK_ADD_SHORTCUT);
    expect(revealWindow).toHaveBeenCalledTimes(1);
    expect(window.webContents.send).toHaveBeenCalledWith('todos:focus-add', {});
    shell.stop();
    expect(globalShortcut.isRegistered(DEFAULT_QUICK_ADD_SHORTCUT)).toBe(false);
  });

  it('a shortcut another app holds is explained; a new one or none can be chosen', () => {
    globalShortcut.taken.add(DEFAULT_QUICK_ADD_SHORTCUT);
    const { shell } = start();
    const preferences = desktopPreferencesOf(store.keyValues);
    expect(preferences.view().shortcutProblem).toMatch(/already used by another app/);

    preferences.update({ quickAddShortcut: 'Alt+Shift+A' });
    expect(preferences.view().shortcutProblem).toBeNull();
    expect(globalShortcut.isRegistered('Alt+Shift+A')).toBe(true);

    preferences.update({ quickAddShortcut: null });
    expect(globalShortcut.registered.size).toBe(0);
    expect(preferences.view()).toMatchObject({ quickAddShortcut: null, shortcutProblem: null });

    expect(() => preferences.update({ quickAddShortcut: 'A' })).toThrow(/modifier/);
    expect(() => preferences.update({ quickAddShortcut: 'Ctrl+Banana' })).toThrow(/not a key/);
    expect(preferences.get().quickAddShortcut).toBeNull();
    shell.stop();
  });

  it('the tray shows the pending count and runs Quick Add, Sync Now, Work Offline and Quit', () => {
    const window = new BrowserWindow();
    const services = fakeServices();
    const { revealWindow, shell } = start(services);
    const tray = Tray.instances[0] as Tray;
    expect(menuLabels(tray)).toEqual([
      'Everything is synced',
      'Quick Add…',
      'Show Todo Sync',
      'Sync Now',
      'Work Offline',
      'Quit Todo Sync',
    ]);
    services.emitStatus(3);
    expect(menuLabels(tray)[0]).toBe('3 changes not synced yet');
    expect(tray.tooltip).toBe('Todo Sync — 3 changes not synced yet');
    expect(tray.title).toBe('3');

    const click = (id: string) =>
      (tray.contextMenu as FakeMenu)
        .getMenuItemById(id)
        ?.click?.(
          ...([] as unknown as Parameters<NonNullable<Electron.MenuItemConstructorOptions['click']>>),
        );
    click('tray-quick-add');
    expect(revealWindow).toHaveBeenCalled();
    expect(window.webContents.send).toHaveBeenCalledWith('todos:focus-add', {});
    click('tray-sync-now');
    expect(services.syncService.syncNow).toHaveBeenCalledTimes(1);
    click('tray-work-offline');
    expect(services.syncService.setWorkOffline).toHaveBeenCalledWith(true);
    services.emitStatus(3);
    expect((tray.contextMenu as FakeMenu).getMenuItemById('tray-work-offline')?.checked).toBe(true);
    click('tray-quit');
    expect(app.quit).toHaveBeenCalled();
    shell.stop();
    expect(tray.destroyed).toBe(true);
  });

  it('keeps the app in the tray only when the person chose it', () => {
    const { shell } = start();
    expect(shell.keepInTray()).toBe(false);
    desktopPreferencesOf(store.keyValues).update({ keepInTray: true });
    expect(shell.keepInTray()).toBe(true);
    shell.stop();
  });

  it('tells the window once when the server does not store some fields', () => {
    vi.useFakeTimers();
    new BrowserWindow();
    const services = fakeServices();
    const { shell } = start(services);
    const columnSupport = services.parts.syncContext.columnSupport;
    // As push does when a reply lacks what was sent.
    const shape = { tableName: 'todoitem', userColumns: ['text', 'dueDate', 'reminderAt'] } as never;
    columnSupport.learnFromReply(shape, { id: 'a', text: 't', dueDate: 'd', reminderAt: 'r' }, {
      id: 'a',
      text: 't',
    } as never);
    columnSupport.learnFromReply(shape, { id: 'b', text: 't', dueDate: 'd' }, {
      id: 'b',
      text: 't',
    } as never);
    expect(sent().filter((message) => message.channel === 'app:notice')).toEqual([]);
    vi.advanceTimersByTime(NOTICE_GATHER_MS);
    vi.useRealTimers();
    expect(sent().filter((message) => message.channel === 'app:notice')).toEqual([
      {
        channel: 'app:notice',
        payload: {
          message: "This server doesn't store due dates and reminders; they stay on this computer.",
        },
      },
    ]);
    shell.stop();
  });

  it('a reminder that comes due is a notification; clicking it opens that todo in the window', () => {
    vi.useFakeTimers({ now: new Date(2026, 11, 2, 8, 59) });
    try {
      const window = new BrowserWindow();
      const services = fakeServices();
      const { shell, revealWindow } = start(services);
      const todo = store.table(todoTable).insert({
        text: 'Call Sam',
        dueDate: '2026-12-02T09:00',
        reminderAt: new Date(2026, 11, 2, 9, 0),
      });
      services.emitData();
      vi.advanceTimersByTime(59_999);
      expect(Notification.shown).toHaveLength(0);
      vi.advanceTimersByTime(1);
      expect(Notification.shown.map((n) => n.options.title)).toEqual(['Call Sam']);
      Notification.shown[0]?.click();
      expect(revealWindow).toHaveBeenCalled();
      expect(window.webContents.send).toHaveBeenCalledWith('todos:reveal', {
        item: expect.objectContaining({ id: todo.id, text: 'Call Sam' }),
      });
      shell.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
