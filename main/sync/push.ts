/**
 * Push: sends queued operations in queue order, a record's operations strictly one after
 * the other, and writes each server reply locally in the transaction that removes the
 * operation.
 *
 * Failures answered by the server go to the push handler (onConflict for 409/412 and for an
 * update of a record deleted on the server, onError otherwise). What the handler leaves
 * unhandled is persisted as a sync issue: the operation stays queued but is skipped until the
 * person resolves it, while other records' operations continue. A failure to reach the
 * server (network, timeout, 401, 502-504) stops the push with the queue intact; a garbled
 * success reply or a 500 keeps the operation for the next sync too (see isInconclusive).
 */
import type { OperationAction } from '../../common/sync-types';
import type { OperationRecord, Store, SyncIssueRecord } from '../store/types';
import { BadResponseError, SyncError, SyncHttpError, SyncUsageError, isConnectivityError } from './errors';
import type { ProtocolClient } from './protocol-client';
import {
  toSnapshot,
  type LocalRecord,
  type RecordShape,
  type RecordSnapshot,
  type ServerRecord,
} from './records';
import type { StatusTracker } from './status';

export interface PushHandler {
  /** A 409/412, or an update of a record deleted on the server (`serverRecord.deleted`). */
  onConflict?(
    serverRecord: LocalRecord | null,
    clientRecord: LocalRecord | null,
    pushError: PushError,
  ): void | Promise<void>;
  /** Any other refusal by the server (400, 404, 500...). */
  onError?(pushError: PushError): void | Promise<void>;
}

export interface PushEnvironment {
  store: Store;
  protocol: ProtocolClient;
  status: StatusTracker;
  shapeOf(tableName: string): RecordShape;
  handlerFor(tableName: string): PushHandler;
  /** Server-answered failures of one operation before it is left to the person. */
  maxAttempts: number;
}

export interface PushResult {
  /** Operations the server accepted (or already had). */
  pushed: number;
  /** Operations a handler cancelled. */
  cancelled: number;
  /** Issues this push left for the person. */
  issues: SyncIssueRecord[];
  /** Operations not sent because their record waits on an unresolved issue. */
  skipped: number;
}

export const DEFAULT_MAX_PUSH_ATTEMPTS = 5;

const RELAXED = { durability: 'relaxed' } as const;

type Resolution =
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

type Outcome = 'pushed' | 'cancelled' | 'blocked' | 'gone' | 'deferred';

/** Errors after which further requests are pointless for now. */
function stopsPush(error: unknown): boolean {
  if (isConnectivityError(error)) return true;
  if (error instanceof SyncHttpError)
    return error.status === 502 || error.status === 503 || error.status === 504;
  // Anything that is not the server's answer (a local store failure, a bad URL) also stops.
  return !(error instanceof BadResponseError);
}

/**
 * Answers that say nothing about the change itself: a success whose reply is garbled (the
 * server applied it) or a 500 (often a passing failure). Like a network failure, they keep the
 * operation for the next sync, where a landed write is recognised; only one that keeps failing
 * this way goes to the push handler and may become an issue for the person.
 */
function isInconclusive(error: unknown): error is SyncError {
  if (error instanceof BadResponseError) return error.status >= 200 && error.status < 300;
  return error instanceof SyncHttpError && error.status === 500;
}

export class Pusher {
  private readonly newIssues: SyncIssueRecord[] = [];
  /** The first inconclusive answer of this run: the push reports it once the rest is sent. */
  private deferredBy: SyncError | undefined;

  constructor(private readonly env: PushEnvironment) {}

  async run(tableName?: string): Promise<PushResult> {
    const { store, status } = this.env;
    const result: PushResult = { pushed: 0, cancelled: 0, issues: this.newIssues, skipped: 0 };
    const filter = tableName ? { tableName } : undefined;
    // Records whose earlier operation is blocked: their later operations must wait too.
    const blocked = new Set<string>();
    let batch = store.operations.list(filter);
    let total = batch.length;
    let done = 0;
    let lastSeenId = 0;
    status.setPhase({ kind: 'pushing', done, total });
    // Operations queued while pushing are pushed in the same run; the bound keeps a
    // person typing continuously from holding the push forever.
    for (let round = 0; round < 20 && batch.length > 0; round++) {
      const withIssues = new Set(store.syncIssues.list().map((issue) => issue.operationId));
      for (const queued of batch) {
        lastSeenId = Math.max(lastSeenId, queued.id);
        const key = `${queued.tableName}\u0000${queued.recordId}`;
        if (blocked.has(key) || withIssues.has(queued.id)) {
          blocked.add(key);
          result.skipped++;
        } else {
          const outcome = await this.pushOne(queued.id);
          if (outcome === 'pushed') result.pushed++;
          else if (outcome === 'cancelled') result.cancelled++;
          else if (outcome === 'blocked' || outcome === 'deferred') blocked.add(key);
        }
        done++;
        status.setPhase({ kind: 'pushing', done, total });
      }
      batch = store.operations.list(filter).filter((operation) => operation.id > lastSeenId);
      total += batch.length;
    }
    if (this.deferredBy) throw this.deferredBy;
    return result;
  }

