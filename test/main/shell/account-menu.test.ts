/**
 * The Account menu (built without Electron) and Sign Out from it: "Signed in as …", a sign-in
 * item per provider, and a sign-out that, with unsynced changes, asks first and offers Export.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../mocks/electron'));

import { dialog, resetElectronMock } from '../../mocks/electron';
import { SIGN_IN_PROVIDERS, type AccountView } from '../../../common/ipc-contract';
import { ServiceError } from '../../../main/services/errors';
import type { AccountService } from '../../../main/services/ipc-handlers';
import { buildMenuTemplate, MENU_IDS, type MenuAccount } from '../../../main/shell/menu';
import { signOutAsking } from '../../../main/shell/sign-in-window';
import { emptySyncResult } from '../../../main/sync/sync-pass';

beforeEach(() => resetElectronMock());

function find(items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions | undefined {
  for (const item of items) {
    if (item.id === id) return item;
    if (Array.isArray(item.submenu)) {
      const found = find(item.submenu, id);
      if (found) return found;
    }
  }
  return undefined;
}

function menuWith(account: MenuAccount): MenuItemConstructorOptions[] {
  return buildMenuTemplate({
    platform: 'linux',
    isDev: false,
    appName: 'Todo Sync',
    version: '1.0.0',
    syncService: {
      syncNow: async () => emptySyncResult(),
      setWorkOffline: () => undefined,
      isWorkingOffline: () => false,
    },
    actions: {
      openDataFolder: () => undefined,
      showLogs: () => undefined,
      showAbout: () => undefined,
      sendToWindow: () => undefined,
    },
    account,
  });
}

const click = (item: MenuItemConstructorOptions | undefined): void =>
  (item?.click as unknown as (() => void) | undefined)?.();

describe('the Account menu', () => {
  it('says who is signed in and offers each provider and Sign Out', () => {
    const signIn = vi.fn();
    const signOut = vi.fn();
    const template = menuWith({ signedIn: true, userId: 'sid:anna', canSignIn: true, signIn, signOut });
    expect(find(template, MENU_IDS.accountStatus)).toMatchObject({
      label: 'Signed in as sid:anna',
      enabled: false,
    });
    const providers = find(template, MENU_IDS.signIn)?.submenu as MenuItemConstructorOptions[];
    expect(providers.map((item) => item.label)).toEqual(SIGN_IN_PROVIDERS.map((provider) => provider.label));
    click(providers[2]);
    expect(signIn).toHaveBeenCalledWith('google');
    click(find(template, MENU_IDS.signOut));
    expect(signOut).toHaveBeenCalled();
  });

  it('signed out: no Sign Out, and no sign-in without a backend', () => {
    const template = menuWith({
      signedIn: false,
      userId: null,
      canSignIn: false,
      signIn: vi.fn(),
      signOut: vi.fn(),
    });
    expect(find(template, MENU_IDS.accountStatus)?.label).toBe('Not signed in');
    expect(find(template, MENU_IDS.signOut)?.enabled).toBe(false);
    expect(find(template, MENU_IDS.signIn)?.enabled).toBe(false);
  });
});

describe('Sign Out with unsynced changes', () => {
  const view = { signedIn: false } as AccountView;
  function account(pending: number): AccountService & { signOut: ReturnType<typeof vi.fn> } {
    return {
      view: () => view,
      signIn: vi.fn(),
      allowBasicTextStorage: vi.fn(),
      signOut: vi.fn(async (confirmed: boolean) => {
        if (pending > 0 && !confirmed)
          throw new ServiceError('refused', `${pending} changes have not reached the server yet.`);
        return view;
      }),
    };
  }
  const exported = async () => ({
    suggestedFileName: 'unsynced.json',
    json: '{"operations":[1]}',
    operationCount: 1,
  });

  it('nothing pending: signs out at once', async () => {
    const service = account(0);
    await signOutAsking({ account: service, exportUnsynced: exported, parent: null });
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
    expect(service.signOut).toHaveBeenCalledWith(false);
  });

  it('asks; Cancel changes nothing, Sign Out confirms', async () => {
    const service = account(2);
    dialog.showMessageBox.mockResolvedValueOnce({ response: 2, checkboxChecked: false });
    await signOutAsking({ account: service, exportUnsynced: exported, parent: null });
    expect(service.signOut).toHaveBeenCalledTimes(1);
    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    await signOutAsking({ account: service, exportUnsynced: exported, parent: null });
    expect(service.signOut).toHaveBeenLastCalledWith(true);
  });

  it('Export writes the file, then signs out; a cancelled save dialog signs nobody out', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-export-'));
    try {
      const service = account(1);
      dialog.showMessageBox.mockResolvedValue({ response: 0, checkboxChecked: false });
      await signOutAsking({ account: service, exportUnsynced: exported, parent: null });
      expect(service.signOut).toHaveBeenCalledTimes(1);
      const target = path.join(folder, 'mine.json');
      dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
      await signOutAsking({ account: service, exportUnsynced: exported, parent: null });
      expect(readFileSync(target, 'utf8')).toBe('{"operations":[1]}');
      expect(service.signOut).toHaveBeenLastCalledWith(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
