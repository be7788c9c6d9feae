/**
 * Generates malformed IPC messages from the contract itself: for every channel, a valid
 * example is taken apart (fields removed, retyped, oversized, polluted, SQL put where a name
 * or a known value belongs), plus unknown channels and foreign senders. Each case says which
 * typed error the dispatcher must answer with.
 */
import { todoTable } from '../../../common/todo-table';
import { IPC_CHANNELS, type IpcChannel, type IpcErrorCode } from '../../../common/ipc-contract';
import type { IpcSender } from '../../../main/ipc/trusted-sender';
import { APP_ENTRY_URL } from '../../../main/ipc/trusted-sender';

export interface BadIpcCase {
  name: string;
  kind:
    | 'unknown-channel'
    | 'foreign-sender'
    | 'wrong-type'
    | 'missing-field'
    | 'extra-field'
    | 'huge-string'
    | 'prototype-key'
    | 'sql-in-value'
    | 'sql-in-name'
    | 'out-of-range'
    | 'unknown-id'
    | 'exotic-value';
  sender: IpcSender | null;
  channel: string;
  payload: unknown;
  expectedCode: IpcErrorCode;
}

export const APP_SENDER: IpcSender = { url: APP_ENTRY_URL, isMainFrame: true };

/** Ids that cannot exist: the handler must look and answer not-found, never create. */
export const MISSING_RECORD_ID = 'no-such-record-7f1c';
export const MISSING_ISSUE_ID = 987_654;

const SQL_VALUES = [
  "'; DROP TABLE todoitem; --",
  "x' OR '1'='1",
  '1; DELETE FROM operations',
  '") OR 1=1 --',
] as const;

const SQL_NAMES = [
  'text; DROP TABLE todoitem',
  'complete = 1 OR 1',
  '"text"',
  'text--',
  'rowid',
  'sqlite_master',
] as const;

/** Values of every JSON-ish type plus what structured clone can carry over IPC. */
function wrongTypedValues(): { label: string; value: unknown }[] {
  return [
    { label: 'number', value: 42 },
    { label: 'NaN', value: Number.NaN },
    { label: 'string', value: 'not the right type' },
    { label: 'boolean', value: true },
    { label: 'null', value: null },
    { label: 'array', value: ['a', 1] },
    { label: 'object', value: { nested: { deeper: 1 } } },
    { label: 'Date', value: new Date(0) },
  ];
}

/** A valid request for each channel, the starting point of the mutations. */
export const VALID_EXAMPLES: { readonly [C in IpcChannel]: unknown } = {
  'todos:query': { filter: 'all', skip: 0, take: 50 },
  'todos:add': { text: 'A valid todo', notes: null },
  'todos:update': { id: MISSING_RECORD_ID, changes: { text: 'changed' } },
  'todos:remove': { id: MISSING_RECORD_ID },
  'todos:bulk': { remove: [MISSING_RECORD_ID] },
  'sync:now': undefined,
  'sync:push': undefined,
  'sync:pull': undefined,
  'sync:status': undefined,
  'conflicts:list': undefined,
  'conflicts:resolve': { issueId: MISSING_ISSUE_ID, resolution: { choice: 'mine' } },
  'rejected:list': undefined,
  'rejected:retry': { issueId: MISSING_ISSUE_ID },
  'rejected:discard': { issueId: MISSING_ISSUE_ID },
  'settings:get': undefined,
  'settings:set': { syncIntervalMinutes: 5 },
  // Port 9 (discard) on loopback: refused at once, and nothing leaves the machine.
  'settings:test-connection': { backendUrl: 'http://127.0.0.1:9' },
  'data:export-unsynced': undefined,
  'data:reset': { discardUnsyncedChanges: false },
  'account:get': undefined,
  'account:sign-in': { provider: 'aad' },
  'account:sign-out': { confirmUnsyncedChanges: false },
  'account:basic-text-storage': { allow: false },
  'desktop:get-preferences': undefined,
  'desktop:set-preferences': { keepInTray: false },
};

/** Channels whose valid example still must not succeed: it names something that does not exist. */
const EXAMPLE_ANSWERS_NOT_FOUND: ReadonlySet<IpcChannel> = new Set([
  'todos:update',
  'todos:remove',
  'todos:bulk',
  'conflicts:resolve',
  'rejected:retry',
  'rejected:discard',
]);