  private async pushOne(operationId: number): Promise<Outcome> {
    const { store } = this.env;
    for (;;) {
      const operation = store.operations.get(operationId);
      if (!operation) return 'gone';
      const shape = this.env.shapeOf(operation.tableName);
      const table = store.tableByName(operation.tableName);
      const row =
        operation.action === 'delete'
          ? undefined
          : (table.lookup(operation.recordId) as LocalRecord | undefined);
      if (operation.action !== 'delete' && !row && operation.sent === null) {
        // The record was deleted locally before this operation ever left; the delete queued
        // after it covers the server side.
        store.transaction(() => store.operations.remove(operation.id));
        return 'gone';
      }
      // Once sent, an operation's content is fixed while edits made since are queued after it
      // (or the record is gone): the server may hold exactly that content, and its retries send
      // it again. Otherwise the row is the operation's content (edits folded into an operation
      // with an issue included).
      const fixed =
        operation.sent !== null &&
        (!row ||
          store.operations
            .forRecord(operation.tableName, operation.recordId)
            .some((next) => next.id > operation.id));
      const body: RecordSnapshot =
        operation.action === 'delete'
          ? { id: operation.recordId }
          : fixed && operation.sent
            ? operation.sent
            : toSnapshot(shape.toWire(row ?? { id: operation.recordId }));
      const clientRecord =
        row ??
        (operation.item
          ? shape.fromSnapshot(operation.item)
          : operation.action !== 'delete'
            ? shape.fromSnapshot(body)
            : null);
      // Marking and reading happen in one synchronous step: an edit can only come after,
      // and then it is queued behind this operation instead of collapsing into it.
      // Relaxed durability: a power cut that undoes the mark also undoes every edit made after
      // it, and the retry then sends this same content again.
      store.transaction(
        () =>
          store.operations.update(operation.id, {
            pushing: true,
            // A delete keeps the content an earlier update attempt may have left on the server.
            sent: operation.action === 'delete' && operation.sent ? operation.sent : body,
          }),
        RELAXED,
      );
      let server: ServerRecord;
      try {
        server = await this.send(operation, body);
      } catch (error) {
        if (store.operations.get(operation.id)) store.operations.update(operation.id, { pushing: false });
        if (stopsPush(error)) throw error;
        if (isInconclusive(error) && operation.attempts + 1 < this.env.maxAttempts) {
          store.operations.update(operation.id, { attempts: operation.attempts + 1 });
          this.deferredBy ??= error;
          return 'deferred';
        }
        const outcome = await this.handleFailure(operation, clientRecord, body, error as SyncError);
        if (outcome === 'retry') continue;
        return outcome;
      }
      this.commit(operation, server);
      return 'pushed';
    }
  }

  private async send(operation: OperationRecord, body: RecordSnapshot): Promise<ServerRecord> {
    const { protocol } = this.env;
    const { tableName, recordId } = operation;
    switch (operation.action) {
      case 'insert': {
        const item = { ...body, id: recordId };
        if (operation.version === null) return protocol.insert(tableName, item);
        // An insert that carries a version restores a record deleted on the server.
        const restored = await protocol.undelete(tableName, recordId, operation.version);
        return protocol.update(tableName, recordId, item, restored.version);
      }
      case 'update':
        return protocol.update(tableName, recordId, { ...body, id: recordId }, operation.version);
      case 'delete':
        return protocol.delete(tableName, recordId, operation.version);
    }
  }

