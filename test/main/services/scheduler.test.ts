import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncErrorCode, SyncResult } from '../../../common/sync-types';
import {
  SyncScheduler,
  systemClock,
  type SchedulerOptions,
  type SyncKind,
} from '../../../main/services/scheduler';

const MINUTE = 60_000;

interface Call {
  kind: SyncKind;
  at: number;
}

/** A fake sync: records calls, answers with the queued outcomes (success when none), can be held open. */
function fakeSync() {
  const calls: Call[] = [];
  const outcomes: (SyncErrorCode | 'ok')[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let hold: Promise<void> | null = null;
  let release: () => void = () => undefined;
  const runSync = async (kind: SyncKind): Promise<SyncResult> => {
    calls.push({ kind, at: Date.now() });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (hold) await hold;
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome === 'ok')
        return { ok: true, pushed: 0, pulled: 0, conflicts: 0, rejected: 0, retrying: 0, error: null };
      return {
        ok: false,
        pushed: 0,
        pulled: 0,
        conflicts: 0,
        rejected: 0,
        retrying: 0,
        error: { code: outcome, message: `failed: ${outcome}`, at: new Date().toISOString() },
      };
    } finally {
      inFlight -= 1;
    }
  };
  return {
    calls,
    runSync,
    failNext(...codes: (SyncErrorCode | 'ok')[]) {
      outcomes.push(...codes);
    },
    failAlways(code: SyncErrorCode) {
      outcomes.push(...Array.from({ length: 100 }, () => code));
    },
    holdRuns() {
      hold = new Promise<void>((resolve) => (release = resolve));
    },
    releaseRuns() {
      hold = null;
      release();
    },
    get maxInFlight() {
      return maxInFlight;
    },
    kinds: () => calls.map((c) => c.kind),
  };
}

let online = true;
let scheduler: SyncScheduler;
let sync: ReturnType<typeof fakeSync>;

function createScheduler(overrides: Partial<SchedulerOptions> = {}, random = 0): SyncScheduler {
  scheduler = new SyncScheduler({
    runSync: sync.runSync,
    isOnline: () => online,
    intervalMinutes: 5,
    clock: { ...systemClock, random: () => random },
    ...overrides,
  });
  return scheduler;
}

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
const gaps = (calls: Call[]) => calls.slice(1).map((call, i) => call.at - (calls[i]?.at ?? 0));

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T09:00:00Z') });
  online = true;
  sync = fakeSync();
});

afterEach(async () => {
  await scheduler?.stop();
  vi.useRealTimers();
});

describe('periodic sync', () => {
  it('syncs fully at start and then every interval', async () => {
    createScheduler().start();
    await advance(0);
    expect(sync.kinds()).toEqual(['full']);
    expect(scheduler.getState().nextSyncAt?.getTime()).toBe(Date.now() + 5 * MINUTE);

    await advance(5 * MINUTE - 1);
    expect(sync.calls).toHaveLength(1);
    await advance(1);
    await advance(10 * MINUTE);
    expect(sync.kinds()).toEqual(['full', 'full', 'full', 'full']);
    expect(gaps(sync.calls)).toEqual([5 * MINUTE, 5 * MINUTE, 5 * MINUTE]);
  });

  it('applies a new interval at once, counted from the last full sync', async () => {
    createScheduler().start();
    await advance(30_000);
    scheduler.setIntervalMinutes(1);
    expect(scheduler.getState().nextSyncAt?.getTime()).toBe(new Date('2026-01-01T09:01:00Z').getTime());
    await advance(30_000);
    expect(sync.calls).toHaveLength(2);

    scheduler.setIntervalMinutes(60);
    await advance(59 * MINUTE);
    expect(sync.calls).toHaveLength(2);
    await advance(MINUTE);
    expect(sync.calls).toHaveLength(3);
  });

  it('does not run before start, nor after stop', async () => {
    createScheduler();
    scheduler.notifyLocalEdit();
    scheduler.notifyResume();
    await advance(60 * MINUTE);
    expect(sync.calls).toHaveLength(0);

    scheduler.start();
    await advance(0);
    await scheduler.stop();
    await advance(60 * MINUTE);
    expect(sync.calls).toHaveLength(1);
    expect((await scheduler.syncNow()).ok).toBe(false);
  });
});

