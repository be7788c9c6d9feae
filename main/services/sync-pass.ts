/**
 * One sync pass over the current account's engine. Watermarks say how far we read one
 * server's history, so before a pass against another server than last time they are dropped
 * and that server's history is read from the start.
 */
import type { SyncResult } from '../../common/sync-types';
import type { LocalStore } from '../store';
import { errorInfo, runSyncPass, type SyncContext } from '../sync';
import { SYNCED_TABLES } from './app-store';
import type { Logger } from './logger';
import { failedResult, type SyncKind } from './scheduler';
import type { SettingsService } from './settings';

/** Which backend the local watermarks belong to; a different one means pulling from scratch. */
const WATERMARK_BACKEND_KEY = 'sync.watermarksBackend';

export interface SyncPassOptions {
  settings: SettingsService;
  /** Read at each pass: the engine changes when another account signs in. */
  engine(): { readonly store: LocalStore; readonly syncContext: SyncContext };
  logger: Logger;
}

export function createSyncPass({ settings, engine, logger }: SyncPassOptions) {
  function forgetWatermarksOfOtherBackend(store: LocalStore): void {
    const identity =
      settings.backendUrlSource() === 'run-default' ? 'run-default' : settings.get().backendUrl;
    if (identity === null) return;
    const previous = store.keyValues.get(WATERMARK_BACKEND_KEY);
    if (previous === identity) return;
    store.transaction(() => {
      if (previous !== undefined) for (const table of SYNCED_TABLES) store.watermarks.clearTable(table.name);
      store.keyValues.set(WATERMARK_BACKEND_KEY, identity);
    });
  }

  return async function syncPass(kind: SyncKind): Promise<SyncResult> {
    try {
      forgetWatermarksOfOtherBackend(engine().store);
    } catch (error) {
      return failedResult(errorInfo(error).code, errorInfo(error).message, Date.now());
    }
    return runSyncPass(engine().syncContext, { tables: SYNCED_TABLES, pull: kind === 'full', log: logger });
  };
}
