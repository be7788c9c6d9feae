/**
 * The sign-in window of App Service's server flow, and the safeStorage pair that keeps the token.
 *
 * The window shows `<backend>/.auth/login/<provider>` and whatever identity provider that sends
 * the person to, so it gets nothing of the app: no preload (hence no IPC), sandboxed and
 * context-isolated, and its own persistent session partition so the providers' cookies never
 * mix with the app's (signing out clears that partition). Sign-in is done when it navigates or
 * is redirected to the backend's done page; the URL is handed to the services, which parse it
 * (main/sync/auth.ts). Closing the window is cancelling. The app window's navigation rules
 * (web-contents-guard.ts) are not applied here: this window must be able to visit providers.
 */
import { writeFile } from 'node:fs/promises';
import {
  BrowserWindow,
  dialog,
  safeStorage,
  session,
  type MessageBoxOptions,
  type WebContents,
  type WebPreferences,
} from 'electron';
import type { UnsyncedExport } from '../../common/ipc-contract';
import { ServiceError } from '../services/errors';
import type { AccountService } from '../services/ipc-handlers';
import type { Logger } from '../services/logger';
import type { TokenCipher } from '../services/settings';
import type { LoginUi } from '../sync/client';

/** `persist:` keeps a provider's "stay signed in" between runs; signing out clears it. */
export const SIGN_IN_PARTITION = 'persist:todo-sync-sign-in';

export function signInWebPreferences(): WebPreferences {
  return {
    partition: SIGN_IN_PARTITION,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    devTools: false,
  };
}

/** Whether these contents are a sign-in window's (they live in its partition). */
export function isSignInContents(contents: WebContents): boolean {
  return contents.session === session.fromPartition(SIGN_IN_PARTITION);
}

function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

export interface SignInWindowOptions {
  /** The app window, so the sign-in window stays on top of it. */
  parent?: () => BrowserWindow | null;
  logger?: Pick<Logger, 'warn' | 'info'>;
}

export type SignInUi = LoginUi & { signedOut(): Promise<void> };

export function createSignInUi(options: SignInWindowOptions = {}): SignInUi {
  let open: { window: BrowserWindow; finish: (url: string | null) => void } | null = null;

  return {
    signIn({ loginUrl, isDone }) {
      // One at a time: a new request cancels the window still open.
      if (open && !open.window.isDestroyed()) open.finish(null);
      const signInSession = session.fromPartition(SIGN_IN_PARTITION);
      // Providers may ask for permissions (notifications, WebAuthn…); the app never grants them here.
      signInSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
      const parent = options.parent?.() ?? null;
      const window = new BrowserWindow({
        title: 'Sign in',
        width: 520,
        height: 700,
        show: true,
        autoHideMenuBar: true,
        ...(parent && !parent.isDestroyed() ? { parent } : {}),
        webPreferences: signInWebPreferences(),
      });
      return new Promise<string | null>((resolve) => {
        let settled = false;
        const finish = (url: string | null): void => {
          if (settled) return;
          settled = true;
          if (open?.window === window) open = null;
          resolve(url);
          if (!window.isDestroyed()) window.close();
        };
        open = { window, finish };
        const contents = window.webContents;
        const watch = (event: { url: string; preventDefault(): void }): void => {
          if (isDone(event.url)) {
            // The done page itself need not load: its URL carries the token.
            event.preventDefault();
            finish(event.url);
          } else if (!isWebUrl(event.url)) {
            event.preventDefault();
            options.logger?.warn('The sign-in window was kept from leaving the web', event.url.slice(0, 100));
          }
        };
        contents.on('will-navigate', watch);
        contents.on('will-redirect', watch);
        // Some flows end with a client-side change of the address: check where it landed too.
        contents.on('did-navigate', (_event: unknown, url: string) => {
          if (isDone(url)) finish(url);
        });
        contents.on('did-navigate-in-page', (_event: unknown, url: string) => {
          if (isDone(url)) finish(url);
        });
        contents.on('will-attach-webview', (event: { preventDefault(): void }) => event.preventDefault());
        contents.setWindowOpenHandler(() => ({ action: 'deny' }));
        window.on('closed', () => finish(null));
        window.loadURL(loginUrl).catch((error: unknown) => {
          // A redirect to the done page aborts the load on purpose; anything else is reported.
          if (!settled) options.logger?.warn('The sign-in page could not be loaded', error);
        });
      });
    },

    async signedOut() {
      const signInSession = session.fromPartition(SIGN_IN_PARTITION);
      await signInSession.clearStorageData();
      await signInSession.clearCache();
    },
  };
}

/**
 * The token's encryption: Electron's safeStorage (Keychain, DPAPI, kwallet/libsecret). Absent
 * when it is not available; 'basic_text' on Linux desktops without a keyring, where Chromium uses
 * a fixed key and Settings asks before keeping the token across runs.
 */
export function safeStorageCipher(platform: NodeJS.Platform = process.platform): TokenCipher | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  return {
    strength: backend === 'basic_text' ? 'basic_text' : 'os',
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (sealed) => safeStorage.decryptString(Buffer.from(sealed)),
  };
}

/**
 * Sign Out from the Account menu: when changes have not reached the server yet, says so and
 * offers Export (a JSON file) before signing out; Cancel changes nothing. The changes stay in the
 * account's file either way, for when the person signs in again.
 */
export async function signOutAsking(options: {
  account: AccountService;
  exportUnsynced: () => Promise<UnsyncedExport>;
  parent: BrowserWindow | null;
}): Promise<void> {
  try {
    await options.account.signOut(false);
    return;
  } catch (error) {
    if (!(error instanceof ServiceError) || error.code !== 'refused') throw error;
    const box: MessageBoxOptions = {
      type: 'warning',
      title: 'Sign out',
      message: 'Some changes have not been synced yet',
      detail: error.message,
      buttons: ['Export…', 'Sign Out', 'Cancel'],
      defaultId: 0,
      cancelId: 2,
    };
    const parent = options.parent && !options.parent.isDestroyed() ? options.parent : null;
    const { response } = parent ? await dialog.showMessageBox(parent, box) : await dialog.showMessageBox(box);
    if (response === 2) return;
    if (response === 0) {
      const exported = await options.exportUnsynced();
      const saved = await dialog.showSaveDialog({
        defaultPath: exported.suggestedFileName,
        filters: [{ name: 'JSON', extensions: ['json'] }],
      });
      if (saved.canceled || !saved.filePath) return;
      await writeFile(saved.filePath, exported.json, { mode: 0o600 });
    }
    await options.account.signOut(true);
  }
}
