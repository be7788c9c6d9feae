/**
 * The sync engine's bookkeeping, kept in the same database as the data so a data write and its
 * operation-log entry commit in one transaction.
 */
import type { JsonValue } from '../../common/table-schema';
import type { OperationAction } from '../../common/sync-types';
import { assertJsonValue, isPlainObject, isWellFormedText, type SqlValue } from './codec';
import type { Connection } from './connection';
import { StoreError } from './errors';
import type { CompiledStatement } from './query-compiler';
import { SYSTEM_TABLES } from './system-table-names';
import type {
  KeyValueStore,
  NewOperation,
  NewSyncIssue,
  OperationLog,
  OperationRecord,
  PullWatermark,
  SyncIssueLog,
  SyncIssueRecord,
  WatermarkStore,
} from './types';

const ACTIONS: ReadonlySet<string> = new Set<OperationAction>(['insert', 'update', 'delete']);

function checkText(value: unknown, label: string): string {
  if (typeof value !== 'string' || value === '' || !isWellFormedText(value)) {
    throw new StoreError('invalid-value', `${label} must be non-empty text.`);
  }
  return value;
}

function checkNullableText(value: unknown, label: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !isWellFormedText(value))
    throw new StoreError('invalid-value', `${label} must be text or null.`);
  return value;
}

function checkAction(value: unknown, label: string): OperationAction {
  if (typeof value !== 'string' || !ACTIONS.has(value)) {
    throw new StoreError('invalid-value', `${label} must be insert, update or delete.`);
  }
  return value as OperationAction;
}

function checkCount(value: unknown, label: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StoreError('invalid-value', `${label} must be a whole number of zero or more.`);
  }
  return value;
}

function checkId(value: unknown, label: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new StoreError('invalid-value', `${label} must be a whole number.`);
  }
  return value;
}

function checkDate(value: unknown, label: string): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new StoreError('invalid-value', `${label} must be a valid Date.`);
  }
  return value.getTime();
}

/** A record snapshot (JSON object) or null, as TEXT. */
function encodeSnapshot(value: unknown, label: string): string | null {
  if (value === null) return null;
  if (!isPlainObject(value)) throw new StoreError('invalid-value', `${label} must be a JSON object or null.`);
  assertJsonValue(value, label);
  return JSON.stringify(value);
}

function decodeSnapshot(text: unknown): Record<string, JsonValue> | null {
  return typeof text === 'string' ? (JSON.parse(text) as Record<string, JsonValue>) : null;
}

function assertKnownKeys(
  value: unknown,
  allowed: ReadonlySet<string>,
  label: string,
): Record<string, unknown> {
  if (!isPlainObject(value)) throw new StoreError('invalid-value', `${label} must be an object.`);
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) throw new StoreError('invalid-value', `${label} has no field "${key}".`);
  }
  return value;
}

/**
 * A filter of column = value conditions, each value checked by its column's check: the
 * WHERE clause (empty without conditions) and its parameters. Unknown keys are refused.
 */
function equalityFilter(
  filter: unknown,
  checks: Readonly<Record<string, (value: unknown) => SqlValue>>,
  label: string,
): { where: string; params: SqlValue[] } {
  const checked = assertKnownKeys(filter, new Set(Object.keys(checks)), label);
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  for (const [column, check] of Object.entries(checks)) {
    if (checked[column] === undefined) continue;
    conditions.push(`"${column}" = ?`);
    params.push(check(checked[column]));
  }
  return { where: conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '', params };
}

// ------------------------------------------------------------------ operations

const OPERATION_COLUMNS =
  '"id", "tableName", "recordId", "action", "version", "base", "item", "pushing", "sent", "attempts", "createdAt"';

function decodeOperation(row: Record<string, unknown>): OperationRecord {
  return {
    id: row.id as number,
    tableName: row.tableName as string,
    recordId: row.recordId as string,
    action: row.action as OperationAction,
    version: (row.version as string | null) ?? null,
    base: decodeSnapshot(row.base),
    item: decodeSnapshot(row.item),
    pushing: row.pushing !== 0,
    sent: decodeSnapshot(row.sent),
    attempts: row.attempts as number,
    createdAt: new Date(row.createdAt as number),
  };
}