  /**
   * The server has the operation: record its reply and drop the operation, atomically.
   * Relaxed durability: if a power cut undoes this commit, the operation is sent again and
   * the server's answer (409 on insert, 412 on update, 404 on delete) shows it already holds
   * exactly this change, which handleFailure treats as done.
   */
  private commit(operation: OperationRecord, server: ServerRecord | null): void {
    const { store, status } = this.env;
    const shape = this.env.shapeOf(operation.tableName);
    store.transaction(() => {
      if (!store.operations.get(operation.id)) return;
      const table = store.tableByName(operation.tableName);
      const later = store.operations
        .forRecord(operation.tableName, operation.recordId)
        .filter((next) => next.id !== operation.id);
      if (server && operation.action !== 'delete') {
        if (later.length === 0) {
          table.upsertMany([shape.fromServer(server)]);
        } else if (table.lookup(operation.recordId)) {
          // Edits made while this was in flight are newer than the reply: keep them, and
          // take only what the server owns.
          table.update(operation.recordId, {
            version: server.version,
            createdAt: server.createdAt,
            updatedAt: server.updatedAt,
          });
        }
      }
      if (server) {
        for (const next of later) store.operations.update(next.id, { version: server.version });
      }
      store.operations.remove(operation.id);
      store.syncIssues.removeForOperation(operation.id);
    }, RELAXED);
    status.dataChanged(operation.tableName);
  }

  private async handleFailure(
    operation: OperationRecord,
    clientRecord: LocalRecord | null,
    sent: RecordSnapshot,
    error: SyncError,
  ): Promise<Outcome | 'retry'> {
    const { store, protocol } = this.env;
    const shape = this.env.shapeOf(operation.tableName);
    const httpStatus = error instanceof SyncHttpError ? error.status : null;
    if (operation.action === 'delete' && httpStatus === 404) {
      // Already gone on the server (deleted by someone else, or our earlier attempt landed).
      this.commit(operation, null);
      return 'pushed';
    }
    const conflict =
      error instanceof SyncHttpError &&
      (error.isConflict || (httpStatus === 404 && operation.action === 'update'));
    let server: ServerRecord | null = null;
    if (conflict) {
      // A 409 on insert echoes our own item, and a 404 says nothing: ask for the real record.
      server =
        error instanceof SyncHttpError && error.serverRecord
          ? error.serverRecord
          : await protocol.lookupIncludingDeleted(operation.tableName, operation.recordId);
      if (server) {
        // The server may already hold exactly this change: an earlier attempt (with the same
        // content) landed but its reply was lost (a crash before the local commit, a dropped
        // connection). Edits made since are queued after it, so they do not hide it.
        const found = server;
        const holdsContent = (content: RecordSnapshot | null): boolean =>
          content !== null &&
          shape.userColumns.some((column) => column in content) &&
          !found.deleted &&
          shape.sameUserFields(found, shape.fromSnapshot(content));
        if (operation.action === 'delete' ? found.deleted : holdsContent(sent)) {
          this.commit(operation, found);
          return 'pushed';
        }
        // An earlier attempt landed with older content (its reply was lost, then the person
        // edited or deleted the record while its issue was listed): send the rest against the
        // version that attempt created.
        if (holdsContent(operation.sent)) {
          store.transaction(() => {
            if (!store.operations.get(operation.id)) return;
            store.operations.update(operation.id, {
              action: operation.action === 'delete' ? 'delete' : 'update',
              version: found.version,
              base: toSnapshot(shape.fromServer(found)),
              sent: null,
            });
          }, RELAXED);
          return 'retry';
        }
      }
    }

    const attempts = operation.attempts + 1;
    store.operations.update(operation.id, { attempts });
    const serverRecord = server ? shape.fromServer(server) : null;
    const baseRecord = operation.base ? shape.fromSnapshot(operation.base) : null;
    const pushError = new PushError(operation, error, serverRecord, clientRecord, baseRecord, conflict);
    const handler = this.env.handlerFor(operation.tableName);
    let handlerFailure: unknown;
    try {
      if (conflict) await handler.onConflict?.(serverRecord, clientRecord, pushError);
      else await handler.onError?.(pushError);
    } catch (thrown) {
      handlerFailure = thrown;
      pushError.discardResolution();
    }
    const resolution = pushError.takeResolution();
    if (!resolution) {
      const reason =
        handlerFailure === undefined
          ? error.message
          : `${error.message} (The ${conflict ? 'conflict' : 'error'} handler failed: ${
              handlerFailure instanceof Error ? handlerFailure.message : String(handlerFailure)
            })`;
      this.persistIssue(operation, conflict, httpStatus, reason, serverRecord, clientRecord);
      return 'blocked';
    }
    const outcome = this.apply(operation, resolution, serverRecord);
    if (outcome === 'retry' && attempts >= this.env.maxAttempts) {
      this.persistIssue(
        operation,
        conflict,
        httpStatus,
        `${error.message} Gave up after ${attempts} attempts.`,
        serverRecord,
        clientRecord,
      );
      return 'blocked';
    }
    return outcome;
  }

