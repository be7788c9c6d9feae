/**
 * Our app as the benchmark drives it: the same composition root the shell builds
 * (createAppServices: store file, engine, handlers), with requests entering through the real IPC
 * dispatcher from the app's own main frame, as they do from the window. Background syncing is
 * never started, so nothing runs that the benchmark did not ask for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IpcChannel, IpcResult, ReplyOf, RequestInputOf } from '../../common/ipc-contract';
import { createIpcDispatcher, type IpcDispatch } from '../../main/ipc/dispatch';
import { APP_ENTRY_URL, isAppMainFrame } from '../../main/ipc/trusted-sender';
import { createAppServices, DATABASE_FILE_NAME, type AppServices } from '../../main/services/app-services';
import { silentLogger } from '../../main/services/logger';
import { backendKeyFor } from '../../test/support/backend';

export interface BenchApp {
  services: AppServices;
  databasePath: string;
  /** One IPC request, as the window sends it; throws when the reply is an error. */
  request<C extends IpcChannel>(channel: C, payload: RequestInputOf<C>): Promise<ReplyOf<C>>;
  close(): Promise<void>;
}

const APP_WINDOW = { url: APP_ENTRY_URL, isMainFrame: true };

export async function openBenchApp(backendUrl: string, parentFolder: string): Promise<BenchApp> {
  const userDataPath = mkdtempSync(path.join(parentFolder, 'app-'));
  // The benchmark's backend (or the delay line in front of it) needs its key, as in the app.
  const backendKey = backendKeyFor(backendUrl);
  const services = await createAppServices({ userDataPath, backendUrl, backendKey, logger: silentLogger });
  // In the app the store's worker boots as the account opens, well before the first sync (which
  // follows the window's load): the scenarios start once it is up, as a sync in the app does,
  // rather than timing its boot (60–110 ms) under their first page.
  await services.parts.store.expectPulls();
  const dispatch: IpcDispatch = createIpcDispatcher({
    handlers: services.handlers,
    isTrustedSender: isAppMainFrame,
    logger: silentLogger,
  });
  return {
    services,
    databasePath: path.join(userDataPath, DATABASE_FILE_NAME),
    async request(channel, payload) {
      const result = (await dispatch(APP_WINDOW, channel, payload)) as IpcResult<ReplyOf<typeof channel>>;
      if (!result.ok) throw new Error(`${channel} failed (${result.error.code}): ${result.error.message}`);
      return result.value;
    },
    async close() {
      await services.close();
      rmSync(userDataPath, { recursive: true, force: true });
    },
  };
}

export function benchFolder(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'todo-sync-bench-'));
}
