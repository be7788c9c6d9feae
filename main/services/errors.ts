/**
 * Errors the services throw for the IPC dispatcher: a code from the contract and a sentence a
 * person can act on. The dispatcher turns them into an IpcResult error payload; any other
 * thrown value is an internal error.
 */
import type { IpcErrorCode, IpcErrorPayload } from '../../common/ipc-contract';

export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: IpcErrorCode,
    message: string,
    readonly issues?: string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toPayload(): IpcErrorPayload {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The message of any thrown value, for logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