describe('after local edits', () => {
  it('pushes once, about 2 s after the last edit of a burst', async () => {
    createScheduler().start();
    await advance(0);
    scheduler.notifyLocalEdit();
    await advance(1_000);
    scheduler.notifyLocalEdit();
    await advance(1_000);
    scheduler.notifyLocalEdit();
    await advance(1_999);
    expect(sync.kinds()).toEqual(['full']);
    await advance(1);
    expect(sync.kinds()).toEqual(['full', 'push']);
    await advance(2 * MINUTE);
    expect(sync.kinds()).toEqual(['full', 'push']);
  });

  it('a push does not move the periodic full sync', async () => {
    createScheduler().start();
    await advance(0);
    await advance(MINUTE);
    scheduler.notifyLocalEdit();
    await advance(4 * MINUTE);
    expect(sync.kinds()).toEqual(['full', 'push', 'full']);
    expect(sync.calls[2]?.at).toBe(new Date('2026-01-01T09:05:00Z').getTime());
  });
});

describe('resume and network return', () => {
  it('syncs fully on resume', async () => {
    createScheduler().start();
    await advance(MINUTE);
    scheduler.notifyResume();
    await advance(0);
    expect(sync.kinds()).toEqual(['full', 'full']);
  });

  it('waits while offline and syncs when the network returns', async () => {
    online = false;
    createScheduler().start();
    scheduler.notifyLocalEdit();
    await advance(60 * MINUTE);
    expect(sync.calls).toHaveLength(0);
    expect(scheduler.getState()).toMatchObject({ online: false, nextSyncAt: null });

    online = true;
    scheduler.notifyOnline(true);
    await advance(0);
    expect(sync.kinds()).toEqual(['full']);
  });

  it('notices the network is back once per interval even if no event says so', async () => {
    online = false;
    createScheduler().start();
    await advance(60 * MINUTE);
    expect(sync.calls).toHaveLength(0);
    online = true;
    // Edits meanwhile do not postpone the check.
    for (let i = 0; i < 10; i++) {
      scheduler.notifyLocalEdit();
      await advance(30_000);
    }
    expect(sync.calls[0]).toEqual({ kind: 'full', at: new Date('2026-01-01T10:05:00Z').getTime() });
    expect(scheduler.getState().online).toBe(true);
  });

  it('a network failure while the OS reports offline waits for the network instead of retrying', async () => {
    createScheduler().start();
    sync.holdRuns();
    await advance(0);
    expect(sync.calls).toHaveLength(1);
    // The network drops during the run.
    online = false;
    sync.failNext('network');
    sync.releaseRuns();
    await advance(60 * MINUTE);
    expect(sync.calls).toHaveLength(1);
    expect(scheduler.getState().consecutiveFailures).toBe(0);

    online = true;
    scheduler.notifyOnline(true);
    await advance(0);
    expect(sync.calls).toHaveLength(2);
  });

  it('notices the OS going offline at the time a background run is due', async () => {
    createScheduler().start();
    await advance(0);
    online = false;
    await advance(60 * MINUTE);
    expect(sync.calls).toHaveLength(1);
    expect(scheduler.getState().online).toBe(false);
  });
});