const NEW_OPERATION_KEYS: ReadonlySet<string> = new Set([
  'tableName',
  'recordId',
  'action',
  'version',
  'base',
  'item',
]);
const OPERATION_UPDATE_KEYS: ReadonlySet<string> = new Set([
  ...NEW_OPERATION_KEYS,
  'pushing',
  'sent',
  'attempts',
  'createdAt',
]);

/** Encoders for each updatable field, in a fixed order so equal change sets share one SQL text. */
const OPERATION_FIELD_ENCODERS: readonly [string, (value: unknown) => SqlValue][] = [
  ['tableName', (value) => checkText(value, 'Operation tableName')],
  ['recordId', (value) => checkText(value, 'Operation recordId')],
  ['action', (value) => checkAction(value, 'Operation action')],
  ['version', (value) => checkNullableText(value, 'Operation version')],
  ['base', (value) => encodeSnapshot(value, 'Operation base')],
  ['item', (value) => encodeSnapshot(value, 'Operation item')],
  [
    'pushing',
    (value) => {
      if (typeof value !== 'boolean')
        throw new StoreError('invalid-value', 'Operation pushing must be true or false.');
      return value ? 1 : 0;
    },
  ],
  ['sent', (value) => encodeSnapshot(value, 'Operation sent')],
  ['attempts', (value) => checkCount(value, 'Operation attempts')],
  ['createdAt', (value) => checkDate(value, 'Operation createdAt')],
];

/** The ids of a table's records with queued operations, as SQL (a pulled page reads it on the store's worker). */
export function pendingRecordIdsQuery(tableName: string): CompiledStatement {
  return {
    sql: `SELECT DISTINCT "recordId" FROM ${SYSTEM_TABLES.operations} WHERE "tableName" = ?`,
    params: [checkText(tableName, 'A table name')],
  };
}

export function createOperationLog(connection: Connection): OperationLog {
  const table = SYSTEM_TABLES.operations;
  const guard = <T>(action: string, fn: () => T): T =>
    connection.guard(`${action} of the operation queue`, fn);
  const get = (id: number): OperationRecord | undefined => {
    const row = guard('Reading', () =>
      connection.row(`SELECT ${OPERATION_COLUMNS} FROM ${table} WHERE "id" = ?`, [id]),
    );
    return row ? decodeOperation(row) : undefined;
  };
  return {
    append(op: NewOperation): OperationRecord {
      const checked = assertKnownKeys(op, NEW_OPERATION_KEYS, 'A new operation');
      const params: SqlValue[] = [
        checkText(checked.tableName, 'Operation tableName'),
        checkText(checked.recordId, 'Operation recordId'),
        checkAction(checked.action, 'Operation action'),
        checkNullableText(checked.version ?? null, 'Operation version'),
        encodeSnapshot(checked.base ?? null, 'Operation base'),
        encodeSnapshot(checked.item ?? null, 'Operation item'),
        Date.now(),
      ];
      const row = guard('Appending to', () =>
        connection.row(
          `INSERT INTO ${table} ("tableName", "recordId", "action", "version", "base", "item", "createdAt")
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${OPERATION_COLUMNS}`,
          params,
        ),
      );
      return decodeOperation(row as Record<string, unknown>);
    },
    get(id) {
      return get(checkId(id, 'An operation id'));
    },
    list(filter = {}) {
      const { where, params } = equalityFilter(
        filter,
        {
          tableName: (value) => checkText(value, 'The tableName filter'),
          recordId: (value) => checkText(value, 'The recordId filter'),
        },
        'An operation filter',
      );
      return guard('Reading', () =>
        connection
          .rows(`SELECT ${OPERATION_COLUMNS} FROM ${table}${where} ORDER BY "id"`, params)
          .map(decodeOperation),
      );
    },
    forRecord(tableName, recordId) {
      return this.list({ tableName, recordId });
    },
    update(id, changes) {
      const key = checkId(id, 'An operation id');
      const checked = assertKnownKeys(changes, OPERATION_UPDATE_KEYS, 'Operation changes');
      const assignments: string[] = [];
      const params: SqlValue[] = [];
      for (const [field, encode] of OPERATION_FIELD_ENCODERS) {
        const value = checked[field];
        if (value === undefined) continue;
        assignments.push(`"${field}" = ?`);
        params.push(encode(value));
      }
      if (assignments.length === 0) {
        const current = get(key);
        if (!current) throw new StoreError('not-found', `Operation ${key} is no longer queued.`);
        return current;
      }
      params.push(key);
      const row = guard('Updating', () =>
        connection.row(
          `UPDATE ${table} SET ${assignments.join(', ')} WHERE "id" = ? RETURNING ${OPERATION_COLUMNS}`,
          params,
        ),
      );
      if (!row) throw new StoreError('not-found', `Operation ${key} is no longer queued.`);
      return decodeOperation(row);
    },
    remove(id) {
      const key = checkId(id, 'An operation id');
      return guard(
        'Removing from',
        () => connection.run(`DELETE FROM ${table} WHERE "id" = ?`, [key]).changes > 0,
      );
    },
    countByTable() {
      const rows = guard('Counting', () =>
        connection.rows(`SELECT "tableName", count(*) AS "count" FROM ${table} GROUP BY "tableName"`),
      );
      const counts: Record<string, number> = {};
      for (const row of rows) counts[row.tableName as string] = row.count as number;
      return counts;
    },
    newestId() {
      // max of the rowid is one index step, whatever the queue's length.
      const rows = guard('Reading', () => connection.rawRows(`SELECT max("id") FROM ${table}`));
      return (rows[0]?.[0] as number | null) ?? 0;
    },
    pendingRecordIds(tableName) {
      const query = pendingRecordIdsQuery(tableName);
      const rows = guard('Reading', () => connection.rawRows(query.sql, query.params));
      return new Set(rows.map((row) => row[0] as string));
    },
    resetPushing() {
      guard('Resetting', () => connection.run(`UPDATE ${table} SET "pushing" = 0 WHERE "pushing" <> 0`));
    },
  };
}

