/**
 * Where the app keeps its data: the open account's todos and the settings in todo-sync.db, a
 * signed-in account's todos in a file of its own (account-files.ts), each opened with the
 * tables this app syncs. A file that cannot be opened stops the start with a sentence for the
 * person.
 */
import path from 'node:path';
import { todoTable } from '../../common/todo-table';
import { openStore, StoreError, type LocalStore } from '../store';
import {
  accountDatabasePath,
  OPEN_ACCOUNT,
  prepareDatabaseFile,
  preparePrivateFolder,
  restrictDatabaseFiles,
  type AccountKey,
} from './account-files';
import { messageOf } from './errors';
import type { Logger } from './logger';

export const DATABASE_FILE_NAME = 'todo-sync.db';
/** The tables this app syncs, in the order they are pulled. */
export const SYNCED_TABLES = [todoTable] as const;

/** The app cannot start: the message is for the person (shown in a dialog by the shell). */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** `nativeBinding` (TODO_SYNC_SQLITE_BINDING) is for development runs; see OpenStoreOptions. */
export function openAppStore(
  userDataPath: string,
  logger: Logger,
  nativeBinding: string | undefined,
  account: AccountKey = OPEN_ACCOUNT,
): LocalStore {
  const file =
    account.kind === 'open'
      ? path.join(userDataPath, DATABASE_FILE_NAME)
      : accountDatabasePath(userDataPath, account);
  try {
    preparePrivateFolder(userDataPath);
    prepareDatabaseFile(file);
    const opened = openStore({ path: file, tables: SYNCED_TABLES, nativeBinding });
    restrictDatabaseFiles(file);
    return opened;
  } catch (error) {
    logger.error(`Opening the database ${file} failed`, error);
    const reason = error instanceof StoreError ? error.message : messageOf(error);
    throw new StartupError(`Todo Sync could not open its data. ${reason}`, { cause: error });
  }
}
