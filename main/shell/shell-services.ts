/**
 * What the shell and the services layer hand each other: the services the shell drives, and
 * the context the shell gives for building them (its folders, its log, and the OS pieces the
 * services need but may not reach themselves).
 */
import type { AccountView, DataChanged, IpcHandlers } from '../../common/ipc-contract';
import type { SyncStatus } from '../../common/sync-types';
import type { AccountService } from '../services/ipc-handlers';
import type { TokenCipher } from '../services/settings';
import type { AppLog } from './logging';
import type { MenuSyncService } from './menu';
import type { SignInUi } from './sign-in-window';

/**
 * What the shell needs from the services layer; main/services/app-services.ts's AppServices
 * has this shape.
 */
export interface ShellServices {
  /** One handler per contract channel; the shell puts the dispatcher's checks in front. */
  readonly handlers: IpcHandlers;
  /** Driven by the menu: Sync Now and Work Offline. */
  readonly syncService: MenuSyncService;
  /** Sentences for the person at start (a recovered database, a backend that failed to start...). */
  readonly notices: readonly string[];
  onStatusChanged(listener: (status: SyncStatus) => void): () => void;
  onDataChanged(listener: (change: DataChanged) => void): () => void;
  notifyResume(): void;
  notifyOnline(online: boolean): void;
  /** Starts background syncing (and the embedded backend when one is needed); after the window is up. */
  start(): Promise<void>;
  /** Stops the scheduler and the embedded backend and closes the store. */
  close(): Promise<void>;
  /** Signing in and out, for the Account menu (absent: no Account menu). */
  readonly account?: AccountService;
  onAccountChanged?(listener: (account: AccountView) => void): () => void;
}

export interface ShellServicesContext {
  /** Electron's userData folder: the database, settings, logs and window state live here. */
  userDataDir: string;
  /** The app's root: the project folder in development (package.json, scripts/), app.asar when packaged. */
  appPath: string;
  isPackaged: boolean;
  logger: AppLog;
  /** The OS's view of the network (net.isOnline). */
  isOnline(): boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** safeStorage's encrypt/decrypt pair for the sign-in token (absent where unavailable). */
  tokenCipher?: TokenCipher;
  /** The sign-in window (main/shell/sign-in-window.ts). */
  loginUi: SignInUi;
}

export type CreateShellServices = (context: ShellServicesContext) => Promise<ShellServices>;
