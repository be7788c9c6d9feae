/**
 * Three-way merge of one record: the base (the record before our first pending edit), our
 * local copy and the server's copy. A field changed on one side only takes that side's
 * value; a field changed on both sides to different values is a real conflict that only the
 * person can settle.
 *
 * `analyzeFields` is the one place that decides who changed what: the merge policy acts on
 * it and the conflict dialog shows it (through the sync issue), so the two never disagree.
 */
import { sameValue } from './records';

/**
 * "same": both sides hold the same value. "local-only": the server's record has no such field
 * at all (a server that does not store the column), so only our value exists.
 */
export type FieldChange = 'same' | 'mine' | 'server' | 'both' | 'local-only';

export interface MergeOutcome {
  /** The merged user fields (conflicting fields hold the local value). */
  merged: Record<string, unknown>;
  /** Fields changed on both sides to different values. */
  conflictingFields: string[];
  /** Whether the merged record differs from the server's: if not, nothing needs sending. */
  differsFromServer: boolean;
}

/** Who changed each field since the base; a missing side (a deletion) counts as changed. */
export function analyzeFields(
  userColumns: readonly string[],
  base: Record<string, unknown> | null,
  local: Record<string, unknown> | null,
  server: Record<string, unknown> | null,
): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  for (const column of userColumns) {
    if (local && server && !(column in server)) {
      changes[column] = 'local-only';
      continue;
    }
    if (local && server && sameValue(local[column], server[column])) {
      changes[column] = 'same';
      continue;
    }
    // Without a base (a conflicting insert) or a side, every difference is a change on both sides.
    if (!base || !local || !server) {
      changes[column] = 'both';
      continue;
    }
    const localChanged = !sameValue(local[column], base[column]);
    const serverChanged = !sameValue(server[column], base[column]);
    changes[column] = localChanged && serverChanged ? 'both' : localChanged ? 'mine' : 'server';
  }
  return changes;
}

export function threeWayMerge(
  userColumns: readonly string[],
  base: Record<string, unknown> | null,
  local: Record<string, unknown>,
  server: Record<string, unknown>,
): MergeOutcome {
  const merged: Record<string, unknown> = {};
  const conflictingFields: string[] = [];
  let differsFromServer = false;
  const changes = analyzeFields(userColumns, base, local, server);
  for (const column of userColumns) {
    switch (changes[column]) {
      case 'same':
      case 'server':
        merged[column] = server[column];
        break;
      case 'local-only':
        // The server cannot hold it, so sending it again would change nothing there.
        merged[column] = local[column];
        break;
      case 'both':
        conflictingFields.push(column);
        merged[column] = local[column];
        differsFromServer = true;
        break;
      case 'mine':
        merged[column] = local[column];
        differsFromServer = true;
        break;
    }
  }
  return { merged, conflictingFields, differsFromServer };
}
