/**
 * Errors the services throw for the IPC dispatcher: a code from the contract and a sentence a
 * person can act on. The dispatcher turns them into an IpcResult error payload; any other
 * thrown value is an internal error.
 */
import type { IpcErrorCode } from '../../common/ipc-contract';
import { UserFacingError } from '../errors';

export class ServiceError extends UserFacingError {
  override readonly name = 'ServiceError';

  constructor(
    readonly code: IpcErrorCode,
    message: string,
    override readonly issues?: string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** A service chooses the contract's code itself. */
  override get ipcCode(): IpcErrorCode {
    return this.code;
  }
}

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof ServiceError;
}

/** The message of any thrown value, for logs. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
