/**
 * When reminders fire. The scheduler owns the timing; the shell (main/shell/notifications.ts)
 * owns how a reminder is shown. Everything that decides goes through an injected clock, so the
 * tests move time by hand.
 *
 * - A reminder fires once, when its time comes while the app runs.
 * - Reminders whose time passed while the app was closed are shown once at start, as "missed"
 *   (only those after the last check: a todo synced in with last year's reminder is not news).
 * - Each reminder is claimed in the store before it is shown: two processes on the same data
 *   folder (the single-instance lock is per data folder, so this is the case that remains)
 *   race on one IMMEDIATE transaction and only the winner notifies. Editing the reminder time
 *   makes it a new reminder.
 */
import { todoTable, type TodoItem } from '../../common/todo-table';
import type { Store } from '../store/types';
import type { Logger } from './logger';

export interface DueReminder {
  id: string;
  text: string;
  reminderAt: Date;
  dueDate: string | null;
}

export interface ReminderClock {
  now(): Date;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemReminderClock: ReminderClock = {
  now: () => new Date(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending reminder must not keep a quitting process alive.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ReminderSchedulerOptions {
  store: Store;
  /** Shows reminders; `missed` for those whose time passed while the app was closed. */
  notify(reminders: DueReminder[], missed: boolean): void;
  clock?: ReminderClock;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

/** The last moment reminders were checked up to (ISO): what "missed" is counted from. */
const CHECKED_UNTIL_KEY = 'reminders.checkedUntil';
/** Per todo: the reminder time that was shown (ISO), so it is shown once, by one process. */
const SHOWN_KEY_PREFIX = 'reminders.shown.';
/**
 * Timers are re-armed at least this often: a laptop that slept, or a clock that was changed,
 * leaves a long timer late; re-checking bounds that lateness.
 */
export const MAX_TIMER_MS = 60_000;
/** Reminders shown one by one at start; more than this become one summary notification. */
export const MAX_SEPARATE_MISSED = 3;

export class ReminderScheduler {
  private readonly clock: ReminderClock;
  private timer: unknown;
  private running = false;

  constructor(private readonly options: ReminderSchedulerOptions) {
    this.clock = options.clock ?? systemReminderClock;
  }

  /** Shows what was missed while the app was closed, then waits for the next reminder. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.check(true);
  }

  /** Todos changed (an edit, a pull): the next reminder may be sooner, or gone. */
  refresh(): void {
    if (this.running) this.check(false);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private check(atStart: boolean): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    try {
      const now = this.clock.now();
      const due = this.claimDue(now);
      if (due.length > 0) this.options.notify(due, atStart);
      this.arm(now);
    } catch (error) {
      // A locked or closing store must not stop reminders for good: try again shortly.
      this.options.logger?.warn('Checking reminders failed', error);
      if (this.running) this.timer = this.clock.setTimeout(() => this.check(false), MAX_TIMER_MS);
    }
  }

  /** The reminders due since the last check, each claimed by this process in one transaction. */
  private claimDue(now: Date): DueReminder[] {
    const { store } = this.options;
    const table = store.table(todoTable);
    return store.transaction(() => {
      const stored = store.keyValues.get(CHECKED_UNTIL_KEY);
      const since = typeof stored === 'string' ? new Date(stored) : null;
      // Another process may have checked further already; never move the mark back.
      if (!since || since.getTime() < now.getTime())
        store.keyValues.set(CHECKED_UNTIL_KEY, now.toISOString());
      // The first run ever has nothing to catch up on.
      if (!since || Number.isNaN(since.getTime())) return [];
      const rows = table.query({
        where: { complete: false, reminderAt: { gt: since, le: now } },
        orderBy: [{ column: 'reminderAt' }, { column: 'id' }],
      }).items;
      return rows.flatMap((row) => (this.claim(row) ? [toReminder(row)] : []));
    });
  }

  private claim(row: TodoItem): boolean {
    const { keyValues } = this.options.store;
    const at = row.reminderAt?.toISOString();
    if (!at) return false;
    const key = SHOWN_KEY_PREFIX + row.id;
    if (keyValues.get(key) === at) return false;
    keyValues.set(key, at);
    return true;
  }

  private arm(now: Date): void {
    if (!this.running) return;
    const next = this.options.store.table(todoTable).query({
      where: { complete: false, reminderAt: { gt: now } },
      orderBy: [{ column: 'reminderAt' }],
      take: 1,
      select: ['id', 'reminderAt'],
    }).items[0];
    const wait = next?.reminderAt ? next.reminderAt.getTime() - now.getTime() : MAX_TIMER_MS;
    this.timer = this.clock.setTimeout(() => this.check(false), Math.max(0, Math.min(wait, MAX_TIMER_MS)));
  }
}

function toReminder(row: TodoItem): DueReminder {
  return { id: row.id, text: row.text, reminderAt: row.reminderAt as Date, dueDate: row.dueDate };
}
