/**
 * The application menu, wired to Electron: what its actions open (the data and logs folders,
 * About, the window in front), and a rebuild whenever the account changes, since "Signed in
 * as …" is a label and Electron redraws a menu only when it is set again.
 */
import { existsSync } from 'node:fs';
import { app, BrowserWindow, dialog, Menu, shell } from 'electron';
import type { AppLog } from './logging';
import { aboutDetail, buildMenuTemplate } from './menu';
import type { ShellServices } from './shell-services';
import { signOutAsking } from './sign-in-window';

export interface AppMenuOptions {
  appName: string;
  platform: NodeJS.Platform;
  services: Pick<ShellServices, 'syncService' | 'handlers' | 'account' | 'onAccountChanged'>;
  userDataDir: string;
  log: AppLog;
  mainWindow(): BrowserWindow | null;
}

export interface AppMenu {
  /** The menu set now (it is replaced on every account change). */
  current(): Menu;
  stop(): void;
}

/** Sets the application menu, and sets it again on every account change until stopped. */
export function installAppMenu(options: AppMenuOptions): AppMenu {
  let menu = Menu.buildFromTemplate(menuTemplate(options));
  Menu.setApplicationMenu(menu);
  const stop = options.services.onAccountChanged?.(() => {
    menu = Menu.buildFromTemplate(menuTemplate(options));
    Menu.setApplicationMenu(menu);
  });
  return { current: () => menu, stop: () => stop?.() };
}

function menuTemplate({ appName, platform, services, userDataDir, log, mainWindow }: AppMenuOptions) {
  const { account } = services;
  return buildMenuTemplate({
    platform,
    isDev: !app.isPackaged,
    appName,
    version: app.getVersion(),
    syncService: services.syncService,
    actions: {
      openDataFolder: async () => {
        const problem = await shell.openPath(userDataDir);
        if (problem) log.warn(`Could not open the data folder: ${problem}`);
      },
      showLogs: async () => {
        if (existsSync(log.filePath)) {
          shell.showItemInFolder(log.filePath);
          return;
        }
        const problem = await shell.openPath(log.directory);
        if (problem) log.warn(`Could not open the logs folder: ${problem}`);
      },
      showAbout: () => {
        const detail = aboutDetail(appName, app.getVersion(), process.versions);
        const about = {
          type: 'info' as const,
          title: `About ${appName}`,
          message: appName,
          detail,
          buttons: ['OK'],
        };
        const window = mainWindow();
        return window ? dialog.showMessageBox(window, about) : dialog.showMessageBox(about);
      },
      // To the window in front (a quick-add window included), else the main one.
      sendToWindow: (command) => {
        const target = BrowserWindow.getFocusedWindow() ?? mainWindow();
        if (target && !target.isDestroyed()) target.webContents.send('app:command', { command });
      },
    },
    account: account && {
      ...account.view(),
      signIn: (provider) => account.signIn(provider),
      signOut: () =>
        signOutAsking({
          account,
          exportUnsynced: () => services.handlers['data:export-unsynced'](undefined),
          parent: mainWindow(),
        }),
    },
    onError: (error, action) => log.error(`Menu action "${action}" failed`, error),
  });
}
