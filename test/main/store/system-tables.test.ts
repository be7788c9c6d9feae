import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { todoTable } from '../../../common/todo-table';
import type { LocalStore } from '../../../main/store';
import type { NewOperation, NewSyncIssue } from '../../../main/store/types';
import { openIn, storeErrorOf, tempFolder, type TempFolder } from '../../support/store-fixtures';

let folder: TempFolder;
let store: LocalStore;

beforeEach(() => {
  folder = tempFolder();
  store = openIn(folder, [todoTable]);
});

afterEach(() => {
  store.close();
  folder.remove();
});

function reopen(): void {
  store.close();
  store = openIn(folder, [todoTable]);
}

const base = {
  id: 'r1',
  text: 'before',
  complete: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  tags: ['a', null],
};

function newOperation(overrides: Partial<NewOperation> = {}): NewOperation {
  return {
    tableName: 'todoitem',
    recordId: 'r1',
    action: 'update',
    version: 'AAAB',
    base,
    item: null,
    ...overrides,
  };
}

describe('operations', () => {
  it('round-trips every field across a reopen, in queue order', () => {
    const first = store.operations.append(newOperation());
    const second = store.operations.append(
      newOperation({ recordId: 'r2', action: 'delete', base: null, item: base, version: null }),
    );
    const third = store.operations.append(
      newOperation({ tableName: 'other', recordId: 'r3', action: 'insert', base: null }),
    );
    expect(first).toMatchObject({ ...newOperation(), pushing: false, attempts: 0 });
    expect(first.createdAt).toBeInstanceOf(Date);
    expect(second.id).toBeGreaterThan(first.id);
    reopen();
    expect(store.operations.list()).toEqual([first, second, third]);
    expect(store.operations.get(second.id)).toEqual(second);
    expect(store.operations.list({ tableName: 'todoitem' }).map((op) => op.id)).toEqual([
      first.id,
      second.id,
    ]);
    expect(store.operations.forRecord('todoitem', 'r2')).toEqual([second]);
    expect(store.operations.countByTable()).toEqual({ todoitem: 2, other: 1 });
    expect(store.operations.pendingRecordIds('todoitem')).toEqual(new Set(['r1', 'r2']));
    expect(store.operations.newestId()).toBe(third.id);
    store.operations.remove(third.id);
    expect(store.operations.newestId()).toBe(second.id);
  });

  it('updates fields, resets the pushing flag, and removes', () => {
    const op = store.operations.append(newOperation());
    const pushing = store.operations.update(op.id, { pushing: true, attempts: 2, item: { text: 'x' } });
    expect(pushing).toMatchObject({ pushing: true, attempts: 2, item: { text: 'x' }, base });
    store.operations.resetPushing();
    expect(store.operations.get(op.id)?.pushing).toBe(false);
    expect(store.operations.remove(op.id)).toBe(true);
    expect(store.operations.remove(op.id)).toBe(false);
    expect(storeErrorOf(() => store.operations.update(op.id, { attempts: 3 })).code).toBe('not-found');
  });

  it('never reuses an id, even after the newest operation was removed', () => {
    const first = store.operations.append(newOperation());
    store.operations.remove(first.id);
    reopen();
    expect(store.operations.append(newOperation()).id).toBeGreaterThan(first.id);
  });

  it('refuses malformed operations', () => {
    expect(
      storeErrorOf(() => store.operations.append(newOperation({ action: 'upsert' as 'insert' }))).code,
    ).toBe('invalid-value');
    expect(storeErrorOf(() => store.operations.append(newOperation({ recordId: '' }))).code).toBe(
      'invalid-value',
    );
    expect(
      storeErrorOf(() => store.operations.append(newOperation({ base: [] as unknown as null }))).code,
    ).toBe('invalid-value');
    expect(storeErrorOf(() => store.operations.update(1, { attempts: -1 })).code).toBe('invalid-value');
    expect(store.operations.list()).toEqual([]);
  });
});

