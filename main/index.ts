/**
 * The Electron entry point (package.json "main" → out/main/index.js): composes the services
 * (main/services/app-services.ts, no Electron) with the shell (main/shell/app.ts, which owns
 * windows, the menu, IPC and quitting).
 */
import path from 'node:path';
import { BrowserWindow } from 'electron';
import { createAppServices, type AppServices } from './services/app-services';
import { LOCAL_ONLY_MESSAGE, startEmbeddedBackend } from './services/backend-process';
import { honouredEnvironment } from './services/developer-switches';
import { runApp } from './shell/app';
import { startAutoUpdates } from './shell/auto-update';
import { startDesktopShell, type DesktopShell } from './shell/desktop';

let appServices: AppServices | undefined;
let desktop: DesktopShell | undefined;

runApp({
  // out/main/index.js sits next to out/preload and out/renderer.
  outDir: path.resolve(__dirname, '..'),
  // The status line already says "local only"; a dialog at every start would only nag.
  quietNotices: [LOCAL_ONLY_MESSAGE],

  createServices: async ({
    userDataDir,
    appPath,
    isPackaged,
    logger,
    isOnline,
    env: launchEnv,
    tokenCipher,
    loginUi,
  }) => {
    // An installed app ignores the development switches (another SQLite driver, another backend).
    const env = honouredEnvironment(launchEnv, { packaged: isPackaged, logger });
    const services = (appServices = await createAppServices({
      userDataPath: userDataDir,
      env,
      logger,
      isOnline,
      tokenCipher,
      loginUi,
      // A development run with no backend configured starts the real server from scripts/;
      // a packaged app has no such script and works local-only.
      ...(isPackaged
        ? {}
        : {
            startEmbeddedBackend: () =>
              startEmbeddedBackend({
                projectRoot: appPath,
                dataDir: path.join(userDataDir, 'backend'),
                env,
                logger,
              }),
          }),
    }));

    // The token is masked by value in everything logged from here on, wherever it appears.
    const { settings } = services.parts;
    logger.rememberSecret(settings.get().authToken);
    settings.onChange(({ current }) => logger.rememberSecret(current.authToken));
    return services;
  },

  keepInTray: () => desktop?.keepInTray() ?? false,

  afterStart: ({ logger, appPath }, _services, window) => {
    // An "update ready" notice waits while the person is working in the window.
    const updates = startAutoUpdates({ logger, isEditing: () => BrowserWindow.getFocusedWindow() !== null });
    // Reminders, quick add's shortcut and the tray (main/shell/desktop.ts).
    desktop = appServices
      ? startDesktopShell({
          services: appServices,
          revealWindow: window.revealWindow,
          iconPath: path.join(appPath, 'build', 'icons', '32x32.png'),
          platform: process.platform,
          logger,
        })
      : undefined;
    return () => {
      desktop?.stop();
      updates.stop();
    };
  },
});
