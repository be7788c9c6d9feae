/**
 * The sign-in window, with the mocked electron module: what it is (no preload, sandboxed, its
 * own partition), how it ends (the done URL captured on a redirect or a navigation; closing is
 * cancelling), what it may not do (open windows, leave the web), and the safeStorage pair. One
 * test drives it through the real server's sign-in stub with client.login.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../mocks/electron'));

import { BrowserWindow, resetElectronMock, safeStorage, session } from '../../mocks/electron';
import {
  createSignInUi,
  isSignInContents,
  safeStorageCipher,
  SIGN_IN_PARTITION,
} from '../../../main/shell/sign-in-window';
import { todoTable } from '../../../common/todo-table';
import { openStore } from '../../../main/store';
import { MobileServiceClient } from '../../../main/sync';
import { isLoginDoneUrl } from '../../../main/sync/auth';
import { startTestBackend, type TestBackend } from '../../support/backend';

const BACKEND = 'http://127.0.0.1:4100';
const DONE = `${BACKEND}/.auth/login/done#token=%7B%7D`;
const isDone = (url: string): boolean => isLoginDoneUrl(url, BACKEND);

beforeEach(() => resetElectronMock());

function lastWindow(): BrowserWindow {
  const window = BrowserWindow.instances.at(-1);
  if (!window) throw new Error('no window was opened');
  return window;
}

describe('the sign-in window', () => {
  it('has no preload, is sandboxed and isolated, lives in its own partition, and loads the login URL', async () => {
    const ui = createSignInUi();
    const result = ui.signIn({
      loginUrl: `${BACKEND}/.auth/login/aad`,
      doneUrl: `${BACKEND}/.auth/login/done`,
      isDone,
    });
    const window = lastWindow();
    const preferences = window.options.webPreferences ?? {};
    expect(preferences.preload).toBeUndefined();
    expect(preferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      partition: SIGN_IN_PARTITION,
    });
    expect(SIGN_IN_PARTITION.startsWith('persist:')).toBe(true);
    expect(window.webContents.session).toBe(session.fromPartition(SIGN_IN_PARTITION));
    expect(window.webContents.session).not.toBe(session.defaultSession);
    expect(isSignInContents(window.webContents as never)).toBe(true);
    expect(window.loadURL).toHaveBeenCalledWith(`${BACKEND}/.auth/login/aad`);
    window.close();
    expect(await result).toBeNull();
  });

  it('captures the done URL from a redirect, does not load it, and closes', async () => {
    const ui = createSignInUi();
    const result = ui.signIn({ loginUrl: `${BACKEND}/.auth/login/google`, doneUrl: '', isDone });
    const window = lastWindow();
    // The provider's pages may be visited freely.
    expect(window.webContents.fireNavigation('will-navigate', 'https://accounts.google.com/o/oauth2')).toBe(
      false,
    );
    expect(window.webContents.fireNavigation('will-redirect', DONE)).toBe(true);
    expect(await result).toBe(DONE);
    expect(window.close).toHaveBeenCalled();
  });

  it('also ends on a navigation that landed on the done page', async () => {
    const ui = createSignInUi();
    const result = ui.signIn({ loginUrl: `${BACKEND}/.auth/login/aad`, doneUrl: '', isDone });
    const window = lastWindow();
    window.webContents.emit('did-navigate', {}, `${BACKEND}/.auth/login/aad/callback`);
    window.webContents.emit('did-navigate-in-page', {}, DONE);
    expect(await result).toBe(DONE);
  });

  it('a done page of another origin is not the end; closing means cancel', async () => {
    const ui = createSignInUi();
    const result = ui.signIn({ loginUrl: `${BACKEND}/.auth/login/aad`, doneUrl: '', isDone });
    const window = lastWindow();
    expect(
      window.webContents.fireNavigation('will-redirect', 'http://127.0.0.1:4999/.auth/login/done#token=x'),
    ).toBe(false);
    window.close();
    expect(await result).toBeNull();
  });

  it('opens no other windows, attaches no webview, and never leaves the web', async () => {
    const ui = createSignInUi();
    const result = ui.signIn({ loginUrl: `${BACKEND}/.auth/login/aad`, doneUrl: '', isDone });
    const contents = lastWindow().webContents;
    expect(contents.windowOpenHandler?.({ url: 'https://example.com' } as never)).toEqual({ action: 'deny' });
    expect(contents.fireAttachWebview()).toBe(true);
    expect(contents.fireNavigation('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.fireNavigation('will-navigate', 'todo-sync-custom:open')).toBe(true);
    lastWindow().close();
    await result;
  });

  it('signing out clears the partition’s cookies and storage, not the app’s', async () => {
    const ui = createSignInUi();
    await ui.signedOut();
    expect(session.fromPartition(SIGN_IN_PARTITION).clearStorageData).toHaveBeenCalled();
    expect(session.defaultSession.clearStorageData).not.toHaveBeenCalled();
  });
});

describe('the token cipher', () => {
  it('uses safeStorage, says when only basic_text exists, and is absent when nothing is available', () => {
    const cipher = safeStorageCipher('linux');
    expect(cipher?.strength).toBe('os');
    const sealed = cipher?.encrypt('tok') ?? new Uint8Array();
    expect(Buffer.from(sealed).toString()).not.toContain('tok');
    expect(cipher?.decrypt(sealed)).toBe('tok');
    safeStorage.backend = 'basic_text';
    expect(safeStorageCipher('linux')?.strength).toBe('basic_text');
    expect(safeStorageCipher('darwin')?.strength).toBe('os');
    safeStorage.available = false;
    expect(safeStorageCipher('linux')).toBeUndefined();
  });
});

describe('client.login through the window, against the real sign-in stub', { timeout: 60_000 }, () => {
  let server: TestBackend;
  beforeAll(async () => {
    server = await startTestBackend({ auth: true });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('the redirect the server makes is the one the window captures', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-window-'));
    const store = openStore({ path: path.join(folder, 'db.sqlite'), tables: [todoTable] });
    try {
      const client = new MobileServiceClient(server.url, { loginUi: createSignInUi() });
      await client.getSyncContext().initialize(store);
      const login = client.login('google');
      const window = lastWindow();
      const start = window.loadURL.mock.calls[0]?.[0] ?? '';
      expect(start).toBe(`${server.url}/.auth/login/google`);
      // What Chromium does in the window: request the page and follow its redirect.
      const response = await fetch(start, { redirect: 'manual' });
      const location = new URL(response.headers.get('location') ?? '', start).href;
      await response.arrayBuffer();
      expect(window.webContents.fireNavigation('will-redirect', location)).toBe(true);
      const user = await login;
      expect(user.userId).toBe('sid:local-google');
      expect(client.currentUser?.mobileServiceAuthenticationToken.split('.')).toHaveLength(3);
    } finally {
      store.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
