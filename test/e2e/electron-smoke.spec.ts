/**
 * The real Electron app, launched from the build output: the window opens with the app's
 * title and the application menu has Sync Now on CmdOrCtrl+R.
 *
 * Runs only where an Electron binary is installed (node_modules/electron/path.txt with its
 * dist/ binary, or ELECTRON_OVERRIDE_DIST_PATH); elsewhere it is skipped and says why. The
 * executable path is worked out here and handed to Playwright, because letting Playwright
 * `require('electron')` would start Electron's binary download.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const ELECTRON_PACKAGE = path.join(REPO_ROOT, 'node_modules', 'electron');

/** The Electron executable, or why there is none; mirrors node_modules/electron/index.js without downloading. */
function findElectron(): { executable: string; sqliteBinding: string } | { skip: string } {
  const found = findElectronExecutable();
  if ('skip' in found) return found;
  const sqliteBinding = electronSqliteBuild();
  return existsSync(sqliteBinding)
    ? { executable: found.executable, sqliteBinding }
    : { skip: `better-sqlite3 has no Electron build yet (${sqliteBinding}); run npm start once to make it` };
}

/** Where scripts/rebuild-native.ts caches the Electron build of better-sqlite3. */
function electronSqliteBuild(): string {
  const version = (file: string): string =>
    (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  const sqliteVersion = version(path.join(REPO_ROOT, 'node_modules', 'better-sqlite3', 'package.json'));
  const electronVersion = version(path.join(ELECTRON_PACKAGE, 'package.json'));
  return path.join(
    REPO_ROOT,
    'node_modules',
    '.cache',
    'todo-sync-native',
    `better-sqlite3@${sqliteVersion}`,
    `electron-${electronVersion}-${process.platform}-${process.arch}`,
    'better_sqlite3.node',
  );
}

function findElectronExecutable(): { executable: string } | { skip: string } {
  const pathFile = path.join(ELECTRON_PACKAGE, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const executable = path.join(override, relative ?? 'electron');
    return existsSync(executable)
      ? { executable }
      : { skip: `ELECTRON_OVERRIDE_DIST_PATH is set but ${executable} does not exist` };
  }
  if (!relative) {
    return {
      skip:
        'no Electron binary here: node_modules/electron/path.txt is missing (install skipped or offline) ' +
        'and ELECTRON_OVERRIDE_DIST_PATH is not set',
    };
  }
  const executable = path.join(ELECTRON_PACKAGE, 'dist', relative);
  return existsSync(executable) ? { executable } : { skip: `the Electron binary ${executable} is missing` };
}

const found = findElectron();
const skipReason = 'skip' in found ? found.skip : null;
if (skipReason) console.log(`[electron-smoke] skipped: ${skipReason}`);

test.describe('the Electron app', () => {
  test.skip(skipReason !== null, `Electron smoke test skipped: ${skipReason ?? ''}`);

  let userDataDir: string;
  test.beforeAll(() => {
    userDataDir = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-smoke-'));
  });
  test.afterAll(() => rmSync(userDataDir, { recursive: true, force: true }));

  test('opens its window with the app title and has Sync Now in the menu', async () => {
    if (!('executable' in found)) throw new Error('unreachable: skipped above');
    const mainEntry = path.join(REPO_ROOT, 'out', 'main', 'index.js');
    expect(existsSync(mainEntry), `${mainEntry} is missing: run npm run build first`).toBe(true);

    const app = await electron.launch({
      executablePath: found.executable,
      args: [REPO_ROOT],
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        TODO_SYNC_USER_DATA_DIR: userDataDir,
        TODO_SYNC_UPDATE_URL: 'off',
        // This test runner holds the Node build of better-sqlite3 (the harness specs use it), so
        // the app loads the Electron build that scripts/rebuild-native.ts keeps in its cache.
        TODO_SYNC_SQLITE_BINDING: found.sqliteBinding,
      } as Record<string, string>,
      timeout: 60_000,
    });
    try {
      const window = await app.firstWindow();
      await expect.poll(() => window.title()).toBe('Todo Sync');
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle())).toBe(
        'Todo Sync',
      );

      const syncNow = await app.evaluate(({ Menu }) => {
        const item = Menu.getApplicationMenu()?.getMenuItemById('sync-now');
        return item ? { label: item.label, accelerator: item.accelerator ?? null } : null;
      });
      expect(syncNow).toEqual({ label: 'Sync Now', accelerator: 'CmdOrCtrl+R' });
    } finally {
      await app.close();
    }
  });
});
