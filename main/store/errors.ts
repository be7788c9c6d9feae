import type { IpcErrorCode } from '../../common/ipc-contract';
import { UserFacingError } from '../errors';
import type { StoreErrorCode } from './types';

/** How the store's error codes read to the renderer; the rest are 'store'. */
const STORE_CODE_TO_IPC: Partial<Record<StoreErrorCode, IpcErrorCode>> = {
  'not-found': 'not-found',
  constraint: 'refused',
  'invalid-value': 'invalid-request',
  'invalid-query': 'invalid-request',
};

/**
 * The only error type the store throws for its own reasons. `message` is written for a
 * person (the UI may show it as is); `code` is for callers that react programmatically.
 */
export class StoreError extends UserFacingError {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  override get ipcCode(): IpcErrorCode {
    return STORE_CODE_TO_IPC[this.code] ?? 'store';
  }
}

interface SqliteLikeError {
  code: string;
  message: string;
}

function isSqliteError(error: unknown): error is SqliteLikeError {
  return (
    error instanceof Error &&
    error.name === 'SqliteError' &&
    typeof (error as Partial<SqliteLikeError>).code === 'string'
  );
}

const LOCKED_MESSAGE =
  'The Todo Sync database is in use by another program (is Todo Sync already running?). ' +
  'Close the other copy and try again.';
const READ_ONLY_MESSAGE =
  'The Todo Sync database cannot be written: the file or its folder is read-only. ' +
  'Check the permissions of the folder, or free the disk if it is mounted read-only.';
const CORRUPT_MESSAGE =
  'The Todo Sync database file is damaged. Restart Todo Sync: it keeps the damaged file and starts a fresh one.';

/**
 * Turns a better-sqlite3 error into a StoreError a person can act on. Anything that is not a
 * SQLite error (a caller's own throw inside a transaction, a StoreError) passes through as is.
 */
export function translateSqliteError(error: unknown, context: string): unknown {
  if (!isSqliteError(error)) return error;
  const code = error.code;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError('locked', LOCKED_MESSAGE, { cause: error });
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new StoreError('read-only', READ_ONLY_MESSAGE, { cause: error });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StoreError('corrupt', CORRUPT_MESSAGE, { cause: error });
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new StoreError('constraint', `${context}: ${constraintMessage(error)}`, { cause: error });
  }
  if (code === 'SQLITE_FULL') {
    return new StoreError('io', 'The disk is full: Todo Sync could not save your change. Free some space.', {
      cause: error,
    });
  }
  return new StoreError('io', `${context} failed: ${error.message}`, { cause: error });
}

function constraintMessage(error: SqliteLikeError): string {
  if (error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return 'a record with this id already exists';
  }
  return error.message;
}

export const storeMessages = { LOCKED_MESSAGE, READ_ONLY_MESSAGE, CORRUPT_MESSAGE } as const;
