/**
 * The scheduler's one decision, as a pure function of its state and the time: which sync to
 * start now, if any, and when to look again. SyncScheduler (scheduler.ts) owns the timer, the
 * events and the runs; everything it decides goes through `decideNextSync`, so the rules can
 * be read, and tested as a table, without fake timers.
 */

/** push: only send local changes (after edits). full: push, then pull. */
export type SyncKind = 'push' | 'full';

/** Why nothing may touch the network right now. */
export type PauseReason = 'work-offline' | 'no-backend';

/** Everything the decision depends on. Times are milliseconds on the scheduler's clock. */
export interface SchedulerDecisionState {
  started: boolean;
  stopped: boolean;
  pausedFor: PauseReason | null;
  /** The server refused the credentials: background syncs wait for new ones. */
  unauthorized: boolean;
  /** A run is in progress (single flight). */
  running: boolean;
  /** The scheduler's view of the network. */
  online: boolean;
  intervalMs: number;
  /** The next periodic full sync. */
  periodicDueAt: number | null;
  /** A full sync was asked for (start, resume, network back, a failure to retry...). */
  fullRequestedAt: number | null;
  /** A push after local edits, once the burst is over. */
  pushDueAt: number | null;
  /** After a failure, nothing runs in the background before this. */
  backoffUntil: number | null;
  /** Offline: when the OS was last promised a look again. */
  offlineRecheckAt: number | null;
}

export interface SchedulerDecision {
  /** The sync to start now, or null. */
  run: SyncKind | null;
  /** When the next background sync is due, as shown to the person; null when none is (paused, offline...). */
  nextSyncAt: number | null;
  /** When the timer should fire next; null for no timer (nothing due, or a run in progress). */
  wakeAt: number | null;
  /** The offline re-check to remember: kept while still ahead, renewed once it has passed. */
  offlineRecheckAt: number | null;
}

function isDue(at: number | null, now: number): boolean {
  return at !== null && at <= now;
}

/** The earliest due work, no sooner than the backoff allows; null when nothing is due. */
function earliestDue(state: SchedulerDecisionState): number | null {
  const candidates = [state.periodicDueAt, state.fullRequestedAt, state.pushDueAt].filter(
    (value): value is number => value !== null,
  );
  if (candidates.length === 0) return null;
  const earliest = Math.min(...candidates);
  return state.backoffUntil === null ? earliest : Math.max(earliest, state.backoffUntil);
}

/** What is due now: a full sync wins over a push, since it pushes too. */
function dueKind(state: SchedulerDecisionState, now: number): SyncKind | null {
  if (state.backoffUntil !== null && now < state.backoffUntil) return null;
  if (isDue(state.periodicDueAt, now) || isDue(state.fullRequestedAt, now)) return 'full';
  return isDue(state.pushDueAt, now) ? 'push' : null;
}

const NOTHING: SchedulerDecision = { run: null, nextSyncAt: null, wakeAt: null, offlineRecheckAt: null };

/** Nothing may run at all; being offline is handled apart (it still re-checks the OS). */
export function isBlocked(state: SchedulerDecisionState): boolean {
  return !state.started || state.stopped || state.pausedFor !== null || state.unauthorized;
}

export function decideNextSync(state: SchedulerDecisionState, now: number): SchedulerDecision {
  const due = isBlocked(state) ? null : earliestDue(state);
  if (due === null) return NOTHING;
  if (!state.online) {
    // Offline, nothing is due; but should the OS's "online" event never come, look again once
    // per interval. Asking the OS costs no network request, so this is no retry storm.
    const recheckAt =
      state.offlineRecheckAt === null || state.offlineRecheckAt <= now
        ? now + state.intervalMs
        : state.offlineRecheckAt;
    return {
      run: null,
      nextSyncAt: null,
      wakeAt: state.running ? null : recheckAt,
      offlineRecheckAt: recheckAt,
    };
  }
  if (state.running) return { run: null, nextSyncAt: due, wakeAt: null, offlineRecheckAt: null };
  return { run: dueKind(state, now), nextSyncAt: due, wakeAt: due, offlineRecheckAt: null };
}
