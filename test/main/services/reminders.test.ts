/**
 * The reminder scheduler with a clock moved by hand: fires each reminder once at its time,
 * shows what was missed while the app was closed once at start, and lets only one of two
 * processes on the same data folder notify. Real store files; no timers really run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { todoTable } from '../../../common/todo-table';
import {
  MAX_TIMER_MS,
  ReminderScheduler,
  type DueReminder,
  type ReminderClock,
} from '../../../main/services/reminders';
import { openStore, type LocalStore } from '../../../main/store';

class ManualClock implements ReminderClock {
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;
  constructor(public current: number) {}
  now = (): Date => new Date(this.current);
  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.current + ms, callback });
    return id;
  };
  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };
  /** Moves time forward, running each timer that comes due on the way, in order. */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const next = [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.timers.delete(next[0]);
      this.current = next[1].at;
      next[1].callback();
    }
    this.current = end;
  }
  get pending(): number {
    return this.timers.size;
  }
}

const START = new Date('2026-12-02T08:00:00.000Z').getTime();
const MINUTE = 60_000;

let dir: string;
let stores: LocalStore[];

function open(): LocalStore {
  const store = openStore({ path: path.join(dir, 'todo-sync.db'), tables: [todoTable] });
  stores.push(store);
  return store;
}

function scheduler(store: LocalStore, clock: ManualClock, shown: { texts: string[]; missed: boolean }[]) {
  return new ReminderScheduler({
    store,
    clock,
    notify: (reminders: DueReminder[], missed) => shown.push({ texts: reminders.map((r) => r.text), missed }),
  });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'todo-reminders-'));
  stores = [];
});
afterEach(() => {
  for (const store of stores) store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ReminderScheduler', () => {
  it('fires a reminder once, at its time, and not for completed todos', () => {
    const store = open();
    const clock = new ManualClock(START);
    const shown: { texts: string[]; missed: boolean }[] = [];
    const reminders = scheduler(store, clock, shown);
    reminders.start();
    const todos = store.table(todoTable);
    todos.insert({ text: 'Call Sam', reminderAt: new Date(START + 5 * MINUTE) });
    todos.insert({ text: 'Done already', complete: true, reminderAt: new Date(START + 5 * MINUTE) });
    todos.insert({ text: 'Later', reminderAt: new Date(START + 3 * 60 * MINUTE) });
    reminders.refresh();

    clock.advance(5 * MINUTE - 1);
    expect(shown).toEqual([]);
    clock.advance(1);
    expect(shown).toEqual([{ texts: ['Call Sam'], missed: false }]);
    clock.advance(60 * MINUTE);
    expect(shown).toHaveLength(1);
    clock.advance(2 * 60 * MINUTE);
    expect(shown).toEqual([
      { texts: ['Call Sam'], missed: false },
      { texts: ['Later'], missed: false },
    ]);
  });

  it('re-arms at most a minute ahead, so a slept laptop is late by a minute at most', () => {
    const store = open();
    const clock = new ManualClock(START);
    const reminders = scheduler(store, clock, []);
    store.table(todoTable).insert({ text: 'Far away', reminderAt: new Date(START + 10 * 24 * 60 * MINUTE) });
    reminders.start();
    expect(clock.pending).toBe(1);
    clock.advance(MAX_TIMER_MS);
    expect(clock.pending).toBe(1);
    reminders.stop();
    expect(clock.pending).toBe(0);
  });

  it('a changed reminder time is a new reminder; a cleared one does not fire', () => {
    const store = open();
    const clock = new ManualClock(START);
    const shown: { texts: string[]; missed: boolean }[] = [];
    const reminders = scheduler(store, clock, shown);
    reminders.start();
    const todos = store.table(todoTable);
    const todo = todos.insert({ text: 'Stretch', reminderAt: new Date(START + MINUTE) });
    const other = todos.insert({ text: 'Cleared', reminderAt: new Date(START + MINUTE) });
    todos.update(other.id, { reminderAt: null });
    reminders.refresh();
    clock.advance(MINUTE);
    todos.update(todo.id, { reminderAt: new Date(START + 10 * MINUTE) });
    reminders.refresh();
    clock.advance(10 * MINUTE);
    expect(shown.map((entry) => entry.texts)).toEqual([['Stretch'], ['Stretch']]);
  });

  it('shows reminders missed while the app was closed once, at the next start', () => {
    const clock = new ManualClock(START);
    const firstRun: { texts: string[]; missed: boolean }[] = [];
    let store = open();
    let reminders = scheduler(store, clock, firstRun);
    reminders.start();
    store.table(todoTable).insert({ text: 'While closed', reminderAt: new Date(START + 30 * MINUTE) });
    // Set long ago and already past when it arrived (e.g. pulled from the server): not news.
    store
      .table(todoTable)
      .insert({ text: 'Last year', reminderAt: new Date(START - 365 * 24 * 60 * MINUTE) });
    reminders.refresh();
    clock.advance(MINUTE);
    reminders.stop();
    store.close();
    stores = [];

    clock.advance(2 * 60 * MINUTE);
    const secondRun: { texts: string[]; missed: boolean }[] = [];
    store = open();
    reminders = scheduler(store, clock, secondRun);
    reminders.start();
    expect(secondRun).toEqual([{ texts: ['While closed'], missed: true }]);
    reminders.stop();
    store.close();
    stores = [];

    const thirdRun: { texts: string[]; missed: boolean }[] = [];
    store = open();
    reminders = scheduler(store, clock, thirdRun);
    reminders.start();
    expect(thirdRun).toEqual([]);
    expect(firstRun).toEqual([]);
  });

  it('two processes on one data folder: only one notifies each reminder', () => {
    const clock = new ManualClock(START);
    const first = open();
    const second = open();
    const shownByFirst: { texts: string[]; missed: boolean }[] = [];
    const shownBySecond: { texts: string[]; missed: boolean }[] = [];
    const a = scheduler(first, clock, shownByFirst);
    const b = scheduler(second, clock, shownBySecond);
    a.start();
    b.start();
    first.table(todoTable).insert({ text: 'Once only', reminderAt: new Date(START + MINUTE) });
    a.refresh();
    b.refresh();
    clock.advance(MINUTE);
    expect([...shownByFirst, ...shownBySecond]).toEqual([{ texts: ['Once only'], missed: false }]);
  });
});