describe('backoff after failures', () => {
  it('doubles the delay from 10 s up to the 5 minute cap, and resets after a success', async () => {
    sync.failNext('server', 'server', 'server', 'server', 'server', 'server', 'server', 'server');
    createScheduler().start();
    await advance(0);
    await advance(30 * MINUTE);
    const failing = sync.calls.slice(0, 9);
    expect(gaps(failing)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);

    // The ninth run succeeded: back to the normal period, and a new failure starts small again.
    const afterSuccess = sync.calls.slice(8);
    expect(gaps(afterSuccess).every((gap) => gap === 5 * MINUTE)).toBe(true);
    expect(scheduler.getState().consecutiveFailures).toBe(0);

    sync.failNext('timeout');
    scheduler.notifyResume();
    await advance(0);
    const failedAt = Date.now();
    await advance(10_000);
    expect(sync.calls.at(-1)?.at).toBe(failedAt + 10_000);
  });

  it('takes jitter off the delay, never above the ceiling and never below half of it', async () => {
    sync.failNext('server', 'server', 'server');
    createScheduler({}, 0.999).start();
    await advance(0);
    await advance(5 * MINUTE);
    const delays = gaps(sync.calls.slice(0, 4));
    expect(delays).toHaveLength(3);
    delays.forEach((delay, i) => {
      const ceiling = scheduler.backoffCeilingMs(i + 1);
      expect(delay).toBeLessThan(ceiling);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
    });
  });

  it('does not let local edits or resume turn backoff into a retry storm', async () => {
    sync.failAlways('server');
    createScheduler().start();
    await advance(0);
    for (let i = 0; i < 20; i++) {
      scheduler.notifyLocalEdit();
      await advance(3_000);
    }
    // 60 s of edits: retries at 10 s and 30 s (10 + 20) only.
    expect(sync.calls).toHaveLength(3);
  });

  it('treats a thrown error as a failure and keeps scheduling', async () => {
    let attempts = 0;
    createScheduler({
      runSync: () => {
        attempts += 1;
        return attempts === 1 ? Promise.reject(new Error('disk on fire')) : sync.runSync('full');
      },
    }).start();
    await advance(0);
    expect(scheduler.getState().consecutiveFailures).toBe(1);
    await advance(10_000);
    expect(attempts).toBe(2);
    expect(scheduler.getState().consecutiveFailures).toBe(0);
  });

  it('Sync Now bypasses backoff, and its success resets it', async () => {
    sync.failNext('server', 'server');
    createScheduler().start();
    await advance(0);
    await advance(10_000);
    expect(scheduler.getState().consecutiveFailures).toBe(2);
    const result = await scheduler.syncNow();
    expect(result.ok).toBe(true);
    expect(sync.calls).toHaveLength(3);
    expect(scheduler.getState()).toMatchObject({ consecutiveFailures: 0 });
    expect(scheduler.getState().nextSyncAt?.getTime()).toBe(Date.now() + 5 * MINUTE);
  });

  it('conflicts and rejections are not failures to retry', async () => {
    sync.failNext('conflict', 'rejected');
    createScheduler().start();
    await advance(0);
    await advance(4 * MINUTE);
    expect(sync.calls).toHaveLength(1);
    expect(scheduler.getState().consecutiveFailures).toBe(0);
  });
});

describe('unauthorized', () => {
  it('stops background syncing until the credentials change', async () => {
    sync.failNext('unauthorized');
    createScheduler().start();
    await advance(0);
    scheduler.notifyLocalEdit();
    scheduler.notifyResume();
    await advance(60 * MINUTE);
    expect(sync.calls).toHaveLength(1);
    expect(scheduler.getState()).toMatchObject({ unauthorized: true, nextSyncAt: null });

    scheduler.notifyConnectionChanged();
    await advance(0);
    expect(sync.calls).toHaveLength(2);
    expect(scheduler.getState().unauthorized).toBe(false);
  });

  it('still lets the person try Sync Now', async () => {
    sync.failNext('unauthorized', 'unauthorized');
    createScheduler().start();
    await advance(0);
    const result = await scheduler.syncNow();
    expect(result.error?.code).toBe('unauthorized');
    expect(sync.calls).toHaveLength(2);
  });
});

