/**
 * The decisions of a push that need no server: what an operation sends, how a failed send is
 * treated, and which queued operations may start now. Pure functions, tested as tables.
 */
import type { OperationRecord } from '../store/types';
import { BadResponseError, SyncHttpError, isConnectivityError } from './errors';
import { toSnapshot, type LocalRecord, type RecordShape, type RecordSnapshot } from './records';

/** Operations in flight at once unless the engine is told otherwise. */
export const DEFAULT_PUSH_CONCURRENCY = 8;

/**
 * What a failure to send one operation means for the push:
 * - `unreachable`: further requests are pointless for now (network, timeout, sign-in, a
 *   gateway's 502/504, a local failure); the push stops with the queue intact.
 * - `slow-down`: the server is overloaded (429, 503); fewer requests at once, and the
 *   operation goes again later in the same push.
 * - `inconclusive`: an answer that says nothing about the change (a 500, or a success whose
 *   reply is garbled, so it may have been applied): kept for the next sync, where a landed
 *   write is recognised.
 * - `answered`: the server's verdict on this change (conflict, refusal): the push handler's.
 */
export type FailureClass = 'unreachable' | 'slow-down' | 'inconclusive' | 'answered';

export function classifyFailure(error: unknown): FailureClass {
  if (isConnectivityError(error)) return 'unreachable';
  if (error instanceof SyncHttpError) {
    if (error.status === 429 || error.status === 503) return 'slow-down';
    if (error.status === 502 || error.status === 504) return 'unreachable';
    if (error.status === 500) return 'inconclusive';
    return 'answered';
  }
  if (error instanceof BadResponseError) {
    return error.status >= 200 && error.status < 300 ? 'inconclusive' : 'answered';
  }
  // Not the server's answer at all (a store failure, a bad address): stop.
  return 'unreachable';
}

/** The body an operation sends and the local record a handler is shown. */
export interface SendPlan {
  body: RecordSnapshot;
  clientRecord: LocalRecord | null;
}

/**
 * Once sent, an operation's content is fixed while edits made since are queued after it (or
 * the record is gone): the server may hold exactly that content, and retries send it again.
 * Otherwise the row as it is now is the operation's content (edits folded into an operation
 * with an issue included).
 */
export function planSend(
  operation: OperationRecord,
  row: LocalRecord | undefined,
  hasLaterOperations: boolean,
  shape: RecordShape,
): SendPlan {
  const fixed = operation.sent !== null && (!row || hasLaterOperations);
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
  return { body, clientRecord };
}

/** Identifies a record across tables. */
export function recordKey(operation: Pick<OperationRecord, 'tableName' | 'recordId'>): string {
  return `${operation.tableName}\u0000${operation.recordId}`;
}

export interface DispatchState {
  /** Records with an operation in flight: their later operations wait. */
  busy: ReadonlySet<string>;
  /** Records whose earlier operation waits on an issue or the next sync: theirs wait too. */
  blocked: ReadonlySet<string>;
  /** Operations already taken by this push. */
  taken: ReadonlySet<number>;
  /** Operations with an unresolved sync issue. */
  withIssues: ReadonlySet<number>;
  /** How many more may start now. */
  room: number;
}

export interface DispatchStep {
  /** To send now, in queue order. */
  start: OperationRecord[];
  /** Not sent this push (their record waits on an issue), in queue order. */
  skip: OperationRecord[];
}

/**
 * Which queued operations start now: in queue order, at most `room`, never two of one record
 * at once, and none of a record that waits on an issue. It reads the queue only as far as it
 * needs: once the room is filled it stops, and the operations to skip further on are found by
 * a later call (a push calls it after every answer, and a full scan each time made a long
 * push quadratic).
 */
export function nextToSend(queue: Iterable<OperationRecord>, state: DispatchState): DispatchStep {
  const step: DispatchStep = { start: [], skip: [] };
  if (state.room <= 0) return step;
  const waiting = new Set(state.busy);
  const blocked = new Set(state.blocked);
  for (const operation of queue) {
    if (state.taken.has(operation.id)) continue;
    const key = recordKey(operation);
    if (blocked.has(key) || state.withIssues.has(operation.id)) {
      blocked.add(key);
      step.skip.push(operation);
      continue;
    }
    // An earlier operation of this record is in flight (or starts in this step): wait for it.
    if (waiting.has(key)) continue;
    step.start.push(operation);
    waiting.add(key);
    if (step.start.length >= state.room) break;
  }
  return step;
}
