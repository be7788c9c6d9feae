/**
 * Background updates through electron-updater, off unless a feed is configured.
 *
 * The feed, first match wins:
 *   1. `feedUrl` passed by the caller (a setting);
 *   2. TODO_SYNC_UPDATE_URL in the environment ("off" disables updates, even a bundled feed);
 *      a packaged app honours only "off" (see honouredEnvFeed);
 *   3. app-update.yml in the app's resources, which electron-builder writes only when the
 *      installers were built with a feed (scripts/dist.ts, TODO_SYNC_UPDATE_URL at build time).
 * Nothing configured, or not a packaged app (a dev run has no installer to update): nothing
 * happens, not even a network request.
 *
 * When on: the first check waits a minute after start (startup and the first sync go first),
 * then at most one check per day, remembered across restarts in <userData>/update-state.json.
 * An update downloads in the background and installs when the app quits. The only thing the
 * person sees is a system notification saying so, never a dialog, and it waits while they are
 * editing a todo. Failed checks (offline, feed down) are logged and retried the next day.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { app, Notification } from 'electron';
import { autoUpdater } from 'electron-updater';
import type { UpdateDownloadedEvent } from 'electron-updater';
import type { Logger } from '../services/logger';

export const UPDATE_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;
export const FIRST_CHECK_DELAY_MS = 60 * 1000;
/** How often a ready-update notice looks again while the person is editing. */
export const NOTICE_RETRY_MS = 60 * 1000;
export const UPDATE_FEED_ENV = 'TODO_SYNC_UPDATE_URL';
const UPDATE_STATE_FILE = 'update-state.json';
const BUNDLED_FEED_FILE = 'app-update.yml';

export class UpdateFeedError extends Error {
  override name = 'UpdateFeedError';
}

export type UpdateFeed =
  { kind: 'url'; url: string; source: 'setting' | 'environment' } | { kind: 'bundled'; file: string };

export type AutoUpdateDecision =
  | { enabled: true; feed: UpdateFeed }
  | { enabled: false; reason: 'not-packaged' | 'no-feed' | 'invalid-feed' | 'disabled' };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A feed must be https: updates are executables. Plain http is accepted only on loopback,
 * for trying an update server on one's own machine.
 */
export function parseFeedUrl(raw: string, origin: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UpdateFeedError(`The update feed from ${origin} is not a URL: "${raw}".`);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure) {
    throw new UpdateFeedError(
      `The update feed from ${origin} must be an https:// URL (http:// only for localhost), got "${raw}".`,
    );
  }
  return url.toString();
}

export interface FeedSources {
  settingUrl: string | null | undefined;
  envUrl: string | undefined;
  /** Path of app-update.yml if the packaged app has one, else null. */
  bundledFeedFile: string | null;
}

/** Which feed to use, null when updates stay off; throws UpdateFeedError for a malformed URL. */
export function resolveUpdateFeed(sources: FeedSources): UpdateFeed | null | 'disabled' {
  const setting = sources.settingUrl?.trim();
  if (setting) return { kind: 'url', url: parseFeedUrl(setting, 'the settings'), source: 'setting' };
  const fromEnv = sources.envUrl?.trim();
  if (fromEnv?.toLowerCase() === 'off') return 'disabled';
  if (fromEnv) return { kind: 'url', url: parseFeedUrl(fromEnv, UPDATE_FEED_ENV), source: 'environment' };
  if (sources.bundledFeedFile !== null) return { kind: 'bundled', file: sources.bundledFeedFile };
  return null;
}

/**
 * TODO_SYNC_UPDATE_URL as the app may honour it: an installed app takes only "off". Pointing its
 * updater at another feed would let whoever can set its environment choose the executables it
 * downloads and installs; switching updates off takes nothing from anyone. The feed of an
 * installed app comes from its build (app-update.yml) or the setting.
 */
export function honouredEnvFeed(raw: string | undefined, isPackaged: boolean): string | undefined {
  if (!isPackaged) return raw;
  return raw?.trim().toLowerCase() === 'off' ? raw : undefined;
}

