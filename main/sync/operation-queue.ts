/**
 * The operation queue: one entry per record with unsent local changes, collapsed so the
 * server sees the smallest equivalent sequence.
 *
 *   pending    new change   result
 *   insert     update       insert (the row is read at push time, so it carries the update)
 *   insert     delete       nothing: the record never reaches the server (if never sent,
 *                           or refused outright by the server)
 *   update     update       update (version and base of the first edit are kept)
 *   update     delete       delete (same version and base)
 *   delete     insert/update  QueueError: the deletion must sync first
 *
 * An operation that was sent without a definite answer (being pushed, or its reply lost to the
 * network or a crash) is never collapsed into: the server may already hold it, so a change
 * made meanwhile becomes a new operation queued after it. In particular a sent insert followed
 * by a delete still deletes on the server.
 *
 * An operation waiting on a sync issue is collapsed into as usual, and the issue follows: it
 * shows the record as it is now (and "delete" once deleted), so settling it never drops an
 * edit the person was not shown.
 *
 * Every method must run inside the store transaction that performs the matching data write,
 * so that a row and its queue entry never disagree.
 */
import type { OperationRecord, Store, SyncIssueRecord } from '../store/types';
import { QueueError } from './errors';
import { toSnapshot, type LocalRecord } from './records';

/** rearm's option for a push handler's retry: it still counts towards maxAttempts. */
export const KEEP_ATTEMPTS = { resetAttempts: false } as const;

/**
 * Makes an operation go again as a fresh send: a new action, version, base or item where
 * given, and no memory of what it sent (so its content is read again). The person settling an
 * issue also resets its failures; a push handler's retry keeps counting them (maxAttempts).
 * Every "send it again" goes through here.
 */
export function rearm(
  store: Store,
  operationId: number,
  changes: Partial<Pick<OperationRecord, 'action' | 'version' | 'base' | 'item'>>,
  options: { resetAttempts: boolean } = { resetAttempts: true },
): void {
  store.operations.update(operationId, {
    ...changes,
    sent: null,
    ...(options.resetAttempts ? { attempts: 0 } : {}),
  });
}

export class OperationQueue {
  constructor(private readonly store: Store) {}

  /** Before inserting `recordId` locally. */
  recordInsert(tableName: string, recordId: string): void {
    const last = this.lastOperation(tableName, recordId);
    if (last?.action === 'delete') {
      throw new QueueError(
        tableName,
        recordId,
        'delete',
        `The item ${recordId} is waiting to be deleted on the server; it cannot be created again until that has synced.`,
      );
    }
    this.store.operations.append({
      tableName,
      recordId,
      action: 'insert',
      version: null,
      base: null,
      item: null,
    });
  }

  /** Before updating a row; `before` is the row as it is now, `changes` what the update writes. */
  recordUpdate(tableName: string, before: LocalRecord, changes: Record<string, unknown> = {}): void {
    const operations = this.store.operations.forRecord(tableName, before.id);
    const last = operations.at(-1);
    if (last?.action === 'delete') {
      throw new QueueError(
        tableName,
        before.id,
        'delete',
        `The item ${before.id} is waiting to be deleted on the server and cannot be changed.`,
      );
    }
    this.showInIssues(operations, { clientRecord: toSnapshot({ ...before, ...changes }) });
    if (last && this.canCollapseInto(last)) return;
    this.store.operations.append({
      tableName,
      recordId: before.id,
      action: 'update',
      version: before.version,
      base: toSnapshot(before),
      item: null,
    });
  }

  /** Before deleting a row; `before` is the row as it is now. */
  recordDelete(tableName: string, before: LocalRecord): void {
    const operations = this.store.operations.forRecord(tableName, before.id);
    const last = operations.at(-1);
    if (last?.action === 'delete') {
      throw new QueueError(tableName, before.id, 'delete', `The item ${before.id} is already being deleted.`);
    }
    const snapshot = toSnapshot(before);
    if (last && this.canCollapseInto(last)) {
      const issue = this.store.syncIssues.forOperation(last.id);
      if (last.action === 'insert' && (!issue || refusedOutright(issue))) {
        // Never sent, or refused outright: the server has never stored the record, so the
        // insert and its refusal simply go (no "refused deletion" is left behind).
        if (issue) this.store.syncIssues.removeForOperation(last.id);
        this.store.operations.remove(last.id);
        return;
      }
      // An insert in conflict was answered by the server, which holds a copy (the issue's):
      // deleting means deleting that copy.
      const serverVersion = issue?.serverRecord?.version;
      const version =
        last.action === 'insert' ? (typeof serverVersion === 'string' ? serverVersion : null) : last.version;
      // 'sent' stays: if an earlier attempt landed, the delete's 412 shows that content.
      this.store.operations.update(last.id, { action: 'delete', version, item: snapshot });
      this.showInIssues(operations, { action: 'delete', clientRecord: snapshot });
      return;
    }
    this.showInIssues(operations, { action: 'delete', clientRecord: snapshot });
    this.store.operations.append({
      tableName,
      recordId: before.id,
      action: 'delete',
      version: before.version,
      base: snapshot,
      item: snapshot,
    });
  }

  /** For a record missing locally: explains a pending deletion with a QueueError. */
  assertNotDeleting(tableName: string, recordId: string): void {
    if (this.lastOperation(tableName, recordId)?.action === 'delete') {
      throw new QueueError(
        tableName,
        recordId,
        'delete',
        `The item ${recordId} is waiting to be deleted on the server and cannot be changed.`,
      );
    }
  }

  /** Pending operations, in queue order. */
  list(filter?: { tableName?: string; recordId?: string }): OperationRecord[] {
    return this.store.operations.list(filter);
  }

  /**
   * Not while it is in flight or was sent without an answer; yes once the server answered
   * with an issue (the person settles what it shows, which then includes this change).
   */
  private canCollapseInto(operation: OperationRecord): boolean {
    if (operation.pushing) return false;
    if (operation.sent === null) return true;
    return this.store.syncIssues.forOperation(operation.id) !== undefined;
  }

  private showInIssues(
    operations: readonly OperationRecord[],
    changes: Partial<Pick<SyncIssueRecord, 'action' | 'clientRecord'>>,
  ): void {
    for (const operation of operations) {
      const issue = this.store.syncIssues.forOperation(operation.id);
      if (issue) this.store.syncIssues.updateClientSide(issue.id, changes);
    }
  }

  private lastOperation(tableName: string, recordId: string): OperationRecord | undefined {
    return this.store.operations.forRecord(tableName, recordId).at(-1);
  }
}

/**
 * A refusal that proves the server did not store the record: a 4xx other than a conflict.
 * (An insert that reached the server and landed is answered 409 on any later attempt, since
 * its content is fixed once sent; a 500 that was given up on may have landed.)
 */
export function refusedOutright(issue: Pick<SyncIssueRecord, 'kind' | 'httpStatus'>): boolean {
  const status = issue.httpStatus;
  return (
    issue.kind === 'rejected' &&
    status !== null &&
    status >= 400 &&
    status < 500 &&
    status !== 408 &&
    status !== 409 &&
    status !== 412 &&
    status !== 429
  );
}
