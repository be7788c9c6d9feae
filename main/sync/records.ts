/**
 * Record shapes on each side of the wire, and the conversions between them.
 *
 * The server speaks JSON (dates as ISO strings, a `version` in the ETag); the store holds
 * Date objects and knows only the declared columns; the operation queue and the issue log
 * persist JSON snapshots. Everything that crosses one of these lines goes through here.
 */
import {
  SYSTEM_COLUMNS,
  type JsonValue,
  type SystemColumns,
  type TableDeclaration,
} from '../../common/table-schema';

/** A record as the server returned it, dates already parsed. */
export interface ServerRecord {
  id: string;
  version: string;
  createdAt: Date | null;
  updatedAt: Date | null;
  deleted: boolean;
  [field: string]: unknown;
}

/** A row of any synced table in the local store. */
export type LocalRecord = SystemColumns & Record<string, unknown>;

/** A JSON snapshot, as kept in the operation queue and the issue log. */
export type RecordSnapshot = Record<string, JsonValue>;

/** Columns the server owns: sending them is refused (400) or ignored. */
const SERVER_OWNED = new Set(['version', 'createdAt', 'updatedAt', 'deleted']);

export function parseDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Validates the shape of one server record and parses its system dates, in place: `raw` must
 * be a value fresh from JSON.parse that nobody else holds (a page of 1000 rows is not copied).
 * Returns undefined for anything that is not an object with a string id and a version.
 */
export function adoptServerRecord(raw: unknown, versionFromEtag?: string): ServerRecord | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const source = raw as Record<string, unknown>;
  if (typeof source.id !== 'string' || source.id === '') return undefined;
  const version = versionFromEtag ?? source.version;
  if (typeof version !== 'string' || version === '') return undefined;
  source.version = version;
  source.createdAt = parseDate(source.createdAt);
  source.updatedAt = parseDate(source.updatedAt);
  source.deleted = source.deleted === true;
  return source as ServerRecord;
}

/** The body of an insert or update: user columns and the id, dates as ISO strings. */
export function toWireItem(record: Record<string, unknown>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (SERVER_OWNED.has(key) || value === undefined) continue;
    item[key] = value instanceof Date ? value.toISOString() : value;
  }
  return item;
}

export function toSnapshot(record: Record<string, unknown>): RecordSnapshot {
  const snapshot: RecordSnapshot = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    snapshot[key] = value instanceof Date ? value.toISOString() : (value as JsonValue);
  }
  return snapshot;
}

/**
 * Per-table conversions, built once per table so the pull loop does no per-record lookups
 * of the declaration.
 */
export class RecordShape {
  readonly tableName: string;
  /** Declared user columns, in declaration order. */
  readonly userColumns: readonly string[];
  private readonly dateColumns: readonly string[];

  /** Non-nullable columns and the value a server null becomes (the server has no such rule). */
  private readonly requiredDefaults: readonly (readonly [string, unknown])[];

  constructor(readonly declaration: TableDeclaration) {
    this.tableName = declaration.name;
    this.userColumns = Object.keys(declaration.columns);
    this.dateColumns = this.userColumns.filter((name) => declaration.columns[name]?.kind === 'date');
    this.requiredDefaults = this.userColumns.flatMap((name) => {
      const spec = declaration.columns[name];
      return spec && !spec.nullable && spec.defaultValue !== undefined && spec.defaultValue !== null
        ? [[name, spec.defaultValue] as const]
        : [];
    });
  }

  /** A server record as a local row: declared columns only (the server may know more). */
  fromServer(server: ServerRecord): LocalRecord {
    const local: LocalRecord = {
      id: server.id,
      version: server.version,
      createdAt: server.createdAt,
      updatedAt: server.updatedAt,
      deleted: server.deleted,
    };
    for (const name of this.userColumns) {
      if (name in server) local[name] = server[name];
    }
    for (const name of this.dateColumns) {
      if (typeof local[name] === 'string') local[name] = parseDate(local[name]);
    }
    for (const [name, fallback] of this.requiredDefaults) {
      if (local[name] === null) local[name] = fallback;
    }
    return local;
  }

  fromSnapshot(snapshot: RecordSnapshot): LocalRecord {
    const local: LocalRecord = {
      id: String(snapshot.id),
      version: typeof snapshot.version === 'string' ? snapshot.version : null,
      createdAt: parseDate(snapshot.createdAt),
      updatedAt: parseDate(snapshot.updatedAt),
      deleted: snapshot.deleted === true,
    };
    for (const name of this.userColumns) {
      if (name in snapshot) local[name] = snapshot[name];
    }
    for (const name of this.dateColumns) {
      if (typeof local[name] === 'string') local[name] = parseDate(local[name]);
    }
    return local;
  }

  /** What push sends: the id and the declared user columns. */
  toWire(record: Record<string, unknown>): Record<string, unknown> {
    const item: Record<string, unknown> = { id: record.id };
    for (const name of this.userColumns) {
      if (name in record) item[name] = record[name];
    }
    return toWireItem(item);
  }

  /** Only the declared user columns of `changes`: system columns are the server's. */
  userFieldsOf(changes: Record<string, unknown>): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    for (const name of this.userColumns) {
      if (name in changes && changes[name] !== undefined) fields[name] = changes[name];
    }
    return fields;
  }

  sameUserFields(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
    return this.userColumns.every((name) => sameValue(a[name], b[name]));
  }

  isUserColumn(name: string): boolean {
    return this.userColumns.includes(name);
  }

  isKnownColumn(name: string): boolean {
    return name in SYSTEM_COLUMNS || this.userColumns.includes(name);
  }
}

/** Value equality across the representations (Date vs ISO string, undefined vs null). */
export function sameValue(a: unknown, b: unknown): boolean {
  const left = a instanceof Date ? a.toISOString() : (a ?? null);
  const right = b instanceof Date ? b.toISOString() : (b ?? null);
  if (left === right) return true;
  if (typeof left === 'object' && typeof right === 'object')
    return JSON.stringify(left) === JSON.stringify(right);
  return false;
}
