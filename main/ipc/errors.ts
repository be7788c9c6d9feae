/**
 * Turning whatever a handler throws into the typed error the renderer receives.
 *
 * Errors do not survive IPC (Electron keeps only the message), and the UI needs a code to
 * decide what to show, so every failure crosses as an `IpcErrorPayload`. Errors the app
 * raises on purpose carry a message written for a person and keep it; anything else is a bug,
 * and the person gets a generic sentence while the details go to the log.
 */
import { z } from 'zod';
import type { IpcErrorPayload } from '../../common/ipc-contract';
import { UserFacingError } from '../errors';

export const INTERNAL_ERROR_MESSAGE =
  'Something went wrong inside Todo Sync. Nothing was changed; the details are in the log.';

/** "path.to.field: message", the form the UI lists under a form. */
export function describeZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
  );
}

/**
 * The payload for an error the app raised on purpose, or null for an unexpected one.
 * Recognised: every layer's UserFacingError (the store's, the sync engine's, the services'),
 * whose messages are written for a person by contract, so they cross as they are with the
 * code their layer chose; and zod validation errors (a service validating its own input).
 */
export function knownErrorPayload(error: unknown): IpcErrorPayload | null {
  if (error instanceof UserFacingError) return error.toPayload();
  if (error instanceof z.ZodError) {
    const issues = describeZodIssues(error);
    return {
      code: 'invalid-request',
      message: error.issues[0]?.message ?? 'The request is not valid.',
      issues,
    };
  }
  return null;
}
