/**
 * The application menu as a plain template, built from its inputs only, so tests can read it
 * and click it without Electron. The shell passes the result to Menu.buildFromTemplate.
 *
 * CmdOrCtrl+R belongs to "Sync Now" (people press it expecting a refresh). Electron's default
 * View > Reload takes that accelerator and reloading would only throw the UI state away, so a
 * production menu has no reload at all; development builds reload on CmdOrCtrl+Shift+R.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { SIGN_IN_PROVIDERS, type AppCommand } from '../../common/ipc-contract';
import type { SyncService } from '../services/app-services';

export const SYNC_NOW_ACCELERATOR = 'CmdOrCtrl+R';
export const DEV_RELOAD_ACCELERATOR = 'CmdOrCtrl+Shift+R';
/** Items the window carries out itself; the renderer lists the same keys in its shortcuts help. */
export const WINDOW_COMMAND_ACCELERATORS: Readonly<Record<AppCommand, string>> = {
  undo: 'CmdOrCtrl+Z',
  redo: 'Shift+CmdOrCtrl+Z',
  'select-all': 'CmdOrCtrl+A',
  'show-shortcuts': 'CmdOrCtrl+/',
};

/** Menu item ids, for tests and for updating the checkbox when the setting changes elsewhere. */
export const MENU_IDS = {
  syncNow: 'sync-now',
  workOffline: 'work-offline',
  about: 'about',
  openDataFolder: 'open-data-folder',
  showLogs: 'show-logs',
  reload: 'dev-reload',
  devTools: 'dev-tools',
  undo: 'undo',
  redo: 'redo',
  selectAll: 'select-all',
  keyboardShortcuts: 'keyboard-shortcuts',
  accountStatus: 'account-status',
  signIn: 'sign-in',
  signOut: 'sign-out',
} as const;

export interface MenuActions {
  openDataFolder(): unknown;
  showLogs(): unknown;
  showAbout(): unknown;
  /**
   * Undo, Redo, Select All and Keyboard Shortcuts act on the todos, which live in the window: the
   * shell sends the command to it (app:command), and the window decides (in a text field Undo
   * still undoes typing).
   */
  sendToWindow(command: AppCommand): unknown;
}

/** The Account menu's view of who is signed in, and what its items do. */
export interface MenuAccount {
  signedIn: boolean;
  userId: string | null;
  canSignIn: boolean;
  signIn(provider: string): unknown;
  /** Asks first when changes are not synced yet (and offers Export). */
  signOut(): unknown;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Development build: adds reload and developer tools. */
  isDev: boolean;
  appName: string;
  version: string;
  syncService: SyncService;
  actions: MenuActions;
  /** Adds the Account menu; the shell rebuilds the menu when the account changes. */
  account?: MenuAccount;
  /** A menu action failed; the shell logs it (and shows it when it matters). */
  onError?: (error: unknown, action: string) => void;
}

export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const menu = menuParts(options);
  const account = options.account ? [accountMenu(menu, options.account)] : [];
  return [
    ...(menu.isMac ? [appMenu(menu)] : []),
    fileMenu(menu),
    editMenu(menu),
    viewMenu(menu),
    ...account,
    windowMenu(menu),
    helpMenu(menu),
  ];
}

/** What every menu's builder shares: the options and the items more than one menu carries. */
interface MenuParts {
  options: MenuOptions;
  isMac: boolean;
  /** A click action; a rejection or throw is reported (onError) instead of becoming unhandled. */
  run(action: string, task: () => unknown): () => void;
  /** An item the window carries out itself (see MenuActions.sendToWindow). */
  windowCommand(id: string, label: string, command: AppCommand): MenuItemConstructorOptions;
  /** In the app menu on macOS, in Help elsewhere. */
  aboutItem: MenuItemConstructorOptions;
}

function menuParts(options: MenuOptions): MenuParts {
  const run = (action: string, task: () => unknown) => (): void => {
    try {
      const result = task();
      if (result instanceof Promise) result.catch((error: unknown) => options.onError?.(error, action));
    } catch (error) {
      options.onError?.(error, action);
    }
  };
  return {
    options,
    isMac: options.platform === 'darwin',
    run,
    windowCommand: (id, label, command) => ({
      id,
      label,
      accelerator: WINDOW_COMMAND_ACCELERATORS[command],
      click: run(label.toLowerCase(), () => options.actions.sendToWindow(command)),
    }),
    aboutItem: {
      id: MENU_IDS.about,
      label: `About ${options.appName}`,
      sublabel: `Version ${options.version}`,
      click: run('about', options.actions.showAbout),
    },
  };
}