/** Channels whose valid example changes data when it runs: not sent from a foreign sender's case list twice. */
const READ_ONLY_CHANNELS: ReadonlySet<IpcChannel> = new Set([
  'todos:query',
  'sync:status',
  'conflicts:list',
  'rejected:list',
  'settings:get',
  'desktop:get-preferences',
  'data:export-unsynced',
  'settings:test-connection',
]);

const FOREIGN_SENDERS: { label: string; sender: IpcSender | null }[] = [
  { label: 'a remote page', sender: { url: 'https://evil.example/index.html', isMainFrame: true } },
  { label: 'an iframe of the app', sender: { url: APP_ENTRY_URL, isMainFrame: false } },
  { label: 'a look-alike host', sender: { url: 'app://todo-sync.evil/index.html', isMainFrame: true } },
  { label: 'credentials in the url', sender: { url: 'app://todo-sync@evil/index.html', isMainFrame: true } },
  { label: 'a file url', sender: { url: 'file:///etc/passwd', isMainFrame: true } },
  { label: 'a destroyed frame', sender: null },
];

const UNKNOWN_CHANNELS = [
  '',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'todos:drop',
  'TODOS:ADD',
  'todos:add ',
  ' todos:add',
  'todos:add\u0000',
  "todos:add'; DROP TABLE todoitem; --",
  'x'.repeat(100_000),
  'sync:now/../todos:add',
  'eval',
];

function objectEntries(value: unknown): [string, unknown][] {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.entries(value as Record<string, unknown>)
    : [];
}

/** Every field path of an example, nested ones too: ['id'], ['changes'], ['changes', 'text']. */
function fieldPaths(value: unknown, prefix: readonly string[] = []): string[][] {
  return objectEntries(value).flatMap(([key, child]) => {
    const path = [...prefix, key];
    return [path, ...fieldPaths(child, path)];
  });
}

/** Fields that accept more than the example's own type. */
const NULLABLE_STRING_FIELDS: ReadonlySet<string> = new Set(['notes', 'changes.notes']);

function acceptsType(where: string, example: unknown, value: unknown): boolean {
  if (NULLABLE_STRING_FIELDS.has(where)) return value === null || typeof value === 'string';
  if (typeof example === 'object') return false;
  return typeof value === typeof example && !(typeof value === 'number' && Number.isNaN(value));
}

