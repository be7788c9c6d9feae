import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { aboutDetail, buildMenuTemplate, MENU_IDS, type MenuOptions } from '../../../main/shell/menu';
import { emptySyncResult } from '../../../main/sync/sync-pass';

function options(overrides: Partial<MenuOptions> = {}) {
  let offline = false;
  const syncService = {
    syncNow: vi.fn(async () => emptySyncResult()),
    setWorkOffline: vi.fn((value: boolean) => {
      offline = value;
    }),
    isWorkingOffline: vi.fn(() => offline),
  };
  const actions = { openDataFolder: vi.fn(), showLogs: vi.fn(), showAbout: vi.fn(), sendToWindow: vi.fn() };
  const onError = vi.fn();
  const built: MenuOptions = {
    platform: 'linux',
    isDev: false,
    appName: 'Todo Sync',
    version: '1.2.3',
    syncService,
    actions,
    onError,
    ...overrides,
  };
  return { built, syncService, actions, onError };
}

function flatten(items: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

function find(items: readonly MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions {
  const item = flatten(items).find((candidate) => candidate.id === id);
  if (!item) throw new Error(`no menu item ${id}`);
  return item;
}

/** "CmdOrCtrl+R", "CommandOrControl+r", "Ctrl+R" on Windows/Linux... all mean the same keys. */
function normalizeAccelerator(accelerator: string, platform: NodeJS.Platform): string {
  return accelerator
    .split('+')
    .map((part) => part.trim().toLowerCase())
    .map((part) => {
      if (['cmdorctrl', 'commandorcontrol'].includes(part)) return 'primary';
      if (['cmd', 'command'].includes(part)) return platform === 'darwin' ? 'primary' : 'super';
      if (['ctrl', 'control'].includes(part)) return platform === 'darwin' ? 'control' : 'primary';
      return part;
    })
    .sort()
    .join('+');
}

/** Roles whose default accelerator is CmdOrCtrl+R / Shift+CmdOrCtrl+R when none is given. */
const RELOAD_ROLES = new Set(['reload', 'forcereload']);

function click(item: MenuItemConstructorOptions, asItem: Partial<Electron.MenuItem> = {}) {
  if (!item.click) throw new Error(`${item.id ?? item.label} has no click`);
  (item.click as (item: unknown, window: unknown, event: unknown) => void)(asItem, undefined, {});
}

describe.each(['linux', 'win32', 'darwin'] as const)('the %s menu', (platform) => {
  it('has Sync Now on CmdOrCtrl+R, and its click reaches the sync service', () => {
    const { built, syncService } = options({ platform });
    const syncNow = find(buildMenuTemplate(built), MENU_IDS.syncNow);
    expect(syncNow.label).toBe('Sync Now');
    expect(syncNow.accelerator).toBe('CmdOrCtrl+R');
    click(syncNow);
    expect(syncService.syncNow).toHaveBeenCalledTimes(1);
  });

  it.each([false, true])('gives CmdOrCtrl+R to Sync Now only (development: %s)', (isDev) => {
    const { built } = options({ platform, isDev });
    const syncKey = normalizeAccelerator('CmdOrCtrl+R', platform);
    for (const item of flatten(buildMenuTemplate(built))) {
      if (item.id === MENU_IDS.syncNow) continue;
      if (item.accelerator) {
        expect(normalizeAccelerator(String(item.accelerator), platform), `${item.id ?? item.role}`).not.toBe(
          syncKey,
        );
      }
      // A reload role without its own accelerator takes Electron's default, CmdOrCtrl+R.
      if (item.role && RELOAD_ROLES.has(item.role.toLowerCase())) expect(item.accelerator).toBeDefined();
    }
  });

  it('has no reload and no developer tools in production', () => {
    const { built } = options({ platform, isDev: false });
    const roles = flatten(buildMenuTemplate(built)).map((item) => item.role?.toLowerCase());
    expect(roles).not.toContain('reload');
    expect(roles).not.toContain('forcereload');
    expect(roles).not.toContain('toggledevtools');
  });

  it('reloads on CmdOrCtrl+Shift+R and has developer tools in development', () => {
    const { built } = options({ platform, isDev: true });
    const template = buildMenuTemplate(built);
    expect(find(template, MENU_IDS.reload)).toMatchObject({
      role: 'reload',
      accelerator: 'CmdOrCtrl+Shift+R',
    });
    expect(find(template, MENU_IDS.devTools).role).toBe('toggleDevTools');
  });

  it('has a Work Offline checkbox that follows and sets the service', () => {
    const { built, syncService } = options({ platform });
    let item = find(buildMenuTemplate(built), MENU_IDS.workOffline);
    expect(item).toMatchObject({ type: 'checkbox', checked: false, label: 'Work Offline' });
    click(item, { checked: true });
    expect(syncService.setWorkOffline).toHaveBeenCalledExactlyOnceWith(true);
    item = find(buildMenuTemplate(built), MENU_IDS.workOffline);
    expect(item.checked).toBe(true);
    click(item, { checked: false });
    expect(syncService.setWorkOffline).toHaveBeenLastCalledWith(false);
  });

  it('offers About with the version, Open Data Folder and Show Logs', () => {
    const { built, actions } = options({ platform });
    const template = buildMenuTemplate(built);
    const about = find(template, MENU_IDS.about);
    expect(about.label).toBe('About Todo Sync');
    expect(about.sublabel).toBe('Version 1.2.3');
    click(about);
    click(find(template, MENU_IDS.openDataFolder));
    click(find(template, MENU_IDS.showLogs));
    expect(actions.showAbout).toHaveBeenCalledTimes(1);
    expect(actions.openDataFolder).toHaveBeenCalledTimes(1);
    expect(actions.showLogs).toHaveBeenCalledTimes(1);
  });

  it.each([
    [MENU_IDS.undo, 'Undo', 'CmdOrCtrl+Z', 'undo'],
    [MENU_IDS.redo, 'Redo', 'Shift+CmdOrCtrl+Z', 'redo'],
    [MENU_IDS.selectAll, 'Select All', 'CmdOrCtrl+A', 'select-all'],
    [MENU_IDS.keyboardShortcuts, 'Keyboard Shortcuts', 'CmdOrCtrl+/', 'show-shortcuts'],
  ])('%s shows %s with its accelerator and sends the command to the window', (id, label, key, command) => {
    const { built, actions } = options({ platform });
    const item = find(buildMenuTemplate(built), id);
    expect(item).toMatchObject({ label, accelerator: key });
    expect(item.role).toBeUndefined();
    click(item);
    expect(actions.sendToWindow).toHaveBeenCalledExactlyOnceWith(command);
  });

  it('puts Undo and Redo first in Edit and Keyboard Shortcuts first in Help', () => {
    const template = buildMenuTemplate(options({ platform }).built);
    const submenu = (label: string) =>
      (template.find((menu) => menu.label === label)?.submenu as MenuItemConstructorOptions[]).map(
        (item) => item.id ?? item.role ?? item.type,
      );
    expect(submenu('&Edit').slice(0, 2)).toEqual([MENU_IDS.undo, MENU_IDS.redo]);
    expect(submenu('&Edit')).toContain(MENU_IDS.selectAll);
    // The roles would undo only text: the window's command undoes todo changes as well.
    const roles = flatten(template).map((item) => item.role);
    for (const role of ['undo', 'redo', 'selectAll'] as const) expect(roles).not.toContain(role);
    expect(submenu('&Help')[0]).toBe(MENU_IDS.keyboardShortcuts);
  });

  it('gives no two items the same accelerator', () => {
    const seen = new Map<string, string>();
    for (const item of flatten(buildMenuTemplate(options({ platform }).built))) {
      if (!item.accelerator) continue;
      const key = normalizeAccelerator(String(item.accelerator), platform);
      expect(seen.get(key), `${item.id ?? item.role} and ${seen.get(key)} share ${key}`).toBeUndefined();
      seen.set(key, String(item.id ?? item.role));
    }
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });

  it('reports a failing Sync Now instead of leaving the rejection unhandled', async () => {
    const failure = new Error('server down');
    const { built, syncService, onError } = options({ platform });
    syncService.syncNow.mockRejectedValueOnce(failure);
    click(find(buildMenuTemplate(built), MENU_IDS.syncNow));
    await vi.waitFor(() => expect(onError).toHaveBeenCalledWith(failure, 'sync now'));
  });

  it('reports an action that throws', () => {
    const { built, actions, onError } = options({ platform });
    actions.showLogs.mockImplementationOnce(() => {
      throw new Error('no file manager');
    });
    click(find(buildMenuTemplate(built), MENU_IDS.showLogs));
    expect(onError).toHaveBeenCalledWith(expect.any(Error), 'show logs');
  });
});

describe('menu layout per platform', () => {
  const labels = (platform: NodeJS.Platform) =>
    buildMenuTemplate(options({ platform }).built).map((item) => item.label);

  it('puts the app menu first on macOS, with About in it', () => {
    const template = buildMenuTemplate(options({ platform: 'darwin' }).built);
    expect(labels('darwin')).toEqual(['Todo Sync', '&File', '&Edit', '&View', '&Window', '&Help']);
    const appMenu = template[0]?.submenu as MenuItemConstructorOptions[];
    expect(appMenu[0]?.id).toBe(MENU_IDS.about);
    expect(appMenu.map((item) => item.role)).toContain('quit');
  });

  it.each(['linux', 'win32'] as const)(
    'uses File/Edit/View/Window/Help on %s, About under Help',
    (platform) => {
      expect(labels(platform)).toEqual(['&File', '&Edit', '&View', '&Window', '&Help']);
      const template = buildMenuTemplate(options({ platform }).built);
      const help = template.at(-1)?.submenu as MenuItemConstructorOptions[];
      expect(help.map((item) => item.id)).toContain(MENU_IDS.about);
    },
  );

  it('writes the About text with the versions', () => {
    expect(aboutDetail('Todo Sync', '1.2.3', { electron: '45.5.0', chrome: '142', node: '22.20.0' })).toBe(
      'Todo Sync 1.2.3\nElectron 45.5.0\nChromium 142\nNode.js 22.20.0',
    );
  });
});
