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

/** How a local edit made against `base` (what the editor showed) meets the record as it is now. */
export interface EditAgainstBase {
  /** The edited fields to write: nobody changed them meanwhile, or the change meanwhile differs. */
  changes: Record<string, unknown>;
  /** Edited fields that changed meanwhile (another device, through a pull) to another value. */
  conflictingFields: string[];
}

/**
 * Three-way for an edit that took a while (an inline editor left open): for each edited field,
 * `base` is the value the person started from and `current` the record as it is now. A field
 * nobody else touched takes the edit; a field that meanwhile became what the person typed needs
 * nothing; a field that meanwhile became something else is a conflict. Fields the person did not
 * edit keep their current value: a change to another field that arrived meanwhile merges.
 * A field missing from `base` has no starting point to compare, so the edit applies.
 */
export function editAgainstBase(
  base: Record<string, unknown>,
  current: Record<string, unknown>,
  edited: Record<string, unknown>,
): EditAgainstBase {
  const changes: Record<string, unknown> = {};
  const conflictingFields: string[] = [];
  for (const [field, value] of Object.entries(edited)) {
    if (value === undefined) continue;
    if (!(field in base) || sameValue(current[field], base[field])) {
      if (!sameValue(current[field], value)) changes[field] = value;
    } else if (!sameValue(current[field], value)) {
      conflictingFields.push(field);
      changes[field] = value;
    }
  }
  return { changes, conflictingFields };
}