function clone(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

function setPath(target: unknown, path: readonly string[], value: unknown): unknown {
  const copy = clone(target);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  node[last] = value;
  return copy;
}

function removePath(target: unknown, path: readonly string[]): unknown {
  const copy = clone(target);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  delete node[path[path.length - 1] as string];
  return copy;
}

/** Keys that would pollute prototypes if a handler merged the payload naively. */
function prototypeKeyPayloads(example: unknown): { label: string; value: unknown }[] {
  const base = JSON.stringify(example ?? {}).slice(1, -1);
  const join = (extra: string): string => (base ? `{${base},${extra}}` : `{${extra}}`);
  return [
    {
      label: '__proto__ key',
      value: JSON.parse(join('"__proto__":{"polluted":"yes","isAdmin":true}')) as unknown,
    },
    {
      label: 'constructor.prototype key',
      value: JSON.parse(join('"constructor":{"prototype":{"polluted":"yes"}}')) as unknown,
    },
    { label: 'prototype key', value: JSON.parse(join('"prototype":{"polluted":"yes"}')) as unknown },
  ];
}

/** Optional fields: removing them keeps the request valid, so they are not "missing field" cases. */
function isOptionalField(channel: IpcChannel, path: readonly string[]): boolean {
  const key = path.join('.');
  if (channel === 'todos:add') return key === 'notes';
  if (channel === 'todos:update') return key.startsWith('changes.');
  if (channel === 'settings:set') return true;
  if (channel === 'rejected:retry') return key === 'changes';
  return false;
}

export function generateBadIpcCases(): BadIpcCase[] {
  const cases: BadIpcCase[] = [];
  const add = (c: Omit<BadIpcCase, 'sender'> & { sender?: IpcSender | null }): void => {
    cases.push({ sender: APP_SENDER, ...c });
  };

  for (const channel of UNKNOWN_CHANNELS) {
    add({
      name: `unknown channel ${JSON.stringify(channel.slice(0, 40))}`,
      kind: 'unknown-channel',
      channel,
      payload: { text: 'hello' },
      expectedCode: 'unknown-channel',
    });
  }

  for (const channel of IPC_CHANNELS) {
    const senders = READ_ONLY_CHANNELS.has(channel) ? FOREIGN_SENDERS.slice(0, 2) : FOREIGN_SENDERS;
    for (const { label, sender } of senders) {
      add({
        name: `${channel} from ${label}`,
        kind: 'foreign-sender',
        sender,
        channel,
        payload: VALID_EXAMPLES[channel],
        expectedCode: 'forbidden-sender',
      });
    }
  }

  for (const channel of IPC_CHANNELS) {
    const example = VALID_EXAMPLES[channel];

    if (example === undefined) {
      // Channels without a payload accept nothing else.
      for (const { label, value } of [
        { label: 'an empty object', value: {} },
        { label: 'null', value: null },
        { label: 'a string', value: "'; DROP TABLE todoitem; --" },
        { label: 'a number', value: 0 },
        { label: 'an array', value: [] },
        ...prototypeKeyPayloads(undefined),
      ]) {
        add({
          name: `${channel} with ${label}`,
          kind: label.includes('key')
            ? 'prototype-key'
            : label === 'a string'
              ? 'sql-in-value'
              : 'wrong-type',
          channel,
          payload: value,
          expectedCode: 'invalid-request',
        });
      }
      continue;
    }

    for (const { label, value } of [
      { label: 'no payload', value: undefined },
      { label: 'null', value: null },
      { label: 'a number', value: 7 },
      { label: 'a string', value: JSON.stringify(example) },
      { label: 'an array', value: [example] },
      { label: 'a Map', value: new Map(objectEntries(example)) },
    ]) {
      add({
        name: `${channel} as ${label}`,
        kind: 'wrong-type',
        channel,
        payload: value,
        expectedCode: 'invalid-request',
      });
    }

    add({
      name: `${channel} with an extra field`,
      kind: 'extra-field',
      channel,
      payload: { ...(example as object), extra: 1 },
      expectedCode: 'invalid-request',
    });
    for (const name of SQL_NAMES.slice(0, 3)) {
      add({
        name: `${channel} with SQL as a field name ${JSON.stringify(name)}`,
        kind: 'sql-in-name',
        channel,
        payload: { ...(example as object), [name]: 'x' },
        expectedCode: 'invalid-request',
      });
    }
    for (const { label, value } of prototypeKeyPayloads(example)) {
      add({
        name: `${channel} with a ${label}`,
        kind: 'prototype-key',
        channel,
        payload: value,
        expectedCode: 'invalid-request',
      });
    }

    for (const path of fieldPaths(example)) {
      const where = path.join('.');
      if (!isOptionalField(channel, path)) {
        add({
          name: `${channel} without ${where}`,
          kind: 'missing-field',
          channel,
          payload: removePath(example, path),
          expectedCode: 'invalid-request',
        });
      }
      const current = path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], example);
      for (const { label, value } of wrongTypedValues()) {
        if (acceptsType(where, current, value)) continue;
        add({
          name: `${channel} with ${where} as ${label}`,
          kind: 'wrong-type',
          channel,
          payload: setPath(example, path, value),
          expectedCode: 'invalid-request',
        });
      }
    }
  }

  // Strings far over every limit, where strings belong.
  const huge = 'x'.repeat(5_000_000);
  for (const [channel, payload] of [
    ['todos:add', { text: huge }],
    ['todos:add', { text: 'ok', notes: huge }],
    ['todos:update', { id: huge, changes: { text: 'x' } }],
    ['todos:update', { id: MISSING_RECORD_ID, changes: { text: huge } }],
    ['todos:remove', { id: huge }],
    ['todos:query', { filter: 'all', search: huge, skip: 0, take: 10 }],
    ['settings:set', { backendUrl: `http://127.0.0.1/${huge}` }],
    ['settings:set', { authToken: huge }],
  ] as const) {
    add({
      name: `${channel} with a 5 MB string`,
      kind: 'huge-string',
      channel,
      payload,
      expectedCode: 'invalid-request',
    });
  }
  add({
    name: 'todos:add with 10,001 characters of text',
    kind: 'huge-string',
    channel: 'todos:add',
    payload: { text: 'y'.repeat(10_001) },
    expectedCode: 'invalid-request',
  });

  // SQL where a name or an enumerated value belongs.
  for (const value of SQL_VALUES) {
    add({
      name: `todos:query with SQL as the filter ${JSON.stringify(value)}`,
      kind: 'sql-in-value',
      channel: 'todos:query',
      payload: { filter: value, skip: 0, take: 10 },
      expectedCode: 'invalid-request',
    });
    add({
      name: `settings:set with SQL as the conflict policy ${JSON.stringify(value)}`,
      kind: 'sql-in-value',
      channel: 'settings:set',
      payload: { conflictPolicy: value },
      expectedCode: 'invalid-request',
    });
    add({
      name: `todos:update of an id that is SQL ${JSON.stringify(value)}`,
      kind: 'sql-in-value',
      channel: 'todos:update',
      payload: { id: value, changes: { complete: true } },
      expectedCode: 'not-found',
    });
    add({
      name: `todos:remove of an id that is SQL ${JSON.stringify(value)}`,
      kind: 'sql-in-value',
      channel: 'todos:remove',
      payload: { id: value },
      expectedCode: 'not-found',
    });
  }
  for (const name of SQL_NAMES) {
    add({
      name: `todos:query sorted by SQL ${JSON.stringify(name)}`,
      kind: 'sql-in-name',
      channel: 'todos:query',
      payload: { filter: 'all', sort: { by: name, direction: 'asc' }, skip: 0, take: 10 },
      expectedCode: 'invalid-request',
    });
    add({
      name: `todos:update of a column named by SQL ${JSON.stringify(name)}`,
      kind: 'sql-in-name',
      channel: 'todos:update',
      payload: { id: MISSING_RECORD_ID, changes: { [name]: 'x' } },
      expectedCode: 'invalid-request',
    });
  }
  add({
    name: 'todos:query with an SQL sort direction',
    kind: 'sql-in-value',
    channel: 'todos:query',
    payload: {
      filter: 'all',
      sort: { by: 'text', direction: 'asc; DROP TABLE todoitem' },
      skip: 0,
      take: 10,
    },
    expectedCode: 'invalid-request',
  });

  // Numbers and values a schema must bound.
  for (const [label, payload] of [
    ['a negative skip', { filter: 'all', skip: -1, take: 10 }],
    ['a fractional skip', { filter: 'all', skip: 1.5, take: 10 }],
    ['an infinite take', { filter: 'all', skip: 0, take: Number.POSITIVE_INFINITY }],
    ['take 0', { filter: 'all', skip: 0, take: 0 }],
    ['take 1,000,000', { filter: 'all', skip: 0, take: 1_000_000 }],
    ['skip 1e300', { filter: 'all', skip: 1e300, take: 10 }],
    ['a string skip', { filter: 'all', skip: '0', take: 10 }],
    ['a bigint take', { filter: 'all', skip: 0, take: 10n }],
  ] as const) {
    add({
      name: `todos:query with ${label}`,
      kind: 'out-of-range',
      channel: 'todos:query',
      payload,
      expectedCode: 'invalid-request',
    });
  }
  for (const [label, payload] of [
    ['a javascript: backend', { backendUrl: 'javascript:alert(1)' }],
    ['a file: backend', { backendUrl: 'file:///etc/passwd' }],
    ['a backend with credentials', { backendUrl: 'http://user:secret@127.0.0.1:1/' }],
    ['a relative backend', { backendUrl: '/tables' }],
    ['interval 0', { syncIntervalMinutes: 0 }],
    ['interval of a year', { syncIntervalMinutes: 525_600 }],
    ['a fractional interval', { syncIntervalMinutes: 2.5 }],
    ['an unknown policy', { conflictPolicy: 'last-writer-wins' }],
    ['an empty token', { authToken: '' }],
    ['workOffline as a string', { workOffline: 'true' }],
  ] as const) {
    add({
      name: `settings:set with ${label}`,
      kind: 'out-of-range',
      channel: 'settings:set',
      payload,
      expectedCode: 'invalid-request',
    });
  }
  for (const [label, payload] of [
    ['blank text', { text: '   ' }],
    ['empty text', { text: '' }],
  ] as const) {
    add({
      name: `todos:add with ${label}`,
      kind: 'out-of-range',
      channel: 'todos:add',
      payload,
      expectedCode: 'invalid-request',
    });
  }
  add({
    name: 'todos:update with no changes',
    kind: 'missing-field',
    channel: 'todos:update',
    payload: { id: MISSING_RECORD_ID, changes: {} },
    expectedCode: 'invalid-request',
  });
  for (const issueId of [0, -1, 1.5, Number.NaN]) {
    add({
      name: `conflicts:resolve of issue ${issueId}`,
      kind: 'out-of-range',
      channel: 'conflicts:resolve',
      payload: { issueId, resolution: { choice: 'server' } },
      expectedCode: 'invalid-request',
    });
  }
  add({
    name: 'conflicts:resolve with a per-field choice missing a field',
    kind: 'missing-field',
    channel: 'conflicts:resolve',
    payload: {
      issueId: MISSING_ISSUE_ID,
      resolution: { choice: 'fields', fields: { text: 'mine', complete: 'server' } },
    },
    expectedCode: 'invalid-request',
  });
  add({
    name: 'conflicts:resolve with an unknown choice',
    kind: 'wrong-type',
    channel: 'conflicts:resolve',
    payload: { issueId: MISSING_ISSUE_ID, resolution: { choice: 'both' } },
    expectedCode: 'invalid-request',
  });

  // Well-formed requests about things that do not exist: the handler must look, then refuse.
  for (const channel of IPC_CHANNELS) {
    if (!EXAMPLE_ANSWERS_NOT_FOUND.has(channel)) continue;
    add({
      name: `${channel} of something that does not exist`,
      kind: 'unknown-id',
      channel,
      payload: VALID_EXAMPLES[channel],
      expectedCode: 'not-found',
    });
  }
  add({
    name: 'conflicts:resolve per field of a missing issue',
    kind: 'unknown-id',
    channel: 'conflicts:resolve',
    payload: {
      issueId: MISSING_ISSUE_ID,
      // A choice for every column of the table: only the missing issue is wrong here.
      resolution: {
        choice: 'fields',
        fields: Object.fromEntries(Object.keys(todoTable.columns).map((column) => [column, 'mine'])),
      },
    },
    expectedCode: 'not-found',
  });
  add({
    name: 'rejected:retry with an edit of a missing issue',
    kind: 'unknown-id',
    channel: 'rejected:retry',
    payload: { issueId: MISSING_ISSUE_ID, changes: { text: 'edited' } },
    expectedCode: 'not-found',
  });

  // Values structured clone carries that JSON never would.
  for (const [label, payload] of [
    ['a Set of text', { text: new Set(['a']) }],
    ['a typed array', { text: new Uint8Array([65, 66]) }],
    ['a bigint', { text: 'x', notes: 12n }],
    ['a RegExp', { text: /x/ }],
    ['an Error', { text: new Error('x') }],
  ] as const) {
    add({
      name: `todos:add with ${label}`,
      kind: 'exotic-value',
      channel: 'todos:add',
      payload,
      expectedCode: 'invalid-request',
    });
  }

  // A schema whose fields are all optional must not read a non-plain object as "no changes".
  class SettingsLike {
    syncIntervalMinutes = 5;
  }
  for (const [label, payload] of [
    ['a Map', new Map([['syncIntervalMinutes', 5]])],
    ['a Set', new Set(['workOffline'])],
    ['a Date', new Date(0)],
    ['a class instance', new SettingsLike()],
    ['an object with a foreign prototype', Object.create({ workOffline: true }) as object],
  ] as const) {
    add({
      name: `settings:set as ${label}`,
      kind: 'exotic-value',
      channel: 'settings:set',
      payload,
      expectedCode: 'invalid-request',
    });
  }
  add({
    name: 'todos:update with a Map of changes',
    kind: 'exotic-value',
    channel: 'todos:update',
    payload: { id: MISSING_RECORD_ID, changes: new Map([['text', 'x']]) },
    expectedCode: 'invalid-request',
  });

  return cases;
}
