/**
 * The built-in conflict policies, written as ordinary push handlers so they go through the
 * same PushError decisions a custom handler would take.
 *
 * - server-wins: keep the server's record, drop the local change.
 * - client-wins: send the local record again against the server's version.
 * - merge: three-way merge (base / local / server); different fields merge automatically,
 *   the same field changed on both sides is left for the person ("ask").
 * - ask: leave every conflict for the person.
 *
 * Errors other than conflicts are never decided by a policy: they are left for the person.
 */
import type { ConflictPolicy } from '../../common/sync-types';
import { threeWayMerge } from './merge';
import type { PushError, PushHandler } from './push-error';
import type { LocalRecord, RecordShape } from './records';

export function policyHandler(policy: ConflictPolicy, shape: RecordShape): PushHandler {
  return {
    async onConflict(serverRecord, clientRecord, pushError) {
      switch (policy) {
        case 'server-wins':
          return serverWins(serverRecord, pushError);
        case 'client-wins':
          return clientWins(serverRecord, clientRecord, pushError);
        case 'merge':
          return merge(shape, serverRecord, clientRecord, pushError);
        case 'ask':
          return;
      }
    },
  };
}

async function serverWins(serverRecord: LocalRecord | null, pushError: PushError): Promise<void> {
  if (serverRecord && !serverRecord.deleted) await pushError.cancelAndUpdate(serverRecord);
  else await pushError.cancelAndDiscard();
}

async function clientWins(
  serverRecord: LocalRecord | null,
  clientRecord: LocalRecord | null,
  pushError: PushError,
): Promise<void> {
  const action = pushError.getAction();
  if (!serverRecord || serverRecord.deleted) {
    // Deleted on the server: our delete has nothing left to do; an edit brings the record back.
    if (action === 'delete') await pushError.cancel();
    else if (clientRecord) await pushError.changeAction('insert', clientRecord);
    return;
  }
  if (action === 'delete') await pushError.update({ version: serverRecord.version });
  else if (clientRecord) await pushError.update({ ...clientRecord, version: serverRecord.version });
}

async function merge(
  shape: RecordShape,
  serverRecord: LocalRecord | null,
  clientRecord: LocalRecord | null,
  pushError: PushError,
): Promise<void> {
  // A deletion on either side is a decision about the whole record, not a field: ask.
  if (pushError.getAction() === 'delete' || !serverRecord || serverRecord.deleted || !clientRecord) return;
  const base = pushError.getBaseRecord();
  const outcome = threeWayMerge(shape.userColumns, base, clientRecord, serverRecord);
  if (outcome.conflictingFields.length > 0) return;
  if (!outcome.differsFromServer) {
    await pushError.cancelAndUpdate(serverRecord);
    return;
  }
  await pushError.update({ ...clientRecord, ...outcome.merged, version: serverRecord.version });
}
