/**
 * The operation queue: one entry per record with unsent local changes, collapsed so the
 * server sees the smallest equivalent sequence.
 *
 *   pending    new change   result
 *   insert     update       insert (the row is read at push time, so it carries the update)
 *   insert     delete       nothing: the record never reaches the server
 *   update     update       update (version and base of the first edit are kept)
 *   update     delete       delete (same version and base)
 *   delete     insert/update  QueueError: the deletion must sync first
 *
 * An operation that is being pushed is never collapsed into: the server may already have
 * applied it, so a change made meanwhile becomes a new operation queued after it.
 *
 * Every method must run inside the store transaction that performs the matching data write,
 * so that a row and its queue entry never disagree.
 */
import type { OperationRecord, Store } from '../store/types';
import { QueueError } from './errors';
import { toSnapshot, type LocalRecord } from './records';

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

  /** Before updating a row; `before` is the row as it is now. */
  recordUpdate(tableName: string, before: LocalRecord): void {
    const last = this.lastOperation(tableName, before.id);
    if (last?.action === 'delete') {
      throw new QueueError(
        tableName,
        before.id,
        'delete',
        `The item ${before.id} is waiting to be deleted on the server and cannot be changed.`,
      );
    }
    if (last && !last.pushing) return;
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
    const last = this.lastOperation(tableName, before.id);
    if (last?.action === 'delete') {
      throw new QueueError(tableName, before.id, 'delete', `The item ${before.id} is already being deleted.`);
    }
    if (last && !last.pushing) {
      if (last.action === 'insert') {
        this.store.syncIssues.removeForOperation(last.id);
        this.store.operations.remove(last.id);
        return;
      }
      this.store.operations.update(last.id, { action: 'delete', item: toSnapshot(before) });
      return;
    }
    const snapshot = toSnapshot(before);
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

  private lastOperation(tableName: string, recordId: string): OperationRecord | undefined {
    return this.store.operations.forRecord(tableName, recordId).at(-1);
  }
}