  private apply(
    operation: OperationRecord,
    resolution: Resolution,
    serverRecord: LocalRecord | null,
  ): Outcome | 'retry' {
    const { store, status } = this.env;
    const shape = this.env.shapeOf(operation.tableName);
    const table = store.tableByName(operation.tableName);
    const { recordId } = operation;
    const versionOf = (record: Record<string, unknown> | undefined): string | undefined =>
      typeof record?.version === 'string' ? record.version : undefined;
    /** Writes the user fields of `record` (and the system fields it carries) to the local row. */
    const writeLocal = (record: Record<string, unknown>): void => {
      const current = table.lookup(recordId) as LocalRecord | undefined;
      const next: Record<string, unknown> = {
        ...(current ?? { id: recordId }),
        ...shape.userFieldsOf(record),
      };
      for (const key of ['version', 'createdAt', 'updatedAt'] as const) {
        if (record[key] !== undefined) next[key] = record[key];
      }
      next.id = recordId;
      next.deleted = false;
      table.upsertMany([next]);
    };
    /**
     * Once the retry carries the server's version, the server's record is the base of any
     * later three-way merge: its changes are already part of what we send.
     */
    const rebased = (version: string | null, current: OperationRecord): OperationRecord['base'] =>
      serverRecord && !serverRecord.deleted && version === serverRecord.version
        ? toSnapshot(serverRecord)
        : current.base;
    const outcome = store.transaction((): Outcome | 'retry' => {
      const current = store.operations.get(operation.id);
      if (!current) return 'gone';
      switch (resolution.kind) {
        case 'cancel':
          store.syncIssues.removeForOperation(operation.id);
          store.operations.remove(operation.id);
          return 'cancelled';
        case 'cancelAndUpdate': {
          if (resolution.record.deleted === true) table.delete(recordId);
          else writeLocal(resolution.record);
          const version = versionOf(resolution.record);
          if (version) {
            for (const next of store.operations.forRecord(operation.tableName, recordId)) {
              if (next.id !== operation.id) store.operations.update(next.id, { version });
            }
          }
          store.syncIssues.removeForOperation(operation.id);
          store.operations.remove(operation.id);
          return 'cancelled';
        }
        case 'cancelAndDiscard':
          table.delete(recordId);
          for (const next of store.operations.forRecord(operation.tableName, recordId)) {
            store.syncIssues.removeForOperation(next.id);
            store.operations.remove(next.id);
          }
          return 'cancelled';
        case 'update': {
          const version = versionOf(resolution.record) ?? current.version;
          if (current.action !== 'delete') writeLocal(resolution.record);
          const serverHasIt = serverRecord !== null && !serverRecord.deleted;
          const action = current.action === 'insert' && serverHasIt ? 'update' : current.action;
          store.operations.update(operation.id, {
            version,
            action,
            base: rebased(version, current),
            sent: null,
          });
          return 'retry';
        }
        case 'changeAction': {
          const { action, record } = resolution;
          let version = versionOf(record) ?? serverRecord?.version ?? current.version;
          if (action === 'delete') {
            const before = (table.lookup(recordId) as LocalRecord | undefined) ?? record;
            table.delete(recordId);
            store.operations.update(operation.id, {
              action,
              version,
              base: rebased(version, current),
              item: before ? toSnapshot(before) : current.item,
              sent: null,
            });
            return 'retry';
          }
          if (record) writeLocal(record);
          else if (!table.lookup(recordId) && current.item) writeLocal(shape.fromSnapshot(current.item));
          // An insert is a plain POST unless the server holds a deleted copy to restore.
          if (action === 'insert') version = serverRecord?.deleted ? serverRecord.version : null;
          store.operations.update(operation.id, {
            action,
            version,
            base: rebased(version, current),
            sent: null,
          });
          return 'retry';
        }
        case 'retry':
          return 'retry';
      }
    });
    status.dataChanged(operation.tableName);
    return outcome;
  }

  private persistIssue(
    operation: OperationRecord,
    conflict: boolean,
    httpStatus: number | null,
    message: string,
    serverRecord: LocalRecord | null,
    clientRecord: LocalRecord | null,
  ): void {
    const { store, status } = this.env;
    const issue = store.transaction(() => {
      store.syncIssues.removeForOperation(operation.id);
      const fresh = store.operations.get(operation.id) ?? operation;
      return store.syncIssues.add({
        operationId: operation.id,
        kind: conflict ? 'conflict' : 'rejected',
        tableName: operation.tableName,
        recordId: operation.recordId,
        action: fresh.action,
        httpStatus,
        message,
        serverRecord: serverRecord ? toSnapshot(serverRecord) : null,
        clientRecord: clientRecord ? toSnapshot(clientRecord) : null,
        baseRecord: fresh.base,
      });
    });
    this.newIssues.push(issue);
    status.changed();
  }
}
