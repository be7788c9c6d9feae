import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Only what auto-update touches: app.isPackaged, app.getPath and Notification. (Self-contained
// rather than test/mocks/electron.ts, which has no Notification.)
const electronFake = vi.hoisted(() => {
  const app = {
    isPackaged: true,
    paths: { userData: '/nonexistent' } as Record<string, string>,
    getPath: vi.fn((name: string): string => app.paths[name] ?? `/nonexistent/${name}`),
  };
  class Notification {
    static shown: { title?: string; body?: string }[] = [];
    static isSupported = vi.fn(() => true);
    constructor(private readonly options: { title?: string; body?: string }) {}
    show(): void {
      Notification.shown.push(this.options);
    }
  }
  return { app, Notification };
});
vi.mock('electron', () => electronFake);

vi.mock('electron-updater', async () => {
  const { vi: vitest } = await import('vitest');
  const { EventEmitter: Emitter } = await import('node:events');
  const autoUpdater = Object.assign(new Emitter(), {
    logger: null as unknown,
    autoDownload: false,
    autoInstallOnAppQuit: false,
    setFeedURL: vitest.fn(),
    checkForUpdates: vitest.fn(async (): Promise<null> => null),
  });
  return { autoUpdater };
});

import { autoUpdater } from 'electron-updater';
import {
  decideAutoUpdate,
  FIRST_CHECK_DELAY_MS,
  honouredEnvFeed,
  formatUpdateState,
  msUntilNextCheck,
  NOTICE_RETRY_MS,
  parseFeedUrl,
  parseUpdateState,
  resolveUpdateFeed,
  startAutoUpdates,
  UPDATE_CHECK_INTERVAL_MS,
  UpdateFeedError,
  type AutoUpdateHandle,
} from '../../main/shell/auto-update';
import type { Logger } from '../../main/services/logger';

const HOUR = 60 * 60 * 1000;
const FEED = 'https://updates.example.com/todo-sync/';

const { app, Notification: FakeNotification } = electronFake;
const updater = autoUpdater as unknown as EventEmitter & {
  logger: unknown;
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL: ReturnType<typeof vi.fn>;
  checkForUpdates: ReturnType<typeof vi.fn>;
};

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

describe('parseFeedUrl', () => {
  it('accepts https anywhere and http only on loopback', () => {
    expect(parseFeedUrl('https://updates.example.com/app', 'test')).toBe('https://updates.example.com/app');
    expect(parseFeedUrl('http://127.0.0.1:8080/feed', 'test')).toBe('http://127.0.0.1:8080/feed');
    expect(parseFeedUrl('http://localhost/feed', 'test')).toBe('http://localhost/feed');
  });

  it('rejects plain http to another host, other schemes and non-URLs with a typed error', () => {
    expect(() => parseFeedUrl('http://updates.example.com/app', 'test')).toThrow(UpdateFeedError);
    expect(() => parseFeedUrl('ftp://updates.example.com/app', 'test')).toThrow(/https:\/\//);
    expect(() => parseFeedUrl('not a url', 'the settings')).toThrow(/from the settings is not a URL/);
  });
});

describe('resolveUpdateFeed', () => {
  const bundled = '/resources/app-update.yml';

  it('prefers the setting, then the environment, then the bundled app-update.yml', () => {
    expect(
      resolveUpdateFeed({ settingUrl: FEED, envUrl: 'https://env.example.com/', bundledFeedFile: bundled }),
    ).toEqual({ kind: 'url', url: FEED, source: 'setting' });
    expect(
      resolveUpdateFeed({ settingUrl: null, envUrl: 'https://env.example.com/', bundledFeedFile: bundled }),
    ).toEqual({ kind: 'url', url: 'https://env.example.com/', source: 'environment' });
    expect(resolveUpdateFeed({ settingUrl: '  ', envUrl: '', bundledFeedFile: bundled })).toEqual({
      kind: 'bundled',
      file: bundled,
    });
  });

  it('is off when nothing is configured, and "off" in the environment beats a bundled feed', () => {
    expect(resolveUpdateFeed({ settingUrl: undefined, envUrl: undefined, bundledFeedFile: null })).toBeNull();
    expect(resolveUpdateFeed({ settingUrl: null, envUrl: 'OFF', bundledFeedFile: bundled })).toBe('disabled');
  });

  it('throws for a malformed configured URL instead of silently falling back', () => {
    expect(() =>
      resolveUpdateFeed({
        settingUrl: 'http://evil.example.com',
        envUrl: undefined,
        bundledFeedFile: bundled,
      }),
    ).toThrow(UpdateFeedError);
  });
});

describe('decideAutoUpdate', () => {
  const feed = { kind: 'url', url: FEED, source: 'setting' } as const;

  it('needs both a packaged app and a feed', () => {
    expect(decideAutoUpdate(true, feed)).toEqual({ enabled: true, feed });
    expect(decideAutoUpdate(false, feed)).toEqual({ enabled: false, reason: 'not-packaged' });
    expect(decideAutoUpdate(true, null)).toEqual({ enabled: false, reason: 'no-feed' });
    expect(decideAutoUpdate(true, 'disabled')).toEqual({ enabled: false, reason: 'disabled' });
  });
});

describe('msUntilNextCheck', () => {
  const now = new Date('2026-11-29T12:00:00.000Z');
  const ago = (ms: number): Date => new Date(now.getTime() - ms);

  it('waits the start-up delay when there was never a check or the last one is a day old or more', () => {
    expect(msUntilNextCheck(null, now)).toBe(FIRST_CHECK_DELAY_MS);
    expect(msUntilNextCheck(ago(UPDATE_CHECK_INTERVAL_MS), now)).toBe(FIRST_CHECK_DELAY_MS);
    expect(msUntilNextCheck(ago(30 * 24 * HOUR), now)).toBe(FIRST_CHECK_DELAY_MS);
  });

  it('waits out the rest of the day after a recent check', () => {
    expect(msUntilNextCheck(ago(2 * HOUR), now)).toBe(22 * HOUR);
    expect(msUntilNextCheck(now, now)).toBe(UPDATE_CHECK_INTERVAL_MS);
  });

  it('waits at most one day when the last check lies in the future (clock set back)', () => {
    expect(msUntilNextCheck(new Date(now.getTime() + 7 * 24 * HOUR), now)).toBe(UPDATE_CHECK_INTERVAL_MS);
  });
});

describe('parseUpdateState', () => {
  it('round-trips the last check time', () => {
    const at = new Date('2026-11-28T08:30:00.000Z');
    expect(parseUpdateState(formatUpdateState(at)).lastCheckedAt?.toISOString()).toBe(at.toISOString());
  });

  it('treats unreadable or foreign content as "never checked"', () => {
    for (const text of [
      '',
      '{',
      'null',
      '[]',
      '{"lastCheckedAt":42}',
      '{"lastCheckedAt":"yesterday"}',
      '{}',
    ]) {
      expect(parseUpdateState(text).lastCheckedAt).toBeNull();
    }
  });
});

describe('startAutoUpdates', () => {
  let userData: string;
  let resources: string;
  let originalResourcesPath: PropertyDescriptor | undefined;
  let handle: AutoUpdateHandle | null;
  let editing: boolean;
  let notices: string[];
  let logger: ReturnType<typeof recordingLogger>;

  const start = (feedUrl?: string | null): AutoUpdateHandle => {
    handle = startAutoUpdates({
      feedUrl,
      logger,
      isEditing: () => editing,
      notifyUpdateReady: (version) => notices.push(version),
    });
    return handle;
  };
  const stateFile = (): string => path.join(userData, 'update-state.json');

  beforeEach(() => {
    vi.clearAllMocks();
    updater.removeAllListeners();
    updater.checkForUpdates.mockReset();
    updater.checkForUpdates.mockResolvedValue(null);
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = false;
    updater.logger = null;
    FakeNotification.shown = [];
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-29T12:00:00.000Z'));
    userData = mkdtempSync(path.join(tmpdir(), 'todo-sync-update-'));
    app.paths.userData = userData;
    // Electron sets process.resourcesPath in a packaged app; here it is an empty resources folder.
    resources = mkdtempSync(path.join(tmpdir(), 'todo-sync-resources-'));
    originalResourcesPath = Object.getOwnPropertyDescriptor(process, 'resourcesPath');
    Object.defineProperty(process, 'resourcesPath', { value: resources, configurable: true });
    app.isPackaged = true;
    editing = false;
    notices = [];
    logger = recordingLogger();
    handle = null;
    vi.stubEnv('TODO_SYNC_UPDATE_URL', '');
  });

  afterEach(() => {
    handle?.stop();
    vi.useRealTimers();
    vi.unstubAllEnvs();
    if (originalResourcesPath) Object.defineProperty(process, 'resourcesPath', originalResourcesPath);
    else Reflect.deleteProperty(process, 'resourcesPath');
    rmSync(userData, { recursive: true, force: true });
    rmSync(resources, { recursive: true, force: true });
  });

  it('does nothing at all without a feed', async () => {
    expect(start().decision).toEqual({ enabled: false, reason: 'no-feed' });
    await vi.advanceTimersByTimeAsync(3 * UPDATE_CHECK_INTERVAL_MS);
    expect(updater.setFeedURL).not.toHaveBeenCalled();
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    expect(updater.listenerCount('update-downloaded')).toBe(0);
  });

  it('does nothing in an unpackaged (development) run even with a feed', async () => {
    app.isPackaged = false;
    vi.stubEnv('TODO_SYNC_UPDATE_URL', FEED);
    expect(start().decision).toEqual({ enabled: false, reason: 'not-packaged' });
    await vi.advanceTimersByTimeAsync(3 * UPDATE_CHECK_INTERVAL_MS);
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
  });

  it('keeps updates off and says why when the configured URL is malformed', async () => {
    expect(start('http://updates.example.com/plain-http').decision).toEqual({
      enabled: false,
      reason: 'invalid-feed',
    });
    expect(
      logger.lines.some((line) => line.startsWith('warn Auto-update is off') && line.includes('https://')),
    ).toBe(true);
    await vi.advanceTimersByTimeAsync(2 * UPDATE_CHECK_INTERVAL_MS);
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
  });

  it('an installed app ignores a feed from the environment (it would choose what gets installed) and says so', async () => {
    vi.stubEnv('TODO_SYNC_UPDATE_URL', 'https://attacker.example/feed/');
    expect(start().decision).toEqual({ enabled: false, reason: 'no-feed' });
    writeFileSync(path.join(resources, 'app-update.yml'), `provider: generic\nurl: ${FEED}\n`);
    handle?.stop();
    expect(start().decision).toMatchObject({ enabled: true, feed: { kind: 'bundled' } });
    expect(updater.setFeedURL).not.toHaveBeenCalled();
    expect(logger.lines.some((line) => line.startsWith('warn TODO_SYNC_UPDATE_URL is ignored'))).toBe(true);
  });

  it('honouredEnvFeed: a development run takes the variable as is, an installed app only "off"', () => {
    expect(honouredEnvFeed(FEED, false)).toBe(FEED);
    expect(honouredEnvFeed(FEED, true)).toBeUndefined();
    expect(honouredEnvFeed(' OFF ', true)).toBe(' OFF ');
    expect(honouredEnvFeed(undefined, true)).toBeUndefined();
  });

  it('with a feed from the settings: generic provider, background download, install on quit', () => {
    expect(start(FEED).decision).toMatchObject({ enabled: true, feed: { kind: 'url', source: 'setting' } });
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: FEED });
    expect(updater.autoDownload).toBe(true);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(updater.logger).toBe(logger);
  });

  it('a feed passed in (the setting) wins over the environment', () => {
    vi.stubEnv('TODO_SYNC_UPDATE_URL', 'https://env.example.com/');
    start(FEED);
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: FEED });
  });

  it('uses the app-update.yml that a feed-enabled build bundles, without overriding it', () => {
    writeFileSync(path.join(resources, 'app-update.yml'), `provider: generic\nurl: ${FEED}\n`);
    expect(start().decision).toMatchObject({ enabled: true, feed: { kind: 'bundled' } });
    expect(updater.setFeedURL).not.toHaveBeenCalled();
  });

  it('"off" in the environment turns off even a bundled feed', () => {
    writeFileSync(path.join(resources, 'app-update.yml'), `provider: generic\nurl: ${FEED}\n`);
    vi.stubEnv('TODO_SYNC_UPDATE_URL', 'off');
    expect(start().decision).toEqual({ enabled: false, reason: 'disabled' });
  });

  it('checks a minute after start, then once a day, and remembers the check time', async () => {
    start(FEED);
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS - 1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(parseUpdateState(readFileSync(stateFile(), 'utf8')).lastCheckedAt?.toISOString()).toBe(
      new Date(Date.now()).toISOString(),
    );

    await vi.advanceTimersByTimeAsync(UPDATE_CHECK_INTERVAL_MS - 1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
  });

  it('a restart within the day does not check again before the day is over', async () => {
    writeFileSync(stateFile(), formatUpdateState(new Date(Date.now() - 3 * HOUR)));
    start(FEED);
    await vi.advanceTimersByTimeAsync(21 * HOUR - 1);
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
  });

  it('a failed check (offline) is logged and retried the next day, not sooner', async () => {
    updater.checkForUpdates.mockRejectedValue(new Error('net::ERR_INTERNET_DISCONNECTED'));
    start(FEED);
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(
      logger.lines.some((line) => line.includes('Update check failed') && line.includes('DISCONNECTED')),
    ).toBe(true);
    await vi.advanceTimersByTimeAsync(UPDATE_CHECK_INTERVAL_MS - 1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
  });

  it('holds the "update ready" notice while the person is editing and shows it once they stop', async () => {
    start(FEED);
    editing = true;
    updater.emit('update-downloaded', { version: '0.2.0', downloadedFile: '/tmp/x' });
    await vi.advanceTimersByTimeAsync(5 * NOTICE_RETRY_MS);
    expect(notices).toEqual([]);
    editing = false;
    await vi.advanceTimersByTimeAsync(NOTICE_RETRY_MS);
    expect(notices).toEqual(['0.2.0']);
    await vi.advanceTimersByTimeAsync(10 * NOTICE_RETRY_MS);
    expect(notices).toEqual(['0.2.0']);
  });

  it('shows the notice at once when nobody is editing, as a system notification by default', () => {
    handle = startAutoUpdates({ feedUrl: FEED, logger, isEditing: () => false });
    updater.emit('update-downloaded', { version: '0.3.0', downloadedFile: '/tmp/x' });
    expect(FakeNotification.shown).toHaveLength(1);
    expect(FakeNotification.shown[0]?.body).toMatch(/0\.3\.0.*installed when you quit/);
  });

  it('stop() cancels future checks and notices', async () => {
    start(FEED).stop();
    updater.emit('update-downloaded', { version: '0.2.0', downloadedFile: '/tmp/x' });
    await vi.advanceTimersByTimeAsync(2 * UPDATE_CHECK_INTERVAL_MS);
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    expect(notices).toEqual([]);
    expect(updater.listenerCount('error')).toBe(0);
  });
});
