/**
 * The server as a push sees it: send one operation, get one of five answers. Everything about
 * HTTP (which request an action is, what a status means) ends here; the push decides what to
 * do with the answer.
 */
import type { OperationRecord } from '../store/types';
import { SyncHttpError, type SyncError } from './errors';
import type { ProtocolClient } from './protocol-client';
import { classifyFailure } from './push-plan';
import type { RecordSnapshot, ServerRecord } from './records';

export type RemoteAnswer =
  /** The server holds the change; `record` is its copy (null: a delete of a record already gone). */
  | { kind: 'applied'; record: ServerRecord | null }
  /** 409/412, or an update of a record the server no longer has. */
  | { kind: 'conflict'; error: SyncHttpError }
  /** Any other verdict on this change (400, 403, 413...). */
  | { kind: 'refused'; error: SyncError }
  /** Says nothing about the change (a 500, a garbled success): try again next sync. */
  | { kind: 'inconclusive'; error: SyncError }
  /** No verdict, and no point in more requests now; `slowDown` when the server asked for fewer (429/503). */
  | { kind: 'unreachable'; error: unknown; slowDown: boolean };

export interface PushRemote {
  send(operation: OperationRecord, body: RecordSnapshot): Promise<RemoteAnswer>;
  /** The record in any state (soft-deleted included), to see what a conflict is about. */
  lookup(tableName: string, recordId: string): Promise<ServerRecord | null>;
  /** Readies `count` more connections for requests about to go in parallel (optional; never fails). */
  openConnections?(tableName: string, count: number): Promise<void>;
  /** False while the last request found no server or was refused its sign-in (optional). */
  serverAnswering?(): boolean;
}

export function protocolRemote(protocol: ProtocolClient): PushRemote {
  return {
    async send(operation, body) {
      try {
        return { kind: 'applied', record: await request(protocol, operation, body) };
      } catch (error) {
        return answerFor(operation, error);
      }
    },
    lookup: (tableName, recordId) => protocol.lookupIncludingDeleted(tableName, recordId),
    openConnections: (tableName, count) => protocol.openConnections(tableName, count),
    serverAnswering: () => protocol.serverAnswering(),
  };
}

function request(
  protocol: ProtocolClient,
  operation: OperationRecord,
  body: RecordSnapshot,
): Promise<ServerRecord> {
  const { tableName, recordId } = operation;
  switch (operation.action) {
    case 'insert': {
      const item = { ...body, id: recordId };
      if (operation.version === null) return protocol.insert(tableName, item);
      // An insert that carries a version restores a record deleted on the server.
      return protocol
        .undelete(tableName, recordId, operation.version)
        .then((restored) => protocol.update(tableName, recordId, item, restored.version));
    }
    case 'update':
      return protocol.update(tableName, recordId, { ...body, id: recordId }, operation.version);
    case 'delete':
      return protocol.delete(tableName, recordId, operation.version);
  }
}

/** What a failed request means for this operation. */
export function answerFor(operation: Pick<OperationRecord, 'action'>, error: unknown): RemoteAnswer {
  const failure = classifyFailure(error);
  if (failure === 'unreachable' || failure === 'slow-down') {
    return { kind: 'unreachable', error, slowDown: failure === 'slow-down' };
  }
  const syncError = error as SyncError;
  if (failure === 'inconclusive') return { kind: 'inconclusive', error: syncError };
  if (error instanceof SyncHttpError) {
    // Already gone on the server (deleted by someone else, or an earlier attempt landed).
    if (error.status === 404 && operation.action === 'delete') return { kind: 'applied', record: null };
    if (error.isConflict || (error.status === 404 && operation.action === 'update')) {
      return { kind: 'conflict', error };
    }
  }
  return { kind: 'refused', error: syncError };
}