export function decideAutoUpdate(
  isPackaged: boolean,
  feed: UpdateFeed | null | 'disabled',
): AutoUpdateDecision {
  if (feed === 'disabled') return { enabled: false, reason: 'disabled' };
  if (feed === null) return { enabled: false, reason: 'no-feed' };
  if (!isPackaged) return { enabled: false, reason: 'not-packaged' };
  return { enabled: true, feed };
}

/**
 * Milliseconds until the next check may run. A check due long ago still waits
 * FIRST_CHECK_DELAY_MS so it never competes with startup; a last check "in the future" (the
 * clock was set back) waits one interval from now rather than for the clock to catch up.
 */
export function msUntilNextCheck(lastCheckedAt: Date | null, now: Date): number {
  if (lastCheckedAt === null) return FIRST_CHECK_DELAY_MS;
  const dueIn = lastCheckedAt.getTime() + UPDATE_CHECK_INTERVAL_MS - now.getTime();
  return Math.min(Math.max(dueIn, FIRST_CHECK_DELAY_MS), UPDATE_CHECK_INTERVAL_MS);
}

/**
 * Reads the throttle state. Unreadable or foreign content counts as "never checked": the
 * worst outcome is one extra check, which is better than updates stopping for good.
 */
export function parseUpdateState(text: string): { lastCheckedAt: Date | null } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { lastCheckedAt: null };
  }
  if (typeof parsed !== 'object' || parsed === null || !('lastCheckedAt' in parsed))
    return { lastCheckedAt: null };
  const value = parsed.lastCheckedAt;
  if (typeof value !== 'string') return { lastCheckedAt: null };
  const date = new Date(value);
  return { lastCheckedAt: Number.isNaN(date.getTime()) ? null : date };
}

export function formatUpdateState(lastCheckedAt: Date): string {
  return `${JSON.stringify({ lastCheckedAt: lastCheckedAt.toISOString() })}\n`;
}

export interface AutoUpdateOptions {
  /** A feed URL from the settings; null or absent falls back to the environment, then the bundle. */
  feedUrl?: string | null;
  logger: Logger;
  /** True while the person is typing in or editing a todo: notices wait until it turns false. */
  isEditing: () => boolean;
  now?: () => Date;
  /** Shows the "update ready" notice; defaults to a system notification. */
  notifyUpdateReady?: (version: string) => void;
}

export interface AutoUpdateHandle {
  readonly decision: AutoUpdateDecision;
  /** Cancels pending checks and notices; a downloaded update still installs on quit. */
  stop(): void;
}

/** Only a packaged app has a resources folder; electron-builder puts app-update.yml there. */
function findBundledFeed(): string | null {
  const file = path.join(process.resourcesPath, BUNDLED_FEED_FILE);
  return existsSync(file) ? file : null;
}

function showSystemNotice(version: string): void {
  if (!Notification.isSupported()) return;
  new Notification({
    title: 'Update ready',
    body: `Todo Sync ${version} has been downloaded and will be installed when you quit the app.`,
    silent: true,
  }).show();
}

/**
 * Whether updates are on, and from which feed: the setting, the environment (only "off" in an
 * installed app) or the feed file bundled with the installer. A bad feed URL must not stop
 * the app: updates stay off and the log says why.
 */
function decideFromEnvironment(feedUrl: string | null | undefined, logger: Logger): AutoUpdateDecision {
  const rawEnvFeed = process.env[UPDATE_FEED_ENV];
  const envFeed = honouredEnvFeed(rawEnvFeed, app.isPackaged);
  if (rawEnvFeed?.trim() && envFeed === undefined) {
    logger.warn(`${UPDATE_FEED_ENV} is ignored in an installed app (only "off" is honoured).`);
  }
  try {
    const feed = resolveUpdateFeed({
      settingUrl: feedUrl,
      envUrl: envFeed,
      bundledFeedFile: app.isPackaged ? findBundledFeed() : null,
    });
    return decideAutoUpdate(app.isPackaged, feed);
  } catch (error) {
    if (!(error instanceof UpdateFeedError)) throw error;
    logger.warn(`Auto-update is off: ${error.message}`);
    return { enabled: false, reason: 'invalid-feed' };
  }
}

