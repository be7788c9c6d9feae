/**
 * When to sync. The scheduler owns timing only: it decides when to call `runSync` and never
 * talks to the network itself. Time, timers and randomness are injected so tests drive it with
 * fake time; the shell feeds OS events in (resume, online/offline) because this module does not
 * import electron.
 *
 * Rules:
 * - a full sync (push, then pull) at start, every `intervalMinutes`, on resume, when the network
 *   returns, when credentials or the backend change, and when work-offline is turned off;
 * - a push shortly after local edits (debounced, so a burst of edits is one push);
 * - after a failure, retries back off exponentially with jitter up to a cap, and a success
 *   resets them; offline and unauthorized states wait for their event instead of retrying;
 * - single flight: at most one run at a time; what is asked for during a run happens in one
 *   run after it;
 * - while paused (work offline, or no backend at all) nothing runs; edits keep queueing.
 */
import type { SyncErrorInfo, SyncResult } from '../../common/sync-types';
import { messageOf } from './errors';
import { silentLogger, type Logger } from './logger';
import {
  decideNextSync,
  isBlocked,
  type PauseReason,
  type SchedulerDecision,
  type SchedulerDecisionState,
  type SyncKind,
} from './scheduler-decision';

export type { PauseReason, SyncKind } from './scheduler-decision';

export interface SchedulerClock {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
  /** In [0, 1): spreads the retries of many clients apart. */
  random(): number;
}

/** Reads the globals at call time, so fake timers installed later still apply. */
export const systemClock: SchedulerClock = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
  random: () => Math.random(),
};

export interface BackoffPolicy {
  /** Delay after the first failure; each further failure doubles it. */
  initialMs: number;
  maxMs: number;
  /** Up to this fraction of each delay is taken off at random (0: none, 1: "full jitter"). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 10_000, maxMs: 5 * 60_000, jitter: 0.5 };
export const DEFAULT_PUSH_DEBOUNCE_MS = 2_000;

export interface SchedulerOptions {
  runSync(kind: SyncKind): Promise<SyncResult>;
  /** The OS's view of the network; checked at start and before each background run. */
  isOnline(): boolean;
  intervalMinutes: number;
  clock?: SchedulerClock;
  pushDebounceMs?: number;
  backoff?: Partial<BackoffPolicy>;
  logger?: Logger;
}

export interface SchedulerState {
  running: boolean;
  /** When the next background run is due; null when none is scheduled (paused, offline...). */
  nextSyncAt: Date | null;
  pausedFor: PauseReason | null;
  online: boolean;
  /** The server refused the credentials; background syncs wait for new ones. */
  unauthorized: boolean;
  consecutiveFailures: number;
}

interface FollowUp {
  kind: SyncKind;
  promise: Promise<SyncResult>;
  resolve(result: SyncResult): void;
}

const PAUSE_MESSAGES: Record<PauseReason, string> = {
  'work-offline': 'Todo Sync is set to work offline. Turn off “Work offline” to sync.',
  'no-backend': 'No backend is configured, so your todos are kept on this computer only.',
};

export class SyncScheduler {
  private readonly clock: SchedulerClock;
  private readonly backoff: BackoffPolicy;
  private readonly pushDebounceMs: number;
  private readonly logger: Logger;
  private readonly listeners = new Set<(state: SchedulerState) => void>();

  private intervalMs: number;
  private started = false;
  private stopped = false;
  private readonly pauseReasons = new Set<PauseReason>();
  private online = true;
  private unauthorized = false;
  private failures = 0;
  private backoffUntil: number | null = null;

  // What is due, and when. The single timer is armed for the earliest of these.
  private periodicDueAt: number | null = null;
  private fullRequestedAt: number | null = null;
  private pushDueAt: number | null = null;
  private lastFullRunAt: number | null = null;
  private offlineRecheckAt: number | null = null;

