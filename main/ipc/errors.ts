/**
 * Turning whatever a handler throws into the typed error the renderer receives.
 *
 * Errors do not survive IPC (Electron keeps only the message), and the UI needs a code to
 * decide what to show, so every failure crosses as an `IpcErrorPayload`. Errors the app
 * raises on purpose carry a message written for a person and keep it; anything else is a bug,
 * and the person gets a generic sentence while the details go to the log.
 */
import { z } from 'zod';
import type { IpcErrorCode, IpcErrorPayload } from '../../common/ipc-contract';
import type { StoreErrorCode } from '../store/types';
import { StoreError } from '../store/errors';
import { SyncError } from '../sync/errors';
import { AppError } from '../services/errors';

export const INTERNAL_ERROR_MESSAGE =
  'Something went wrong inside Todo Sync. Nothing was changed; the details are in the log.';

/** "path.to.field: message", the form the UI lists under a form. */
export function describeZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
  );
}

/** How the store's error codes read to the renderer; the rest are 'store'. */
const STORE_CODE_TO_IPC: Partial<Record<StoreErrorCode, IpcErrorCode>> = {
  'not-found': 'not-found',
  constraint: 'refused',
  'invalid-value': 'invalid-request',
  'invalid-query': 'invalid-request',
};

/**
 * The payload for an error the app raised on purpose, or null for an unexpected one.
 * Recognised: the services' AppError (a contract code chosen on purpose), zod validation errors (a service validating its own input),
 * the store's StoreError and the sync engine's SyncError family. Their messages are written
 * for a person by contract, so they cross as they are.
 */
export function knownErrorPayload(error: unknown): IpcErrorPayload | null {
  if (error instanceof AppError) return error.toPayload();
  if (error instanceof z.ZodError) {
    const issues = describeZodIssues(error);
    return {
      code: 'invalid-request',
      message: error.issues[0]?.message ?? 'The request is not valid.',
      issues,
    };
  }
  if (error instanceof StoreError) {
    return { code: STORE_CODE_TO_IPC[error.code] ?? 'store', message: error.message };
  }
  if (error instanceof SyncError) {
    return { code: 'sync', message: error.message };
  }
  return null;
}
