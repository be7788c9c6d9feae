/**
 * Three-way merge of one record: the base (the record before our first pending edit), our
 * local copy and the server's copy. A field changed on one side only takes that side's
 * value; a field changed on both sides to different values is a real conflict that only the
 * person can settle.
 */
import { sameValue } from './records';

export interface MergeOutcome {
  /** The merged user fields (conflicting fields hold the local value). */
  merged: Record<string, unknown>;
  /** Fields changed on both sides to different values. */
  conflictingFields: string[];
  /** Whether the merged record differs from the server's: if not, nothing needs sending. */
  differsFromServer: boolean;
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
  for (const column of userColumns) {
    const mine = local[column];
    const theirs = server[column];
    if (sameValue(mine, theirs)) {
      merged[column] = theirs;
      continue;
    }
    // Without a base (a conflicting insert) every difference is a change on both sides.
    const localChanged = base === null || !sameValue(mine, base[column]);
    const serverChanged = base === null || !sameValue(theirs, base[column]);
    if (localChanged && serverChanged) {
      conflictingFields.push(column);
      merged[column] = mine;
      differsFromServer = true;
    } else if (localChanged) {
      merged[column] = mine;
      differsFromServer = true;
    } else {
      merged[column] = theirs;
    }
  }
  return { merged, conflictingFields, differsFromServer };
}