  private timer: { handle: unknown } | null = null;
  private nextRunAt: number | null = null;
  private active: Promise<SyncResult> | null = null;
  private followUp: FollowUp | null = null;
  private lastEmitted = '';

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.pushDebounceMs = options.pushDebounceMs ?? DEFAULT_PUSH_DEBOUNCE_MS;
    this.logger = options.logger ?? silentLogger;
    this.intervalMs = minutesToMs(options.intervalMinutes);
  }

  // ------------------------------------------------------------------ lifecycle

  /** Starts background syncing with a full sync now (unless paused or offline). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.online = this.options.isOnline();
    this.fullRequestedAt = this.clock.now();
    this.schedule();
  }

  /** Stops scheduling; resolves once a run in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.disarm();
    this.nextRunAt = null;
    const pendingFollowUp = this.followUp;
    this.followUp = null;
    pendingFollowUp?.resolve(this.refusedResult('The app is closing; syncing stopped.'));
    await this.active?.catch(() => undefined);
    this.emitIfChanged();
  }

  // ------------------------------------------------------------------ inputs

  /** A local write was queued: push soon, once the burst of edits is over. */
  notifyLocalEdit(): void {
    this.pushDueAt = this.clock.now() + this.pushDebounceMs;
    this.schedule();
  }

  /** The computer woke up: what happened meanwhile is worth fetching now. */
  notifyResume(): void {
    this.backoffUntil = null;
    this.requestFullSync();
  }

  notifyOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    if (online) {
      // The failures were most likely the missing network: try at once.
      this.backoffUntil = null;
      this.requestFullSync();
    } else {
      this.schedule();
    }
  }

  /** A new auth token or backend address: the old failures say nothing about the new one. */
  notifyConnectionChanged(): void {
    this.unauthorized = false;
    this.failures = 0;
    this.backoffUntil = null;
    this.requestFullSync();
  }

  /** A full sync soon, in the background (respecting backoff, pause, offline). */
  requestFullSync(): void {
    this.fullRequestedAt = this.clock.now();
    this.schedule();
  }

  setIntervalMinutes(minutes: number): void {
    this.intervalMs = minutesToMs(minutes);
    if (this.periodicDueAt !== null) {
      const base = this.lastFullRunAt ?? this.clock.now();
      this.periodicDueAt = Math.max(this.clock.now(), base + this.intervalMs);
    }
    this.schedule();
  }

  setPaused(reason: PauseReason, paused: boolean): void {
    const wasPaused = this.pauseReasons.size > 0;
    if (paused) this.pauseReasons.add(reason);
    else this.pauseReasons.delete(reason);
    if (wasPaused && this.pauseReasons.size === 0) {
      this.backoffUntil = null;
      this.requestFullSync();
    } else {
      this.schedule();
    }
  }

  isPaused(reason?: PauseReason): boolean {
    return reason ? this.pauseReasons.has(reason) : this.pauseReasons.size > 0;
  }

  /**
   * Sync now, as the person asked: bypasses backoff, offline and unauthorized waits, but not a
   * pause. If a run is active, waits for it and then runs once (callers meanwhile share that run).
   */
  runNow(kind: SyncKind = 'full'): Promise<SyncResult> {
    if (this.stopped) return Promise.resolve(this.refusedResult('The app is closing; syncing stopped.'));
    const pausedFor = this.pausedFor();
    if (pausedFor) return Promise.resolve(this.refusedResult(PAUSE_MESSAGES[pausedFor]));
    if (this.active) return this.joinFollowUp(kind);
    return this.startRun(kind);
  }

  syncNow(): Promise<SyncResult> {
    return this.runNow('full');
  }

  // ------------------------------------------------------------------ state

  getState(): SchedulerState {
    return {
      running: this.active !== null,
      nextSyncAt: this.nextRunAt === null ? null : new Date(this.nextRunAt),
      pausedFor: this.pausedFor(),
      online: this.online,
      unauthorized: this.unauthorized,
      consecutiveFailures: this.failures,
    };
  }

  /** Called whenever the state changes; returns the unsubscribe function. */
  subscribe(listener: (state: SchedulerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The delay before retry number `failures` (1-based), before jitter. Exposed for tests and docs. */
  backoffCeilingMs(failures: number): number {
    return Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.max(0, failures - 1));
  }

  // ------------------------------------------------------------------ internals

  private pausedFor(): PauseReason | null {
    for (const reason of ['no-backend', 'work-offline'] as const)
      if (this.pauseReasons.has(reason)) return reason;
    return null;
  }

  private decisionState(): SchedulerDecisionState {
    return {
      started: this.started,
      stopped: this.stopped,
      pausedFor: this.pausedFor(),
      unauthorized: this.unauthorized,
      running: this.active !== null,
      online: this.online,
      intervalMs: this.intervalMs,
      periodicDueAt: this.periodicDueAt,
      fullRequestedAt: this.fullRequestedAt,
      pushDueAt: this.pushDueAt,
      backoffUntil: this.backoffUntil,
      offlineRecheckAt: this.offlineRecheckAt,
    };
  }

  private decide(): SchedulerDecision {
    return decideNextSync(this.decisionState(), this.clock.now());
  }

  /** Re-arms the single timer for what decideNextSync says comes next. */
  private schedule(): void {
    this.disarm();
    const { nextSyncAt, wakeAt, offlineRecheckAt } = this.decide();
    this.nextRunAt = nextSyncAt;
    this.offlineRecheckAt = offlineRecheckAt;
    if (wakeAt !== null) {
      const delay = Math.max(0, wakeAt - this.clock.now());
      const timer = { handle: undefined as unknown };
      timer.handle = this.clock.setTimeout(() => {
        if (this.timer === timer) this.timer = null;
        this.onTimer();
      }, delay);
      this.timer = timer;
    }
    this.emitIfChanged();
  }

  private disarm(): void {
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = null;
  }

  private onTimer(): void {
    if (!isBlocked(this.decisionState()) && !this.active) this.checkNetwork();
    const { run } = this.decide();
    if (run === null) return this.schedule();
    void this.startRun(run);
  }

  /** Asks the OS before a background run; a network found back is worth a full sync at once. */
  private checkNetwork(): void {
    if (!this.options.isOnline()) {
      this.online = false;
      return;
    }
    if (!this.online) {
      this.online = true;
      this.backoffUntil = null;
      this.fullRequestedAt = this.clock.now();
    }
  }

  private joinFollowUp(kind: SyncKind): Promise<SyncResult> {
    if (this.followUp) {
      if (kind === 'full') this.followUp.kind = 'full';
      return this.followUp.promise;
    }
    let resolve: (result: SyncResult) => void = () => undefined;
    const promise = new Promise<SyncResult>((r) => (resolve = r));
    this.followUp = { kind, promise, resolve };
    return promise;
  }

  private startRun(kind: SyncKind): Promise<SyncResult> {
    const run = this.runOnce(kind);
    this.active = run;
    this.schedule();
    return run;
  }

  private async runOnce(kind: SyncKind): Promise<SyncResult> {
    // This run covers everything asked for so far; what is asked during it comes after.
    this.pushDueAt = null;
    if (kind === 'full') {
      this.fullRequestedAt = null;
      this.periodicDueAt = null;
    }
    let result: SyncResult;
    try {
      result = await this.options.runSync(kind);
    } catch (error) {
      this.logger.error(`Sync (${kind}) threw: ${messageOf(error)}`);
      result = failedResult('internal', `Syncing failed unexpectedly: ${messageOf(error)}`, this.clock.now());
    }
    this.recordOutcome(kind, result);
    this.active = null;
    this.startFollowUp();
    this.schedule();
    return result;
  }

  private recordOutcome(kind: SyncKind, result: SyncResult): void {
    const now = this.clock.now();
    if (kind === 'full') {
      this.lastFullRunAt = now;
      this.periodicDueAt = now + this.intervalMs;
    }
    const code = result.error?.code;
    // Conflicts and rejections are settled per record by the person; retrying changes nothing.
    if (code === undefined || code === 'conflict' || code === 'rejected') {
      this.failures = 0;
      this.backoffUntil = null;
      return;
    }
    if (code === 'unauthorized') {
      this.unauthorized = true;
      this.logger.warn('The server refused the credentials; background sync waits for a new token.');
      return;
    }
    if ((code === 'network' || code === 'timeout') && !this.options.isOnline()) {
      this.online = false;
      this.fullRequestedAt = now;
      return;
    }
    this.failures += 1;
    const ceiling = this.backoffCeilingMs(this.failures);
    const delay = Math.round(ceiling * (1 - this.backoff.jitter * this.clock.random()));
    this.backoffUntil = now + delay;
    this.fullRequestedAt = now;
    this.logger.warn(`Sync failed (${code}); retry ${this.failures} in ${Math.round(delay / 1000)} s.`);
  }

  private startFollowUp(): void {
    const followUp = this.followUp;
    if (!followUp) return;
    this.followUp = null;
    const pausedFor = this.pausedFor();
    if (this.stopped) return followUp.resolve(this.refusedResult('The app is closing; syncing stopped.'));
    if (pausedFor) return followUp.resolve(this.refusedResult(PAUSE_MESSAGES[pausedFor]));
    const run = this.runOnce(followUp.kind);
    this.active = run;
    void run.then(followUp.resolve);
  }

  private refusedResult(message: string): SyncResult {
    return failedResult('network', message, this.clock.now());
  }

  private emitIfChanged(): void {
    const state = this.getState();
    const fingerprint = JSON.stringify(state);
    if (fingerprint === this.lastEmitted) return;
    this.lastEmitted = fingerprint;
    for (const listener of this.listeners) listener(state);
  }
}

function minutesToMs(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes <= 0)
    throw new RangeError(`Invalid sync interval: ${minutes} minutes`);
  return minutes * 60_000;
}

export function failedResult(code: SyncErrorInfo['code'], message: string, at: number): SyncResult {
  return {
    ok: false,
    pushed: 0,
    pulled: 0,
    conflicts: 0,
    rejected: 0,
    retrying: 0,
    error: { code, message, at: new Date(at).toISOString() },
  };
}