describe('single flight', () => {
  it('never runs two syncs at once, and coalesces what is asked meanwhile into one follow-up run', async () => {
    createScheduler().start();
    sync.holdRuns();
    await advance(0);
    expect(sync.calls).toHaveLength(1);

    scheduler.notifyLocalEdit();
    scheduler.notifyResume();
    scheduler.notifyConnectionChanged();
    const first = scheduler.syncNow();
    const second = scheduler.syncNow();
    const push = scheduler.runNow('push');
    await advance(10_000);
    expect(sync.calls).toHaveLength(1);

    sync.releaseRuns();
    const [a, b, c] = await Promise.all([first, second, push]);
    expect(a).toBe(b);
    expect(c).toBe(a);
    await advance(0);
    expect(sync.kinds()).toEqual(['full', 'full']);
    expect(sync.maxInFlight).toBe(1);
    await advance(4 * MINUTE);
    expect(sync.calls).toHaveLength(2);
  });

  it('background requests during a run become one run after it', async () => {
    createScheduler().start();
    sync.holdRuns();
    await advance(0);
    scheduler.notifyResume();
    scheduler.notifyOnline(false);
    scheduler.notifyOnline(true);
    await advance(MINUTE);
    sync.releaseRuns();
    await advance(0);
    expect(sync.kinds()).toEqual(['full', 'full']);
    await advance(MINUTE);
    expect(sync.calls).toHaveLength(2);
    expect(sync.maxInFlight).toBe(1);
  });

  it('Sync Now while a run is active waits for it and returns the result of its own run', async () => {
    sync.failNext('server', 'ok');
    createScheduler().start();
    sync.holdRuns();
    await advance(0);
    const now = scheduler.syncNow();
    sync.releaseRuns();
    const result = await now;
    expect(result.ok).toBe(true);
    expect(sync.calls).toHaveLength(2);
  });
});

describe('work offline', () => {
  it('pauses all syncing, keeps edits waiting, and syncs when turned off', async () => {
    createScheduler().start();
    await advance(0);
    scheduler.setPaused('work-offline', true);
    for (let i = 0; i < 5; i++) scheduler.notifyLocalEdit();
    scheduler.notifyResume();
    scheduler.notifyOnline(false);
    scheduler.notifyOnline(true);
    await advance(60 * MINUTE);
    expect(sync.calls).toHaveLength(1);
    expect(scheduler.getState()).toMatchObject({ pausedFor: 'work-offline', nextSyncAt: null });

    const refused = await scheduler.syncNow();
    expect(refused.ok).toBe(false);
    expect(refused.error?.message).toMatch(/work offline/i);
    expect(sync.calls).toHaveLength(1);

    scheduler.setPaused('work-offline', false);
    await advance(0);
    expect(sync.kinds()).toEqual(['full', 'full']);
  });

  it('a follow-up asked for before pausing does not run once paused', async () => {
    createScheduler().start();
    sync.holdRuns();
    await advance(0);
    const asked = scheduler.syncNow();
    scheduler.setPaused('work-offline', true);
    sync.releaseRuns();
    expect((await asked).ok).toBe(false);
    await advance(MINUTE);
    expect(sync.calls).toHaveLength(1);
  });

  it('with no backend nothing runs and Sync Now says so plainly', async () => {
    createScheduler();
    scheduler.setPaused('no-backend', true);
    scheduler.start();
    await advance(60 * MINUTE);
    expect(sync.calls).toHaveLength(0);
    expect((await scheduler.syncNow()).error?.message).toMatch(/no backend/i);
  });
});

describe('state for the status bar', () => {
  it('reports running and the next sync time to subscribers', async () => {
    createScheduler();
    const seen: { running: boolean; next: number | null }[] = [];
    scheduler.subscribe((state) =>
      seen.push({ running: state.running, next: state.nextSyncAt?.getTime() ?? null }),
    );
    scheduler.start();
    await advance(0);
    const start = new Date('2026-01-01T09:00:00Z').getTime();
    expect(seen).toContainEqual({ running: true, next: null });
    expect(seen.at(-1)).toEqual({ running: false, next: start + 5 * MINUTE });
  });
});
