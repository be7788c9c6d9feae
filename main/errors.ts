/**
 * What every error the main process raises on purpose has in common, whichever layer raises
 * it (the store's StoreError, the sync engine's SyncError family, the services' ServiceError):
 * a message written for a person, and the IPC contract's code it reaches the renderer with.
 *
 * It sits below every layer of main/ so each layer's errors can extend it, and the IPC layer
 * can turn any of them into a payload without importing, and so depending on, each layer's
 * error classes. Each layer decides how its own codes read outside (`ipcCode`).
 */
import type { IpcErrorCode, IpcErrorPayload } from '../common/ipc-contract';

export abstract class UserFacingError extends Error {
  /** How the renderer sees this error (common/ipc-contract.ts). */
  abstract readonly ipcCode: IpcErrorCode;
  /** Per-field problems, for a request that was not valid (declared only: most errors have none). */
  declare readonly issues?: readonly string[];

  toPayload(): IpcErrorPayload {
    return this.issues
      ? { code: this.ipcCode, message: this.message, issues: [...this.issues] }
      : { code: this.ipcCode, message: this.message };
  }
}