/** When updates were last checked for, kept in the user-data folder across starts. */
function lastCheckRecord(logger: Logger): { read(): Date | null; record(at: Date): void } {
  const stateFile = path.join(app.getPath('userData'), UPDATE_STATE_FILE);
  return {
    read() {
      try {
        return parseUpdateState(readFileSync(stateFile, 'utf8')).lastCheckedAt;
      } catch {
        return null;
      }
    },
    record(at) {
      try {
        mkdirSync(path.dirname(stateFile), { recursive: true });
        writeFileSync(stateFile, formatUpdateState(at));
      } catch (error) {
        logger.warn(`Could not record the update check time: ${String(error)}`);
      }
    },
  };
}

export function startAutoUpdates(options: AutoUpdateOptions): AutoUpdateHandle {
  const { logger, isEditing } = options;
  const now = options.now ?? ((): Date => new Date());
  const notifyUpdateReady = options.notifyUpdateReady ?? showSystemNotice;

  const decision = decideFromEnvironment(options.feedUrl, logger);
  if (!decision.enabled) {
    // An invalid feed was already warned about, with the reason.
    if (decision.reason !== 'invalid-feed') logger.info(`Auto-update is off (${decision.reason}).`);
    return { decision, stop: () => undefined };
  }
  const lastCheck = lastCheckRecord(logger);

  autoUpdater.logger = logger;
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  if (decision.feed.kind === 'url') autoUpdater.setFeedURL({ provider: 'generic', url: decision.feed.url });
  logger.info(
    `Auto-update is on (${decision.feed.kind === 'url' ? `${decision.feed.source}: ${decision.feed.url}` : decision.feed.file}).`,
  );

  let checkTimer: NodeJS.Timeout | null = null;
  let noticeTimer: NodeJS.Timeout | null = null;
  let stopped = false;

  const scheduleCheck = (): void => {
    if (stopped) return;
    const delay = msUntilNextCheck(lastCheck.read(), now());
    checkTimer = setTimeout(runCheck, delay);
  };

  function runCheck(): void {
    checkTimer = null;
    // Recorded before the request so a check that crashes the app cannot repeat at every start.
    lastCheck.record(now());
    autoUpdater
      .checkForUpdates()
      .then((result) => {
        // A failed download is already reported through the 'error' event below.
        result?.downloadPromise?.catch(() => undefined);
      })
      .catch((error: unknown) => logger.warn(`Update check failed: ${String(error)}`))
      .finally(scheduleCheck);
  }

  const showNoticeWhenIdle = (version: string): void => {
    noticeTimer = null;
    if (stopped) return;
    if (isEditing()) {
      noticeTimer = setTimeout(() => showNoticeWhenIdle(version), NOTICE_RETRY_MS);
      return;
    }
    notifyUpdateReady(version);
  };

  const onDownloaded = (event: UpdateDownloadedEvent): void => {
    logger.info(`Update ${event.version} downloaded; it installs when the app quits.`);
    if (noticeTimer !== null) clearTimeout(noticeTimer);
    showNoticeWhenIdle(event.version);
  };
  const onError = (error: Error): void => logger.warn(`Auto-update error: ${error.message}`);
  autoUpdater.on('update-downloaded', onDownloaded);
  autoUpdater.on('error', onError);

  scheduleCheck();

  return {
    decision,
    stop: () => {
      stopped = true;
      if (checkTimer !== null) clearTimeout(checkTimer);
      if (noticeTimer !== null) clearTimeout(noticeTimer);
      autoUpdater.off('update-downloaded', onDownloaded);
      autoUpdater.off('error', onError);
    },
  };
}
