/**
 * Starting and stopping the services. Starting brings up the embedded development backend when
 * no backend is configured (or says the app works local-only), then background syncing.
 * Closing may come at any point of that, even while the backend is still starting; it runs
 * once, however often it is asked for.
 */
import { LOCAL_ONLY_MESSAGE, type BackendKeys, type EmbeddedBackend } from './backend-process';
import { messageOf } from './errors';
import type { Logger } from './logger';
import type { SyncScheduler } from './scheduler';
import type { SettingsService } from './settings';

export interface LifecycleOptions {
  settings: SettingsService;
  backendKeys: BackendKeys;
  scheduler: Pick<SyncScheduler, 'start'>;
  /** Sentences for the person; a backend that failed to start, or stopped, adds one. */
  notices: string[];
  publishStatus(): void;
  startEmbeddedBackend?: () => Promise<EmbeddedBackend>;
  /** The first step of closing: no more sync passes or events. */
  quiesce(): Promise<void>;
  /** The last step of closing, once the embedded backend stopped (or failed to). */
  closeStores(): Promise<void>;
  logger: Logger;
}

export interface Lifecycle {
  start(): Promise<void>;
  /** Idempotent: every call gets the same closing. */
  close(): Promise<void>;
  isClosing(): boolean;
}

export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const { settings, logger, notices } = options;
  let embedded: EmbeddedBackend | null = null;
  let started = false;
  let closing: Promise<void> | undefined;

  async function startEmbeddedBackend(start: () => Promise<EmbeddedBackend>): Promise<void> {
    try {
      embedded = await start();
      // The app may have been told to quit while the backend was starting.
      if (closing) {
        await embedded.stop();
        return;
      }
      options.backendKeys.set(embedded.url, embedded.key);
      settings.setRunDefaultBackendUrl(embedded.url);
      embedded.onUnexpectedExit((description) => {
        notices.push(description);
        options.publishStatus();
      });
    } catch (error) {
      const message = `${messageOf(error)} ${LOCAL_ONLY_MESSAGE}`;
      logger.error(message);
      notices.push(message);
    }
  }

  return {
    async start() {
      if (started || closing) return;
      started = true;
      if (settings.get().backendUrl === null) {
        if (options.startEmbeddedBackend) {
          await startEmbeddedBackend(options.startEmbeddedBackend);
        } else {
          logger.info(LOCAL_ONLY_MESSAGE);
          notices.push(LOCAL_ONLY_MESSAGE);
        }
      }
      if (closing) return;
      logger.info(`Syncing with ${settings.get().backendUrl ?? 'no backend (local only)'}`);
      options.scheduler.start();
      options.publishStatus();
    },
    close() {
      closing ??= (async () => {
        await options.quiesce();
        try {
          await embedded?.stop();
        } finally {
          await options.closeStores();
        }
      })();
      return closing;
    },
    isClosing: () => closing !== undefined,
  };
}