// ------------------------------------------------------------------ sync issues

const ISSUE_COLUMNS =
  '"id", "operationId", "kind", "tableName", "recordId", "action", "httpStatus", "message", "serverRecord", "clientRecord", "baseRecord", "createdAt"';
const ISSUE_KINDS: ReadonlySet<string> = new Set(['conflict', 'rejected']);
const NEW_ISSUE_KEYS: ReadonlySet<string> = new Set([
  'operationId',
  'kind',
  'tableName',
  'recordId',
  'action',
  'httpStatus',
  'message',
  'serverRecord',
  'clientRecord',
  'baseRecord',
]);

function checkIssueKind(value: unknown): 'conflict' | 'rejected' {
  if (typeof value !== 'string' || !ISSUE_KINDS.has(value)) {
    throw new StoreError('invalid-value', 'A sync issue kind must be conflict or rejected.');
  }
  return value as 'conflict' | 'rejected';
}

function decodeIssue(row: Record<string, unknown>): SyncIssueRecord {
  return {
    id: row.id as number,
    operationId: row.operationId as number,
    kind: row.kind as 'conflict' | 'rejected',
    tableName: row.tableName as string,
    recordId: row.recordId as string,
    action: row.action as OperationAction,
    httpStatus: (row.httpStatus as number | null) ?? null,
    message: row.message as string,
    serverRecord: decodeSnapshot(row.serverRecord),
    clientRecord: decodeSnapshot(row.clientRecord),
    baseRecord: decodeSnapshot(row.baseRecord),
    createdAt: new Date(row.createdAt as number),
  };
}

/** A new issue checked field by field, as the INSERT's parameters in column order. */
function checkedIssueParams(issue: NewSyncIssue): SqlValue[] {
  const checked = assertKnownKeys(issue, NEW_ISSUE_KEYS, 'A sync issue');
  const httpStatus = checked.httpStatus ?? null;
  if (httpStatus !== null && (typeof httpStatus !== 'number' || !Number.isSafeInteger(httpStatus))) {
    throw new StoreError('invalid-value', 'A sync issue httpStatus must be a whole number or null.');
  }
  if (typeof checked.message !== 'string' || !isWellFormedText(checked.message)) {
    throw new StoreError('invalid-value', 'A sync issue message must be text.');
  }
  return [
    checkId(checked.operationId, 'A sync issue operationId'),
    checkIssueKind(checked.kind),
    checkText(checked.tableName, 'A sync issue tableName'),
    checkText(checked.recordId, 'A sync issue recordId'),
    checkAction(checked.action, 'A sync issue action'),
    httpStatus,
    checked.message,
    encodeSnapshot(checked.serverRecord ?? null, 'A sync issue serverRecord'),
    encodeSnapshot(checked.clientRecord ?? null, 'A sync issue clientRecord'),
    encodeSnapshot(checked.baseRecord ?? null, 'A sync issue baseRecord'),
    Date.now(),
  ];
}