describe('sync issues', () => {
  const issue: NewSyncIssue = {
    operationId: 7,
    kind: 'conflict',
    tableName: 'todoitem',
    recordId: 'r1',
    action: 'update',
    httpStatus: 412,
    message: 'Changed on the server and here.',
    serverRecord: { ...base, text: 'server' },
    clientRecord: { ...base, text: 'client' },
    baseRecord: base,
  };

  it('round-trips, filters, counts and removes, across a reopen', () => {
    const conflict = store.syncIssues.add(issue);
    const rejected = store.syncIssues.add({
      ...issue,
      operationId: 8,
      kind: 'rejected',
      httpStatus: null,
      serverRecord: null,
      baseRecord: null,
    });
    reopen();
    expect(store.syncIssues.get(conflict.id)).toEqual(conflict);
    expect(store.syncIssues.list()).toEqual([conflict, rejected]);
    expect(store.syncIssues.list({ kind: 'rejected' })).toEqual([rejected]);
    expect(store.syncIssues.forOperation(7)).toEqual(conflict);
    expect(store.syncIssues.count()).toBe(2);
    expect(store.syncIssues.count({ kind: 'conflict' })).toBe(1);
    expect(store.syncIssues.removeForOperation(8)).toBe(1);
    expect(store.syncIssues.remove(conflict.id)).toBe(true);
    expect(store.syncIssues.count()).toBe(0);
  });

  it('filters by table and kind together, and refuses a filter of the wrong shape', () => {
    const conflict = store.syncIssues.add(issue);
    store.syncIssues.add({ ...issue, operationId: 8, tableName: 'other' });
    expect(store.syncIssues.list({ kind: 'conflict', tableName: 'todoitem' })).toEqual([conflict]);
    expect(store.syncIssues.list({ kind: 'rejected', tableName: 'todoitem' })).toEqual([]);
    const refused = [
      () => store.syncIssues.list({ kind: 'other' as 'conflict' }),
      () => store.syncIssues.list({ tableName: 5 as unknown as string }),
      () => store.syncIssues.list({ recordId: 'r1' } as never),
      () => store.syncIssues.count({ tableName: 'todoitem' } as never),
      () => store.operations.list({ recordId: '' }),
      () => store.operations.list({ kind: 'conflict' } as never),
      () => store.operations.list('todoitem' as never),
    ];
    for (const call of refused) expect(storeErrorOf(call).code).toBe('invalid-value');
  });

  it('refuses a malformed issue', () => {
    expect(storeErrorOf(() => store.syncIssues.add({ ...issue, kind: 'other' as 'conflict' })).code).toBe(
      'invalid-value',
    );
    expect(storeErrorOf(() => store.syncIssues.add({ ...issue, httpStatus: 4.5 })).code).toBe(
      'invalid-value',
    );
  });
});

describe('watermarks and key values', () => {
  it('round-trips a watermark with millisecond precision, replaces it, and clears a table', () => {
    const watermark = {
      tableName: 'todoitem',
      queryId: 'all',
      updatedAt: new Date('2026-11-29T14:41:05.414Z'),
      seenAtWatermark: { r1: 'AAAB', r2: 'AAAC' },
      lastId: 'r2',
    };
    store.watermarks.set(watermark);
    store.watermarks.set({ ...watermark, queryId: 'mine' });
    reopen();
    expect(store.watermarks.get('todoitem', 'all')).toEqual(watermark);
    store.watermarks.set({ ...watermark, seenAtWatermark: {} });
    expect(store.watermarks.get('todoitem', 'all')?.seenAtWatermark).toEqual({});
    store.watermarks.set({ ...watermark, lastId: null });
    expect(store.watermarks.get('todoitem', 'all')?.lastId).toBeNull();
    expect(storeErrorOf(() => store.watermarks.set({ ...watermark, lastId: '' })).code).toBe('invalid-value');
    expect(store.watermarks.clearTable('todoitem')).toBe(2);
    expect(store.watermarks.get('todoitem', 'all')).toBeUndefined();
    expect(
      storeErrorOf(() =>
        store.watermarks.set({ ...watermark, seenAtWatermark: { r1: 5 as unknown as string } }),
      ).code,
    ).toBe('invalid-value');
  });

  it('round-trips JSON values and deletes them', () => {
    const values = [true, 0, -1.5, 'text 😀', null, [1, [2]], { window: { x: 1, y: 2, maximized: false } }];
    values.forEach((value, index) => store.keyValues.set(`k${index}`, value));
    store.keyValues.set('k0', false);
    reopen();
    expect(store.keyValues.get('k0')).toBe(false);
    values.slice(1).forEach((value, index) => expect(store.keyValues.get(`k${index + 1}`)).toEqual(value));
    expect(store.keyValues.get('missing')).toBeUndefined();
    expect(store.keyValues.delete('k1')).toBe(true);
    expect(store.keyValues.delete('k1')).toBe(false);
    expect(storeErrorOf(() => store.keyValues.set('bad', Number.NaN)).code).toBe('invalid-value');
  });
});
