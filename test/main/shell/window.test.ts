import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, resetElectronMock, screen } from '../../mocks/electron';
import { createMainWindow, revealWindow, secureWebPreferences } from '../../../main/shell/window';
import { WINDOW_STATE_FILE } from '../../../main/shell/window-state';

vi.mock('electron', () => import('../../mocks/electron'));

const silent = { warn: vi.fn(), error: vi.fn() };
let userDataDir: string;

function openWindow() {
  createMainWindow({
    title: 'Todo Sync',
    preloadPath: '/app/out/preload/index.js',
    entryUrl: 'app://todo-sync/index.html',
    userDataDir,
    logger: silent,
  });
  const window = BrowserWindow.instances.at(-1);
  if (!window) throw new Error('no window was created');
  return window;
}

beforeEach(() => {
  resetElectronMock();
  userDataDir = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-window-'));
});
afterEach(() => rmSync(userDataDir, { recursive: true, force: true }));

describe('the main window', () => {
  // Each flag on its own line: flipping any single one of them fails exactly that case.
  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['experimentalFeatures', false],
    ['webviewTag', false],
    ['navigateOnDragDrop', false],
  ] as const)('is created with %s = %s', (flag, expected) => {
    const window = openWindow();
    expect(window.options.webPreferences?.[flag]).toBe(expected);
    expect(secureWebPreferences('/x.js')[flag]).toBe(expected);
  });

  it('does not set enableBlinkFeatures (no experimental Blink features beside the reviewed ones)', () => {
    const window = openWindow();
    expect(window.options.webPreferences).not.toHaveProperty('enableBlinkFeatures');
    expect(secureWebPreferences('/x.js')).not.toHaveProperty('enableBlinkFeatures');
    expect(secureWebPreferences('/x.js', { devTools: true })).not.toHaveProperty('enableBlinkFeatures');
  });

  it('keeps DevTools closed unless the caller allows them (a development run)', () => {
    expect(openWindow().options.webPreferences?.devTools).toBe(false);
    expect(secureWebPreferences('/x.js').devTools).toBe(false);
    createMainWindow({
      title: 'Todo Sync',
      preloadPath: '/app/out/preload/index.js',
      entryUrl: 'app://todo-sync/index.html',
      userDataDir,
      logger: silent,
      devTools: true,
    });
    expect(BrowserWindow.instances.at(-1)?.options.webPreferences?.devTools).toBe(true);
  });

  it('loads the preload from the build output and nothing else through webPreferences', () => {
    const window = openWindow();
    expect(window.options.webPreferences?.preload).toBe('/app/out/preload/index.js');
    expect(window.options.webPreferences).not.toHaveProperty('additionalArguments');
    expect(window.options.webPreferences).not.toHaveProperty('partition');
  });

  it('loads the app page, and shows itself only when the first paint is ready', () => {
    const window = openWindow();
    expect(window.loadURL).toHaveBeenCalledWith('app://todo-sync/index.html');
    expect(window.options.show).toBe(false);
    expect(window.options.title).toBe('Todo Sync');
    expect(window.show).not.toHaveBeenCalled();
    window.fireReadyToShow();
    expect(window.show).toHaveBeenCalledTimes(1);
  });

  it('remembers its bounds on close and reopens there', () => {
    const first = openWindow();
    first.setBounds({ x: 120, y: 80, width: 900, height: 650 });
    first.close();

    const second = openWindow();
    expect(second.options).toMatchObject({ x: 120, y: 80, width: 900, height: 650 });
  });

  it('reopens maximized when it was closed maximized', () => {
    const first = openWindow();
    first.maximize();
    first.close();
    const second = openWindow();
    second.fireReadyToShow();
    expect(second.maximize).toHaveBeenCalled();
  });

  it('ignores a saved position on a screen that is gone', () => {
    writeFileSync(
      path.join(userDataDir, WINDOW_STATE_FILE),
      JSON.stringify({ x: 3000, y: 200, width: 900, height: 600, maximized: false }),
    );
    screen.displays = [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }];
    const window = openWindow();
    expect(window.options.x).toBeUndefined();
    expect(window.options.width).toBe(900);
  });

  it('is brought back from the taskbar by revealWindow', () => {
    const window = openWindow();
    window.minimized = true;
    revealWindow(window as never);
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
  });
});