export function createSyncIssueLog(connection: Connection): SyncIssueLog {
  const table = SYSTEM_TABLES.syncIssues;
  const guard = <T>(action: string, fn: () => T): T => connection.guard(`${action} sync issues`, fn);
  return {
    add(issue: NewSyncIssue) {
      const params = checkedIssueParams(issue);
      const row = guard('Saving', () =>
        connection.row(
          `INSERT INTO ${table} ("operationId", "kind", "tableName", "recordId", "action", "httpStatus", "message",
             "serverRecord", "clientRecord", "baseRecord", "createdAt")
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${ISSUE_COLUMNS}`,
          params,
        ),
      );
      return decodeIssue(row as Record<string, unknown>);
    },
    get(id) {
      const key = checkId(id, 'A sync issue id');
      const row = guard('Reading', () =>
        connection.row(`SELECT ${ISSUE_COLUMNS} FROM ${table} WHERE "id" = ?`, [key]),
      );
      return row ? decodeIssue(row) : undefined;
    },
    list(filter = {}) {
      const { where, params } = equalityFilter(
        filter,
        { kind: checkIssueKind, tableName: (value) => checkText(value, 'The tableName filter') },
        'A sync issue filter',
      );
      return guard('Reading', () =>
        connection
          .rows(`SELECT ${ISSUE_COLUMNS} FROM ${table}${where} ORDER BY "id"`, params)
          .map(decodeIssue),
      );
    },
    forOperation(operationId) {
      const key = checkId(operationId, 'An operation id');
      const row = guard('Reading', () =>
        connection.row(
          `SELECT ${ISSUE_COLUMNS} FROM ${table} WHERE "operationId" = ? ORDER BY "id" DESC LIMIT 1`,
          [key],
        ),
      );
      return row ? decodeIssue(row) : undefined;
    },
    remove(id) {
      const key = checkId(id, 'A sync issue id');
      return guard(
        'Removing',
        () => connection.run(`DELETE FROM ${table} WHERE "id" = ?`, [key]).changes > 0,
      );
    },
    updateClientSide(id, changes) {
      const key = checkId(id, 'A sync issue id');
      const checked = assertKnownKeys(changes, new Set(['action', 'clientRecord']), 'Sync issue changes');
      const assignments: string[] = [];
      const params: SqlValue[] = [];
      if (checked.action !== undefined) {
        assignments.push('"action" = ?');
        params.push(checkAction(checked.action, 'A sync issue action'));
      }
      if (checked.clientRecord !== undefined) {
        assignments.push('"clientRecord" = ?');
        params.push(encodeSnapshot(checked.clientRecord, 'A sync issue clientRecord'));
      }
      if (assignments.length === 0) return this.get(key);
      params.push(key);
      const row = guard('Updating', () =>
        connection.row(
          `UPDATE ${table} SET ${assignments.join(', ')} WHERE "id" = ? RETURNING ${ISSUE_COLUMNS}`,
          params,
        ),
      );
      return row ? decodeIssue(row) : undefined;
    },
    removeForOperation(operationId) {
      const key = checkId(operationId, 'An operation id');
      return guard(
        'Removing',
        () => connection.run(`DELETE FROM ${table} WHERE "operationId" = ?`, [key]).changes,
      );
    },
    count(filter = {}) {
      const { where, params } = equalityFilter(filter, { kind: checkIssueKind }, 'A sync issue filter');
      return guard(
        'Counting',
        () => connection.value(`SELECT count(*) FROM ${table}${where}`, params) as number,
      );
    },
  };
}

// ------------------------------------------------------------------ watermarks

