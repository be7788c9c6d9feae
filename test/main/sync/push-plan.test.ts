/**
 * The push's decisions without a server: how a failure is classified, what an operation
 * sends, and which queued operations start now.
 */
import { describe, expect, it } from 'vitest';
import { todoTable } from '../../../common/todo-table';
import type { OperationRecord } from '../../../main/store/types';
import {
  BadResponseError,
  NetworkError,
  SyncHttpError,
  TimeoutError,
  UnauthorizedError,
} from '../../../main/sync/errors';
import { classifyFailure, nextToSend, planSend, recordKey } from '../../../main/sync/push-plan';
import { answerFor } from '../../../main/sync/push-remote';
import { RecordShape } from '../../../main/sync/records';

const request = { method: 'POST', path: '/tables/todoitem' };
const http = (status: number): SyncHttpError =>
  new SyncHttpError(status, 'refused', { body: undefined, request });

describe('classifyFailure', () => {
  it.each([
    ['a network failure', new NetworkError(request, new Error('ECONNREFUSED')), 'unreachable'],
    ['a timeout', new TimeoutError(request, 30_000), 'unreachable'],
    ['a 401', new UnauthorizedError(request, true), 'unreachable'],
    ['a 502', http(502), 'unreachable'],
    ['a 504', http(504), 'unreachable'],
    ['a 429', http(429), 'slow-down'],
    ['a 503', http(503), 'slow-down'],
    ['a 500', http(500), 'inconclusive'],
    ['a garbled success', new BadResponseError(request, 201, 'the body is not JSON'), 'inconclusive'],
    ['a garbled refusal', new BadResponseError(request, 400, 'no record'), 'answered'],
    ['a 400', http(400), 'answered'],
    ['a 409', http(409), 'answered'],
    ['a 412', http(412), 'answered'],
    ['a local failure', new Error('disk full'), 'unreachable'],
  ])('%s is %s', (_label, error, expected) => {
    expect(classifyFailure(error)).toBe(expected);
  });
});

describe('answerFor', () => {
  it.each([
    ['delete', 404, 'applied'],
    ['update', 404, 'conflict'],
    ['insert', 404, 'refused'],
    ['update', 412, 'conflict'],
    ['insert', 409, 'conflict'],
    ['insert', 400, 'refused'],
    ['insert', 413, 'refused'],
    ['update', 500, 'inconclusive'],
    ['update', 503, 'unreachable'],
  ] as const)('a %s answered %i is %s', (action, status, kind) => {
    expect(answerFor({ action }, http(status)).kind).toBe(kind);
  });

  it('marks an overloaded server as one to slow down for', () => {
    expect(answerFor({ action: 'insert' }, http(429))).toMatchObject({ kind: 'unreachable', slowDown: true });
    expect(answerFor({ action: 'insert' }, http(502))).toMatchObject({
      kind: 'unreachable',
      slowDown: false,
    });
  });
});

let nextId = 0;
function operation(recordId: string, overrides: Partial<OperationRecord> = {}): OperationRecord {
  nextId++;
  return {
    id: nextId,
    tableName: 'todoitem',
    recordId,
    action: 'update',
    version: 'v1',
    base: null,
    item: null,
    sent: null,
    pushing: false,
    attempts: 0,
    createdAt: new Date(0),
    ...overrides,
  } as OperationRecord;
}

describe('planSend', () => {
  const shape = new RecordShape(todoTable);
  const row = { id: 'r', text: 'now', complete: false, notes: null } as never;

  it('sends the row as it is now until the operation was sent', () => {
    const plan = planSend(operation('r'), row, true, shape);
    expect(plan.body).toMatchObject({ text: 'now' });
  });

  it('sends again exactly what it sent once edits are queued after it', () => {
    const sent = { id: 'r', text: 'then' };
    expect(planSend(operation('r', { sent }), row, true, shape).body).toEqual(sent);
    // No later edit: the row is this operation's content.
    expect(planSend(operation('r', { sent }), row, false, shape).body).toMatchObject({ text: 'now' });
  });

  it('a delete sends only the id and shows the deleted item', () => {
    const item = { id: 'r', text: 'gone' };
    const plan = planSend(operation('r', { action: 'delete', item }), undefined, false, shape);
    expect(plan.body).toEqual({ id: 'r' });
    expect(plan.clientRecord).toMatchObject({ text: 'gone' });
  });
});

describe('nextToSend', () => {
  const empty = {
    busy: new Set<string>(),
    blocked: new Set<string>(),
    taken: new Set<number>(),
    withIssues: new Set<number>(),
  };

  it('starts in queue order up to the room there is, one operation per record', () => {
    const queue = [operation('a'), operation('a'), operation('b'), operation('c'), operation('d')];
    const step = nextToSend(queue, { ...empty, room: 3 });
    expect(step.start.map((o) => o.recordId)).toEqual(['a', 'b', 'c']);
    expect(step.skip).toEqual([]);
  });

  it('holds a record’s later operations while an earlier one is in flight', () => {
    const [first, second, other] = [operation('a'), operation('a'), operation('b')];
    const step = nextToSend([first!, second!, other!], {
      ...empty,
      busy: new Set([recordKey(first!)]),
      taken: new Set([first!.id]),
      room: 8,
    });
    expect(step.start).toEqual([other]);
  });

  it('skips records waiting on an issue, with all their later operations', () => {
    const [issue, later, other] = [operation('a'), operation('a'), operation('b')];
    const step = nextToSend([issue!, later!, other!], {
      ...empty,
      withIssues: new Set([issue!.id]),
      room: 8,
    });
    expect(step.skip).toEqual([issue, later]);
    expect(step.start).toEqual([other]);
  });

  it('reads the queue only until the room is filled; what to skip further on waits for a later call', () => {
    const [first, issue, later] = [operation('a'), operation('b'), operation('b')];
    let read = 0;
    const queue = function* (): Generator<OperationRecord> {
      for (const item of [first!, issue!, later!]) {
        read++;
        yield item;
      }
    };
    const state = { ...empty, withIssues: new Set([issue!.id]) };
    const full = nextToSend(queue(), { ...state, room: 1 });
    expect(full).toEqual({ start: [first], skip: [] });
    expect(read).toBe(1);
    read = 0;
    expect(nextToSend(queue(), { ...state, room: 0 })).toEqual({ start: [], skip: [] });
    expect(read).toBe(0);
    // With room to spare, the call reads on and finds the skips.
    const after = nextToSend(queue(), { ...state, taken: new Set([first!.id]), room: 1 });
    expect(after).toEqual({ start: [], skip: [issue, later] });
  });

  it('never overtakes: a record not started for lack of room holds its later operations', () => {
    const queue = [operation('a'), operation('b'), operation('b')];
    const step = nextToSend(queue, { ...empty, room: 1 });
    expect(step.start.map((o) => o.recordId)).toEqual(['a']);
  });
});
