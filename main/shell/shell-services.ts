/**
 * What the shell and the services layer hand each other. The services are the app's own
 * (AppServices, main/services/app-services.ts); the shell drives only the part named here, so
 * it can be tested with a fake that has nothing else. To build them, the shell gives a context:
 * its folders, its log and the OS pieces the services need but may not reach themselves.
 */
import type { AppServices } from '../services/app-services';
import type { TokenCipher } from '../services/settings';
import type { AppLog } from './logging';
import type { SignInUi } from './sign-in-window';

/** The part of AppServices the shell drives; without `account`, there is no Account menu. */
export type ShellServices = Pick<
  AppServices,
  | 'handlers'
  | 'syncService'
  | 'notices'
  | 'onStatusChanged'
  | 'onDataChanged'
  | 'notifyResume'
  | 'notifyOnline'
  | 'start'
  | 'close'
> &
  Partial<Pick<AppServices, 'account' | 'onAccountChanged'>>;

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
