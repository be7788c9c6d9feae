/**
 * Typed errors of the sync engine. Each carries a `code` from the shared vocabulary so the
 * orchestration layer can show the person a message without parsing text.
 */
import type { IpcErrorCode } from '../../common/ipc-contract';
import type { OperationAction, SyncErrorCode } from '../../common/sync-types';
import { UserFacingError } from '../errors';
import type { ServerRecord } from './records';

export class SyncError extends UserFacingError {
  readonly code: SyncErrorCode;

  constructor(code: SyncErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /** The renderer tells sync failures apart by their message, not by code. */
  override get ipcCode(): IpcErrorCode {
    return 'sync';
  }
}

export interface RequestSummary {
  method: string;
  /** The path and query, without the host: safe to log. */
  path: string;
}

/** The server answered with a status the caller did not ask for. */
export class SyncHttpError extends SyncError {
  readonly status: number;
  /** The parsed JSON body when there was one, otherwise the text. */
  readonly body: unknown;
  /** The server's current record, for 409/412 answers that carry it. */
  readonly serverRecord: ServerRecord | undefined;
  readonly request: RequestSummary;

  constructor(
    status: number,
    message: string,
    details: { body: unknown; serverRecord?: ServerRecord; request: RequestSummary },
  ) {
    super(status === 409 || status === 412 ? 'conflict' : status >= 500 ? 'server' : 'rejected', message);
    this.status = status;
    this.body = details.body;
    this.serverRecord = details.serverRecord;
    this.request = details.request;
  }

  get isConflict(): boolean {
    return this.status === 409 || this.status === 412;
  }
}

/** 401: no token, or one that is wrong or expired. Syncing waits for a sign-in. */
export class UnauthorizedError extends SyncError {
  readonly status = 401;
  readonly request: RequestSummary;
  /** Whether a token went with the request: without one, the server simply needs a sign-in. */
  readonly tokenSent: boolean;

  constructor(request: RequestSummary, tokenSent = true) {
    super(
      'unauthorized',
      tokenSent
        ? 'Your sign-in has ended or was not accepted. Sign in again to resume syncing.'
        : 'This server needs you to sign in. Sign in to start syncing.',
    );
    this.request = request;
    this.tokenSent = tokenSent;
  }
}

/** No answer at all: DNS, refused connection, reset, offline. */
export class NetworkError extends SyncError {
  readonly request: RequestSummary;

  constructor(request: RequestSummary, cause: unknown) {
    super('network', 'The server could not be reached. Changes stay on this computer until it can.', {
      cause,
    });
    this.request = request;
  }
}

export class TimeoutError extends SyncError {
  readonly request: RequestSummary;
  readonly timeoutMs: number;

  constructor(request: RequestSummary, timeoutMs: number) {
    super(
      'timeout',
      `The server did not answer within ${describeDuration(timeoutMs)}. Syncing will try again.`,
    );
    this.request = request;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A duration as a person says it: "800 milliseconds", "1 second", "2.5 seconds", "90 seconds",
 * "5 minutes". Rounding "500 ms" to "0 s" or "1.5 s" to "2 s" would misstate the wait.
 */
export function describeDuration(ms: number): string {
  const unit = (value: number, one: string, many: string) => {
    const shown = Number(value.toFixed(1));
    return `${shown.toLocaleString('en')} ${shown === 1 ? one : many}`;
  };
  if (ms < 1000) return unit(Math.round(ms), 'millisecond', 'milliseconds');
  if (ms < 120_000) return unit(ms / 1000, 'second', 'seconds');
  return unit(ms / 60_000, 'minute', 'minutes');
}

/** An answer that does not follow the protocol: not JSON, truncated, missing its ETag... */
export class BadResponseError extends SyncError {
  readonly request: RequestSummary;
  readonly status: number;

  constructor(request: RequestSummary, status: number, problem: string) {
    super('bad-response', `The server sent an answer this app does not understand (${problem}).`);
    this.request = request;
    this.status = status;
  }
}

/** A local change that the queue cannot accept, e.g. editing a record whose deletion is pending. */
export class QueueError extends SyncError {
  readonly tableName: string;
  readonly recordId: string;
  readonly pendingAction: OperationAction;

  constructor(tableName: string, recordId: string, pendingAction: OperationAction, message: string) {
    super('internal', message);
    this.tableName = tableName;
    this.recordId = recordId;
    this.pendingAction = pendingAction;
  }
}

export class PurgeRefusedError extends SyncError {
  readonly tableName: string;
  readonly pendingOperations: number;

  constructor(tableName: string, pendingOperations: number) {
    super(
      'internal',
      `${pendingOperations === 1 ? '1 change' : `${pendingOperations} changes`} not synced yet would be lost. ` +
        'Sync first, or confirm that they may be discarded.',
    );
    this.tableName = tableName;
    this.pendingOperations = pendingOperations;
  }
}

/** The caller used the API wrongly (bad argument, uninitialized context, unknown issue...). */
export class SyncUsageError extends SyncError {
  constructor(message: string) {
    super('internal', message);
  }
}

/** Errors after which pushing further operations is pointless: the server is out of reach. */
export function isConnectivityError(
  error: unknown,
): error is NetworkError | TimeoutError | UnauthorizedError {
  return error instanceof NetworkError || error instanceof TimeoutError || error instanceof UnauthorizedError;
}
