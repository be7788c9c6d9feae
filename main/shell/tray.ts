/**
 * The tray (menu-bar) icon: how many changes wait to sync, and Quick add, Sync Now, Work
 * Offline and Quit without opening the window. Clicking the icon brings the window back.
 */
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';

export interface TrayActions {
  showWindow(): void;
  quickAdd(): void;
  syncNow(): void;
  setWorkOffline(workOffline: boolean): void;
  quit(): void;
}

export interface TrayState {
  pendingOperations: number;
  workingOffline: boolean;
}

export interface AppTray {
  update(state: TrayState): void;
  destroy(): void;
}

export function pendingLabel(pending: number): string {
  if (pending === 0) return 'Everything is synced';
  return pending === 1 ? '1 change not synced yet' : `${pending} changes not synced yet`;
}

export function trayMenuTemplate(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { id: 'tray-pending', label: pendingLabel(state.pendingOperations), enabled: false },
    { type: 'separator' },
    { id: 'tray-quick-add', label: 'Quick Add…', click: () => actions.quickAdd() },
    { id: 'tray-show', label: 'Show Todo Sync', click: () => actions.showWindow() },
    { type: 'separator' },
    {
      id: 'tray-sync-now',
      label: 'Sync Now',
      enabled: !state.workingOffline,
      click: () => actions.syncNow(),
    },
    {
      id: 'tray-work-offline',
      label: 'Work Offline',
      type: 'checkbox',
      checked: state.workingOffline,
      click: () => actions.setWorkOffline(!state.workingOffline),
    },
    { type: 'separator' },
    { id: 'tray-quit', label: 'Quit Todo Sync', click: () => actions.quit() },
  ];
}

export function createAppTray(options: {
  iconPath: string;
  platform: NodeJS.Platform;
  actions: TrayActions;
  initial: TrayState;
}): AppTray {
  // 16 px fits every tray; macOS scales its template from it.
  const image = nativeImage.createFromPath(options.iconPath).resize({ width: 16, height: 16 });
  const tray = new Tray(image);
  tray.on('click', () => options.actions.showWindow());
  let last = '';
  const update = (state: TrayState): void => {
    const fingerprint = `${state.pendingOperations}/${state.workingOffline}`;
    if (fingerprint === last || tray.isDestroyed()) return;
    last = fingerprint;
    tray.setToolTip(`Todo Sync — ${pendingLabel(state.pendingOperations)}`);
    // macOS shows text beside a menu-bar icon; elsewhere the tooltip and the menu carry it.
    if (options.platform === 'darwin')
      tray.setTitle(state.pendingOperations > 0 ? String(state.pendingOperations) : '');
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(state, options.actions)));
  };
  update(options.initial);
  return { update, destroy: () => tray.destroy() };
}
