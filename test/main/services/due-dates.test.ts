/**
 * Due dates through the contract and the list query: the derived schemas accept every declared
 * column (and refuse a malformed due date), and the Today / Upcoming / Overdue views follow the
 * clock they are given. Real store on a temp file; no server is needed for local queries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  conflictResolutionSchema,
  newTodoSchema,
  todoChangesSchema,
  type TodoFilter,
} from '../../../common/ipc-contract';
import { describeDueDate, dueDateToDate, isOverdue } from '../../../common/due-dates';
import { userColumnsOf } from '../../../common/table-zod';
import { todoTable } from '../../../common/todo-table';
import { dueViewCondition } from '../../../main/services/due-views';
import { toSyncIssue } from '../../../main/services/sync-issues';
import { queryTodoPage } from '../../../main/services/todo-list';
import { openStore, type LocalStore } from '../../../main/store';
import { analyzeFields } from '../../../main/sync';
import { threeWayMerge } from '../../../main/sync/merge';

// A Wednesday, 10:30 local time.
const NOW = new Date(2026, 11, 2, 10, 30);

describe('the contract derives from the table declaration', () => {
  it('a per-field conflict choice needs exactly the declared columns', () => {
    const fields = Object.fromEntries(userColumnsOf(todoTable).map((name) => [name, 'mine']));
    expect(
      conflictResolutionSchema.safeParse({ issueId: 1, resolution: { choice: 'fields', fields } }).success,
    ).toBe(true);
    const { dueDate: _left, ...missingOne } = fields;
    expect(
      conflictResolutionSchema.safeParse({ issueId: 1, resolution: { choice: 'fields', fields: missingOne } })
        .success,
    ).toBe(false);
  });

  it('new todos and changes take due dates and reminders, and refuse malformed ones', () => {
    const reminder = new Date(2026, 11, 3, 9, 0);
    expect(
      newTodoSchema.parse({ text: 'Call Sam', dueDate: '2026-12-03T09:00', reminderAt: reminder }),
    ).toEqual({
      text: 'Call Sam',
      dueDate: '2026-12-03T09:00',
      reminderAt: reminder,
    });
    // An ISO string (the harness's JSON) becomes a Date.
    expect(todoChangesSchema.parse({ reminderAt: reminder.toISOString() })).toEqual({ reminderAt: reminder });
    expect(todoChangesSchema.parse({ dueDate: null })).toEqual({ dueDate: null });
    for (const bad of ['tomorrow', '2026-13-01', '2026-12-03 09:00', '2026-12-03T25:00']) {
      expect(todoChangesSchema.safeParse({ dueDate: bad }).success, bad).toBe(false);
    }
    expect(todoChangesSchema.safeParse({ reminderAt: 'soon' }).success).toBe(false);
    expect(todoChangesSchema.safeParse({}).success).toBe(false);
    expect(todoChangesSchema.safeParse({ colour: 'red' }).success).toBe(false);
  });
});

describe('due-date text', () => {
  it('reads both forms on the local calendar and rejects impossible days', () => {
    expect(dueDateToDate('2026-12-03')?.getTime()).toBe(new Date(2026, 11, 3).getTime());
    expect(dueDateToDate('2026-12-03T09:05')?.getTime()).toBe(new Date(2026, 11, 3, 9, 5).getTime());
    expect(dueDateToDate('2026-02-31')).toBeNull();
  });

  it('a plain day is overdue once it is over, a time once it has passed', () => {
    expect(isOverdue('2026-12-02', NOW)).toBe(false);
    expect(isOverdue('2026-12-01', NOW)).toBe(true);
    expect(isOverdue('2026-12-02T10:00', NOW)).toBe(true);
    expect(isOverdue('2026-12-02T11:00', NOW)).toBe(false);
  });

  it('describes days relative to now', () => {
    expect(describeDueDate('2026-12-02', NOW)).toBe('Today');
    expect(describeDueDate('2026-12-03', NOW)).toBe('Tomorrow');
    expect(describeDueDate('2026-12-01', NOW)).toBe('Yesterday');
    expect(describeDueDate('2026-12-03T09:00', NOW)).toMatch(/^Tomorrow 9/);
  });
});

describe('the due views', () => {
  let dir: string;
  let store: LocalStore;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'todo-due-'));
    store = openStore({ path: path.join(dir, 'todo.db'), tables: [todoTable] });
    const table = store.table(todoTable);
    const rows: [string, string | null, boolean][] = [
      ['last week', '2026-11-25', false],
      ['this morning', '2026-12-02T09:00', false],
      ['today, any time', '2026-12-02', false],
      ['this afternoon', '2026-12-02T15:00', false],
      ['tomorrow', '2026-12-03', false],
      ['next month', '2027-01-10T08:00', false],
      ['done yesterday', '2026-12-01', true],
      ['no date', null, false],
    ];
    for (const [text, dueDate, complete] of rows) table.insert({ text, dueDate, complete });
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const texts = (filter: TodoFilter, search?: string): string[] =>
    queryTodoPage(store, { filter, search, skip: 0, take: 100 }, NOW).items.map((item) => item.text);

  it('Today, Upcoming and Overdue hold the todos not done, soonest first', () => {
    expect(texts('today')).toEqual(['today, any time', 'this morning', 'this afternoon']);
    expect(texts('upcoming')).toEqual(['tomorrow', 'next month']);
    expect(texts('overdue')).toEqual(['last week', 'this morning']);
    const page = queryTodoPage(store, { filter: 'overdue', skip: 0, take: 100 }, NOW);
    expect(page.total).toBe(2);
    expect(page.counts).toMatchObject({ all: 8, today: 3, upcoming: 2, overdue: 2 });
  });

  it('each view is counted from a range of the (complete, dueDate) index, not by reading every todo', () => {
    // Counts run for every list refresh; at 100,000 todos a scan made Overdue's 2.4 ms of 3.7.
    const db = new Database(path.join(dir, 'todo.db'), { readonly: true });
    try {
      for (const view of ['today', 'upcoming', 'overdue'] as const) {
        const { count } = store.explainQuery('todoitem', {
          where: dueViewCondition(view, NOW),
          includeTotal: true,
        });
        if (!count) throw new Error('no count statement');
        const plan = (
          db.prepare(`EXPLAIN QUERY PLAN ${count.sql}`).all(...count.params) as { detail: string }[]
        )
          .map((row) => row.detail)
          .join('\n');
        expect(plan, view).not.toMatch(/^SCAN/m);
        expect(plan, view).toMatch(/INDEX idx\$todoitem\$complete\$dueDate \(complete=\? AND dueDate[<>]/);
      }
    } finally {
      db.close();
    }
  });

  it('a search narrows a view (both use $or)', () => {
    expect(texts('overdue', 'week')).toEqual(['last week']);
    expect(texts('today', 'after')).toEqual(['this afternoon']);
    const page = queryTodoPage(store, { filter: 'all', search: 'morning', skip: 0, take: 100 }, NOW);
    expect(page.counts).toMatchObject({ all: 1, today: 1, overdue: 1, upcoming: 0 });
  });
});

describe('who changed what comes from the engine', () => {
  const base = { text: 'a', complete: false, notes: null, dueDate: '2026-12-03', reminderAt: null };

  it('each side, both, same, and a field the server does not store', () => {
    const local = { ...base, text: 'mine', dueDate: '2026-12-04' };
    const { dueDate: _absent, reminderAt: _also, ...server } = { ...base, complete: true };
    const fields = userColumnsOf(todoTable);
    expect(analyzeFields(fields, base, local, server)).toEqual({
      text: 'mine',
      complete: 'server',
      notes: 'same',
      dueDate: 'local-only',
      reminderAt: 'local-only',
    });
    // The merge never takes a blank for a field the server lacks.
    const outcome = threeWayMerge(fields, base, local, server);
    expect(outcome.merged).toMatchObject({ text: 'mine', complete: true, dueDate: '2026-12-04' });
    expect(outcome.conflictingFields).toEqual([]);
  });

  it('the sync issue carries the analysis', () => {
    const issue = toSyncIssue({
      id: 1,
      operationId: 1,
      kind: 'conflict',
      tableName: 'todoitem',
      recordId: 'r',
      action: 'update',
      httpStatus: 412,
      message: 'm',
      createdAt: NOW,
      baseRecord: { id: 'r', version: '1', createdAt: null, updatedAt: null, deleted: false, ...base },
      clientRecord: {
        id: 'r',
        version: '1',
        createdAt: null,
        updatedAt: null,
        deleted: false,
        ...base,
        text: 'x',
      },
      serverRecord: {
        id: 'r',
        version: '2',
        createdAt: null,
        updatedAt: null,
        deleted: false,
        ...base,
        text: 'y',
        notes: 'n',
      },
    });
    expect(issue.fieldChanges).toEqual({
      text: 'both',
      complete: 'same',
      notes: 'server',
      dueDate: 'same',
      reminderAt: 'same',
    });
    expect(issue.serverRecord).toMatchObject({ text: 'y', dueDate: '2026-12-03', reminderAt: null });
  });
});