/** Saving a watermark, as SQL: checked here, run by the store or by its worker with a pulled page. */
export function watermarkWrite(watermark: PullWatermark): CompiledStatement {
  const checked = assertKnownKeys(
    watermark,
    new Set(['tableName', 'queryId', 'updatedAt', 'seenAtWatermark', 'lastId']),
    'A watermark',
  );
  const seen = checked.seenAtWatermark;
  if (!isPlainObject(seen) || !Object.values(seen).every((version) => typeof version === 'string')) {
    throw new StoreError('invalid-value', 'A watermark seenAtWatermark must map record ids to version text.');
  }
  assertJsonValue(seen, 'A watermark seenAtWatermark');
  const params: SqlValue[] = [
    checkText(checked.tableName, 'A watermark tableName'),
    checkText(checked.queryId, 'A watermark queryId'),
    checkDate(checked.updatedAt, 'A watermark updatedAt'),
    JSON.stringify(seen),
    checked.lastId === undefined || checked.lastId === null
      ? null
      : checkText(checked.lastId, 'A watermark lastId'),
  ];
  return {
    sql: `INSERT INTO ${SYSTEM_TABLES.watermarks} ("tableName", "queryId", "updatedAt", "seenAtWatermark", "lastId") VALUES (?, ?, ?, ?, ?)
           ON CONFLICT("tableName", "queryId") DO UPDATE SET
             "updatedAt" = excluded."updatedAt", "seenAtWatermark" = excluded."seenAtWatermark",
             "lastId" = excluded."lastId"`,
    params,
  };
}

export function createWatermarkStore(connection: Connection): WatermarkStore {
  const table = SYSTEM_TABLES.watermarks;
  const guard = <T>(action: string, fn: () => T): T => connection.guard(`${action} the pull watermark`, fn);
  return {
    get(tableName, queryId) {
      const params = [
        checkText(tableName, 'A watermark tableName'),
        checkText(queryId, 'A watermark queryId'),
      ];
      const row = guard('Reading', () =>
        connection.row(
          `SELECT "updatedAt", "seenAtWatermark", "lastId" FROM ${table} WHERE "tableName" = ? AND "queryId" = ?`,
          params,
        ),
      );
      if (!row) return undefined;
      return {
        tableName: params[0] as string,
        queryId: params[1] as string,
        updatedAt: new Date(row.updatedAt as number),
        seenAtWatermark: JSON.parse(row.seenAtWatermark as string) as Record<string, string>,
        lastId: typeof row.lastId === 'string' ? row.lastId : null,
      };
    },
    set(watermark: PullWatermark) {
      const write = watermarkWrite(watermark);
      guard('Saving', () => connection.run(write.sql, write.params));
    },
    clearTable(tableName) {
      const name = checkText(tableName, 'A watermark tableName');
      return guard(
        'Clearing',
        () => connection.run(`DELETE FROM ${table} WHERE "tableName" = ?`, [name]).changes,
      );
    },
  };
}

// ------------------------------------------------------------------ key values

export function createKeyValueStore(connection: Connection): KeyValueStore {
  const table = SYSTEM_TABLES.keyValues;
  const guard = <T>(action: string, fn: () => T): T => connection.guard(`${action} a saved setting`, fn);
  return {
    get(key) {
      const name = checkText(key, 'A setting key');
      const text = guard('Reading', () =>
        connection.value(`SELECT "value" FROM ${table} WHERE "key" = ?`, [name]),
      );
      return typeof text === 'string' ? (JSON.parse(text) as JsonValue) : undefined;
    },
    set(key, value) {
      const name = checkText(key, 'A setting key');
      if (value === undefined)
        throw new StoreError('invalid-value', `The setting ${name} needs a JSON value.`);
      assertJsonValue(value, `The setting ${name}`);
      guard('Saving', () =>
        connection.run(
          `INSERT INTO ${table} ("key", "value") VALUES (?, ?) ON CONFLICT("key") DO UPDATE SET "value" = excluded."value"`,
          [name, JSON.stringify(value)],
        ),
      );
    },
    delete(key) {
      const name = checkText(key, 'A setting key');
      return guard(
        'Deleting',
        () => connection.run(`DELETE FROM ${table} WHERE "key" = ?`, [name]).changes > 0,
      );
    },
  };
}
