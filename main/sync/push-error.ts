/**
 * The push handler's side of a failed operation, as the SDK's sync context has it: the
 * handler forms (onConflict, onError) and the PushError it is given, whose methods record one
 * decision. The push (push.ts) applies that decision once the handler has returned
 * (push-resolution.ts), so a handler that throws changes nothing.
 */
import type { OperationAction } from '../../common/sync-types';
import type { OperationRecord } from '../store/types';
import { SyncUsageError, type SyncError } from './errors';
import type { LocalRecord } from './records';

/** The documented form, as in the SDK's docs and the seed post. */
export type ConflictHandlerWithRecords = (
  serverRecord: LocalRecord | null,
  clientRecord: LocalRecord | null,
  pushError: PushError,
) => void | Promise<void>;
/** The form azure-mobile-apps-client 2.0.1 actually calls (records via getServerRecord()/getClientRecord()). */
export type ConflictHandlerWithError = (pushError: PushError) => void | Promise<void>;

export interface PushHandler {
  /**
   * A 409/412, or an update of a record deleted on the server (`serverRecord.deleted`).
   * Both forms work, told apart by how many parameters the function declares: two or more get
   * (serverRecord, clientRecord, pushError); one (or only a rest parameter) gets (pushError),
   * as the SDK's code calls it.
   */
  onConflict?: ConflictHandlerWithRecords | ConflictHandlerWithError;
  /** Any other refusal by the server (400, 404, 500...). */
  onError?(pushError: PushError): void | Promise<void>;
}

/** A handler's decision, applied by applyResolution (push-resolution.ts). */
export type Resolution =
  | { kind: 'cancel' }
  | { kind: 'cancelAndUpdate'; record: Record<string, unknown> }
  | { kind: 'cancelAndDiscard' }
  | { kind: 'update'; record: Record<string, unknown> }
  | { kind: 'changeAction'; action: OperationAction; record: Record<string, unknown> | undefined }
  | { kind: 'retry' };

/**
 * What a push handler receives for one failed operation. The methods record a decision; it
 * is applied atomically when the handler returns, so a handler that throws changes nothing
 * and leaves the conflict unhandled. One decision per error.
 */
export class PushError {
  private resolution: Resolution | undefined;
  private open = true;

  constructor(
    private readonly operation: OperationRecord,
    private readonly error: SyncError,
    private readonly serverRecord: LocalRecord | null,
    private readonly clientRecord: LocalRecord | null,
    private readonly baseRecord: LocalRecord | null,
    private readonly conflict: boolean,
  ) {}

  /** Whether a decision was taken. Setting it to true without one means "just retry". */
  get isHandled(): boolean {
    return this.resolution !== undefined;
  }

  set isHandled(handled: boolean) {
    this.assertOpen();
    if (handled) this.resolution ??= { kind: 'retry' };
    else this.resolution = undefined;
  }

  getError(): SyncError {
    return this.error;
  }

  getAction(): OperationAction {
    return this.operation.action;
  }

  getTableName(): string {
    return this.operation.tableName;
  }

  getRecordId(): string {
    return this.operation.recordId;
  }

  getServerRecord(): LocalRecord | null {
    return this.serverRecord;
  }

  getClientRecord(): LocalRecord | null {
    return this.clientRecord;
  }

  /** The record before the first pending local edit (null for an insert). */
  getBaseRecord(): LocalRecord | null {
    return this.baseRecord;
  }

  isConflict(): boolean {
    return this.conflict;
  }

  /** Drops the operation; the local record stays as it is. */
  async cancel(): Promise<void> {
    this.decide({ kind: 'cancel' });
  }

  /** Drops the operation and writes `record` locally (typically the server's). */
  async cancelAndUpdate(record: Record<string, unknown>): Promise<void> {
    this.decide({ kind: 'cancelAndUpdate', record: { ...record } });
  }

  /** Drops the operation and the local record. */
  async cancelAndDiscard(): Promise<void> {
    this.decide({ kind: 'cancelAndDiscard' });
  }

  /**
   * Writes `record` locally and retries the operation; a `version` in it (the server's)
   * becomes the If-Match of the retry. For a conflicting insert the retry is an update.
   */
  async update(record: Record<string, unknown>): Promise<void> {
    this.decide({ kind: 'update', record: { ...record } });
  }

  /** Retries as another action, on the operation's record (optionally writing `record`). */
  async changeAction(action: OperationAction, record?: Record<string, unknown>): Promise<void> {
    if (action !== 'insert' && action !== 'update' && action !== 'delete') {
      throw new SyncUsageError(`"${String(action)}" is not an operation action.`);
    }
    this.decide({ kind: 'changeAction', action, record: record ? { ...record } : undefined });
  }

  /** @internal The push applies the decision once the handler has returned. */
  takeResolution(): Resolution | undefined {
    this.open = false;
    return this.resolution;
  }

  /** @internal */
  discardResolution(): void {
    this.open = false;
    this.resolution = undefined;
  }

  private decide(resolution: Resolution): void {
    this.assertOpen();
    if (this.resolution && this.resolution.kind !== 'retry') {
      throw new SyncUsageError(`This push error was already handled with ${this.resolution.kind}().`);
    }
    this.resolution = resolution;
  }

  private assertOpen(): void {
    if (!this.open) throw new SyncUsageError('This push error is closed: decide inside the push handler.');
  }
}

/** See PushHandler.onConflict: the declared parameter count picks the form. */
export function callConflictHandler(
  handler: PushHandler,
  serverRecord: LocalRecord | null,
  clientRecord: LocalRecord | null,
  pushError: PushError,
): void | Promise<void> {
  const onConflict = handler.onConflict;
  if (!onConflict) return;
  if (onConflict.length >= 2) {
    return (onConflict as ConflictHandlerWithRecords).call(handler, serverRecord, clientRecord, pushError);
  }
  return (onConflict as ConflictHandlerWithError).call(handler, pushError);
}