/** macOS only: the menu named after the app. */
function appMenu({ options, aboutItem }: MenuParts): MenuItemConstructorOptions {
  return {
    label: options.appName,
    submenu: [
      aboutItem,
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' },
    ],
  };
}

function fileMenu({ options, isMac, run }: MenuParts): MenuItemConstructorOptions {
  const { syncService } = options;
  return {
    label: '&File',
    submenu: [
      {
        id: MENU_IDS.syncNow,
        label: 'Sync Now',
        accelerator: SYNC_NOW_ACCELERATOR,
        click: run('sync now', () => syncService.syncNow()),
      },
      {
        id: MENU_IDS.workOffline,
        label: 'Work Offline',
        type: 'checkbox',
        checked: syncService.isWorkingOffline(),
        // Electron has already toggled `checked` when click runs.
        click: (item) => run('work offline', () => syncService.setWorkOffline(item.checked))(),
      },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
}

function editMenu({ isMac, windowCommand }: MenuParts): MenuItemConstructorOptions {
  return {
    label: '&Edit',
    submenu: [
      windowCommand(MENU_IDS.undo, 'Undo', 'undo'),
      windowCommand(MENU_IDS.redo, 'Redo', 'redo'),
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(isMac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      { type: 'separator' },
      windowCommand(MENU_IDS.selectAll, 'Select All', 'select-all'),
    ],
  };
}

function viewMenu({ options }: MenuParts): MenuItemConstructorOptions {
  const developerItems: MenuItemConstructorOptions[] = options.isDev
    ? [
        // An explicit accelerator replaces the role's default CmdOrCtrl+R.
        { id: MENU_IDS.reload, role: 'reload', accelerator: DEV_RELOAD_ACCELERATOR },
        { id: MENU_IDS.devTools, role: 'toggleDevTools' },
        { type: 'separator' },
      ]
    : [];
  return {
    label: '&View',
    submenu: [
      ...developerItems,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
}

function accountMenu({ run }: MenuParts, account: MenuAccount): MenuItemConstructorOptions {
  return {
    label: '&Account',
    submenu: [
      {
        id: MENU_IDS.accountStatus,
        label: account.signedIn ? `Signed in as ${account.userId ?? 'a token user'}` : 'Not signed in',
        enabled: false,
      },
      { type: 'separator' },
      {
        id: MENU_IDS.signIn,
        label: account.signedIn ? 'Sign In Again With' : 'Sign In With',
        enabled: account.canSignIn,
        submenu: SIGN_IN_PROVIDERS.map((provider) => ({
          label: provider.label,
          click: run(`sign in with ${provider.id}`, () => account.signIn(provider.id)),
        })),
      },
      {
        id: MENU_IDS.signOut,
        label: 'Sign Out…',
        enabled: account.signedIn,
        click: run('sign out', () => account.signOut()),
      },
    ],
  };
}

function windowMenu({ isMac }: MenuParts): MenuItemConstructorOptions {
  return {
    label: '&Window',
    submenu: isMac
      ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  };
}

function helpMenu({ options, isMac, run, windowCommand, aboutItem }: MenuParts): MenuItemConstructorOptions {
  const { actions } = options;
  return {
    label: '&Help',
    role: 'help',
    submenu: [
      windowCommand(MENU_IDS.keyboardShortcuts, 'Keyboard Shortcuts', 'show-shortcuts'),
      { type: 'separator' },
      {
        id: MENU_IDS.openDataFolder,
        label: 'Open Data Folder',
        click: run('open data folder', actions.openDataFolder),
      },
      { id: MENU_IDS.showLogs, label: 'Show Logs', click: run('show logs', actions.showLogs) },
      ...(isMac ? [] : [{ type: 'separator' } as const, aboutItem]),
    ],
  };
}

/** The About box's text. */
export function aboutDetail(
  appName: string,
  version: string,
  versions: Partial<NodeJS.ProcessVersions>,
): string {
  const lines = [`${appName} ${version}`];
  if (versions.electron) lines.push(`Electron ${versions.electron}`);
  if (versions.chrome) lines.push(`Chromium ${versions.chrome}`);
  if (versions.node) lines.push(`Node.js ${versions.node}`);
  return lines.join('\n');
}
