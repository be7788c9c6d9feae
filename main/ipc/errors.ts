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

/** "path.to.field: message": the technical form, for the log only. */
export function zodIssuesForLog(error: z.ZodError): string[] {
  return error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
  );
}

/** How a field reads in a sentence; a key not listed is "A value" (its name is internal). */
const FIELD_NAMES: Record<string, string> = {
  text: 'The text',
  notes: 'The notes',
  complete: 'Done',
  dueDate: 'The due date',
  reminderAt: 'The reminder',
  search: 'The search',
  backendUrl: 'The server address',
  syncIntervalMinutes: 'The sync interval',
  conflictPolicy: 'The choice for conflicts',
  workOffline: '“Work offline”',
  authToken: 'The sign-in token',
};

/** zod's own English messages ("Too big: expected string to have <=10000 characters"...). */
const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too (big|small)|Unrecognized key|Expected)\b/;

function fieldName(issue: z.core.$ZodIssue): string {
  const key = [...issue.path].reverse().find((part): part is string => typeof part === 'string');
  return (key && Object.hasOwn(FIELD_NAMES, key) ? FIELD_NAMES[key] : undefined) ?? 'A value';
}

const count = new Intl.NumberFormat('en');

/** One issue in words a person reads: the schema's own sentence, or one made from the issue's code. */
function personIssue(issue: z.core.$ZodIssue): string {
  if (!ZOD_DEFAULT_MESSAGE.test(issue.message)) return issue.message;
  const name = fieldName(issue);
  switch (issue.code) {
    case 'too_small': {
      const limit = Number(issue.minimum);
      if (issue.origin === 'string')
        return limit <= 1
          ? `${name} cannot be empty.`
          : `${name} needs at least ${count.format(limit)} characters.`;
      if (issue.origin === 'array') return `${name} needs at least ${count.format(limit)} entries.`;
      return `${name} must be at least ${count.format(limit)}.`;
    }
    case 'too_big': {
      const limit = Number(issue.maximum);
      if (issue.origin === 'string') return `${name} can be at most ${count.format(limit)} characters long.`;
      if (issue.origin === 'array') return `${name} can have at most ${count.format(limit)} entries.`;
      return `${name} can be at most ${count.format(limit)}.`;
    }
    case 'unrecognized_keys':
      return 'The request holds something this version of Todo Sync does not know.';
    case 'invalid_value':
      return `${name} must be one of the offered choices.`;
    case 'invalid_format':
      return `${name} is not written the way Todo Sync expects.`;
    case 'invalid_type':
      return `${name} is missing or is not the right kind of value.`;
    default:
      return `${name} is not valid.`;
  }
}

/**
 * What was wrong with a request, one sentence per problem, in words a person reads: no field
 * names from the code and no zod jargon. The form lists them under the field.
 */
export function describeZodIssues(error: z.ZodError): string[] {
  return [...new Set(error.issues.map(personIssue))];
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
      message: issues[0] ?? 'The request is not valid.',
      issues,
    };
  }
  return null;
}
