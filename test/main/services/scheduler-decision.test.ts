/**
 * The scheduler's decision of what to run next, as a table: a state and a time in, which sync
 * to start and when to look again out. No timers: decideNextSync is a pure function.
 */
import { describe, expect, it } from 'vitest';
import {
  decideNextSync,
  type SchedulerDecision,
  type SchedulerDecisionState,
} from '../../../main/services/scheduler-decision';

const MINUTE = 60_000;
const NOW = 1_000_000;

/** Started, online, idle, with nothing due. */
const idle: SchedulerDecisionState = {
  started: true,
  stopped: false,
  pausedFor: null,
  unauthorized: false,
  running: false,
  online: true,
  intervalMs: 5 * MINUTE,
  periodicDueAt: null,
  fullRequestedAt: null,
  pushDueAt: null,
  backoffUntil: null,
  offlineRecheckAt: null,
};

const nothing: SchedulerDecision = { run: null, nextSyncAt: null, wakeAt: null, offlineRecheckAt: null };

const rows: [string, Partial<SchedulerDecisionState>, SchedulerDecision][] = [
  ['nothing due: no run, no timer', {}, nothing],
  [
    'a full sync asked for now runs now',
    { fullRequestedAt: NOW },
    { run: 'full', nextSyncAt: NOW, wakeAt: NOW, offlineRecheckAt: null },
  ],
  [
    'the periodic sync, once its time has come, is a full sync',
    { periodicDueAt: NOW - 1 },
    { run: 'full', nextSyncAt: NOW - 1, wakeAt: NOW - 1, offlineRecheckAt: null },
  ],
  [
    'a push due now runs as a push',
    { pushDueAt: NOW },
    { run: 'push', nextSyncAt: NOW, wakeAt: NOW, offlineRecheckAt: null },
  ],
  [
    'a push and a full sync both due: one full sync (it pushes too)',
    { pushDueAt: NOW - 10, fullRequestedAt: NOW },
    { run: 'full', nextSyncAt: NOW - 10, wakeAt: NOW - 10, offlineRecheckAt: null },
  ],
  [
    'a push due now and a periodic sync later: the push runs now',
    { pushDueAt: NOW, periodicDueAt: NOW + MINUTE },
    { run: 'push', nextSyncAt: NOW, wakeAt: NOW, offlineRecheckAt: null },
  ],
  [
    'a push still debouncing: wait for it',
    { pushDueAt: NOW + 2_000, periodicDueAt: NOW + MINUTE },
    { run: null, nextSyncAt: NOW + 2_000, wakeAt: NOW + 2_000, offlineRecheckAt: null },
  ],
  [
    'backoff holds a due full sync until it ends',
    { fullRequestedAt: NOW - 5_000, backoffUntil: NOW + 20_000 },
    { run: null, nextSyncAt: NOW + 20_000, wakeAt: NOW + 20_000, offlineRecheckAt: null },
  ],
  [
    'backoff holds a push too',
    { pushDueAt: NOW, backoffUntil: NOW + 1 },
    { run: null, nextSyncAt: NOW + 1, wakeAt: NOW + 1, offlineRecheckAt: null },
  ],
  [
    'once the backoff has passed, the retry runs',
    { fullRequestedAt: NOW - 5_000, backoffUntil: NOW },
    { run: 'full', nextSyncAt: NOW, wakeAt: NOW, offlineRecheckAt: null },
  ],
  [
    'backoff does not bring later work forward',
    { periodicDueAt: NOW + MINUTE, backoffUntil: NOW + 1_000 },
    { run: null, nextSyncAt: NOW + MINUTE, wakeAt: NOW + MINUTE, offlineRecheckAt: null },
  ],
  [
    'a run in progress: nothing starts and no timer is armed, the due time still shows',
    { running: true, fullRequestedAt: NOW },
    { run: null, nextSyncAt: NOW, wakeAt: null, offlineRecheckAt: null },
  ],
  ['not started yet: nothing', { started: false, fullRequestedAt: NOW }, nothing],
  ['stopped: nothing', { stopped: true, fullRequestedAt: NOW, pushDueAt: NOW }, nothing],
  ['working offline: nothing, edits keep queueing', { pausedFor: 'work-offline', pushDueAt: NOW }, nothing],
  ['no backend: nothing', { pausedFor: 'no-backend', fullRequestedAt: NOW }, nothing],
  [
    'unauthorized: waits for new credentials, even the periodic sync',
    { unauthorized: true, periodicDueAt: NOW },
    nothing,
  ],
  [
    'offline with work due: no run, no due time shown, the OS is asked again in one interval',
    { online: false, fullRequestedAt: NOW },
    { run: null, nextSyncAt: null, wakeAt: NOW + 5 * MINUTE, offlineRecheckAt: NOW + 5 * MINUTE },
  ],
  [
    'offline, the re-check still ahead: it is kept, not pushed back',
    { online: false, pushDueAt: NOW, offlineRecheckAt: NOW + MINUTE },
    { run: null, nextSyncAt: null, wakeAt: NOW + MINUTE, offlineRecheckAt: NOW + MINUTE },
  ],
  [
    'offline, the re-check has passed: a new one an interval from now',
    { online: false, pushDueAt: NOW, offlineRecheckAt: NOW },
    { run: null, nextSyncAt: null, wakeAt: NOW + 5 * MINUTE, offlineRecheckAt: NOW + 5 * MINUTE },
  ],
  [
    'offline with nothing due: no re-check either',
    { online: false, offlineRecheckAt: NOW + MINUTE },
    nothing,
  ],
  [
    'offline during a run: the re-check is remembered but no timer runs beside the run',
    { online: false, running: true, fullRequestedAt: NOW },
    { run: null, nextSyncAt: null, wakeAt: null, offlineRecheckAt: NOW + 5 * MINUTE },
  ],
  [
    'back online: the remembered re-check is dropped',
    { pushDueAt: NOW + 1_000, offlineRecheckAt: NOW + MINUTE },
    { run: null, nextSyncAt: NOW + 1_000, wakeAt: NOW + 1_000, offlineRecheckAt: null },
  ],
];

describe('decideNextSync', () => {
  it.each(rows)('%s', (_name, overrides, expected) => {
    expect(decideNextSync({ ...idle, ...overrides }, NOW)).toEqual(expected);
  });
});
