/**
 * One sync pass, as Sync Now and the scheduler run it: push every pending operation, then pull
 * each table incrementally. Operations the server could not take this time (a 500) stay queued
 * and are counted, and the pull goes on regardless: another device's changes still arrive.
 * Only a failure to reach the server (network, timeout, sign-in) ends the pass early.
 */
import type { SyncResult } from '../../common/sync-types';
import { Query } from './query';
import { errorInfo } from './status';
import type { SyncContext } from './sync-context';

export interface SyncPassOptions {
  /** The tables to pull, each with its own watermark (`all-<name>`). */
  tables: readonly { name: string }[];
  /** False: push only (what a local edit triggers). */
  pull: boolean;
  log?: { info(message: string): void; warn(message: string): void };
}

/** A run that has done nothing (yet): what a pass starts from. */
export function emptySyncResult(): SyncResult {
  return { ok: true, pushed: 0, pulled: 0, conflicts: 0, rejected: 0, retrying: 0, error: null };
}

export async function runSyncPass(context: SyncContext, options: SyncPassOptions): Promise<SyncResult> {
  const result = emptySyncResult();
  try {
    await pushStep(context, result);
    if (options.pull) await pullStep(context, options.tables, result);
    options.log?.info(describePass(result));
  } catch (error) {
    result.ok = false;
    result.error = errorInfo(error);
    options.log?.warn(`Sync failed (${result.error.code}): ${result.error.message}`);
  }
  return result;
}

async function pushStep(context: SyncContext, result: SyncResult): Promise<void> {
  const pushed = await context.push();
  result.pushed = pushed.pushed;
  result.conflicts = pushed.issues.filter((issue) => issue.kind === 'conflict').length;
  result.rejected = pushed.issues.filter((issue) => issue.kind === 'rejected').length;
  result.retrying = pushed.deferred;
  // Shown with the result; the pull below still runs.
  if (pushed.deferredError) result.error = errorInfo(pushed.deferredError);
}

async function pullStep(
  context: SyncContext,
  tables: readonly { name: string }[],
  result: SyncResult,
): Promise<void> {
  for (const table of tables) {
    const pulled = await context.pull(new Query(table.name), `all-${table.name}`);
    result.pulled += pulled.upserted + pulled.deleted;
  }
}

function describePass(result: SyncResult): string {
  const left =
    result.conflicts + result.rejected > 0
      ? `, ${result.conflicts} conflicts and ${result.rejected} refused changes left for the person`
      : '';
  const retrying = result.retrying > 0 ? `, ${result.retrying} kept for the next sync` : '';
  return `Sync done: ${result.pushed} sent, ${result.pulled} received${left}${retrying}`;
}
