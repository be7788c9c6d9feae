/**
 * Value encoding between the declared column kinds and SQLite storage classes.
 *
 * - date    → INTEGER epoch milliseconds: exact to the millisecond, and compares as a number.
 * - boolean → INTEGER 0/1.
 * - json    → TEXT (JSON.stringify of a validated JSON value).
 * - string  → TEXT as is (strings with lone UTF-16 surrogates are refused: UTF-8 cannot hold
 *             them, so they would not come back byte-for-byte).
 *
 * Every encoder validates first and throws StoreError('invalid-value'), so nothing malformed
 * reaches SQL.
 */
import type { ColumnKind, ColumnSpec, JsonValue } from '../../common/table-schema';
import { StoreError } from './errors';

export type SqlValue = string | number | bigint | Buffer | null;

const LONE_SURROGATE = /\p{Cs}/u;
const nativeIsWellFormed = (String.prototype as unknown as { isWellFormed?: (this: string) => boolean })
  .isWellFormed;

/** False for text with a lone UTF-16 surrogate: UTF-8 storage would replace it, so it could not round-trip. */
export function isWellFormedText(text: string): boolean {
  return nativeIsWellFormed ? nativeIsWellFormed.call(text) : !LONE_SURROGATE.test(text);
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const NON_ASCII = /[^\p{ASCII}]/u;

/**
 * Folds text for case-insensitive comparison. SQLite's NOCASE and LIKE only fold ASCII, and
 * better-sqlite3 cannot register collations, so case-insensitive columns keep a folded shadow
 * column written here. NFC makes composed and decomposed accents equal; upper-then-lower
 * approximates Unicode full case folding (ß → ss, final sigma → σ).
 */
export function foldCase(text: string): string {
  // Most text is ASCII, where all of that is just toLowerCase: keeps bulk pulls fast.
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFC').toUpperCase().toLowerCase();
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (value instanceof Date) return 'an invalid Date';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `a string`;
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value}`;
}

export function invalidValue(where: string, expected: string, value: unknown): StoreError {
  return new StoreError('invalid-value', `${where} needs ${expected}, not ${describe(value)}.`);
}

/** Throws unless `value` survives JSON.stringify/JSON.parse unchanged. */
export function assertJsonValue(value: unknown, where: string): asserts value is JsonValue {
  const path: unknown[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node === 'string' || typeof node === 'boolean') {
      if (typeof node === 'string' && !isWellFormedText(node)) {
        throw new StoreError('invalid-value', `${where} contains text with a broken Unicode character.`);
      }
      return;
    }
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) throw invalidValue(where, 'JSON (finite numbers only)', node);
      return;
    }
    if (typeof node !== 'object') throw invalidValue(where, 'a JSON value', node);
    if (path.includes(node)) throw new StoreError('invalid-value', `${where} contains a circular reference.`);
    if (Array.isArray(node)) {
      path.push(node);
      for (let index = 0; index < node.length; index++) {
        if (!(index in node)) throw new StoreError('invalid-value', `${where} contains a sparse array.`);
        visit(node[index]);
      }
      path.pop();
      return;
    }
    const prototype: unknown = Object.getPrototypeOf(node);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new StoreError(
        'invalid-value',
        `${where} needs plain JSON objects; a ${node.constructor?.name ?? 'class instance'} would not come back the same.`,
      );
    }
    path.push(node);
    for (const key of Object.keys(node)) {
      if (!isWellFormedText(key)) {
        throw new StoreError('invalid-value', `${where} contains a key with a broken Unicode character.`);
      }
      visit((node as Record<string, unknown>)[key]);
    }
    path.pop();
  };
  visit(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Encodes a non-null value of a column kind; `where` names the column in error messages. */
export function encodeValue(kind: ColumnKind, value: unknown, where: string): SqlValue {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw invalidValue(where, 'text', value);
      if (!isWellFormedText(value)) {
        throw new StoreError('invalid-value', `${where} contains text with a broken Unicode character.`);
      }
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw invalidValue(where, 'true or false', value);
      return value ? 1 : 0;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value))
        throw invalidValue(where, 'a whole number', value);
      return value;
    case 'real':
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw invalidValue(where, 'a finite number', value);
      return value;
    case 'date': {
      if (!(value instanceof Date)) throw invalidValue(where, 'a Date', value);
      const time = value.getTime();
      if (Number.isNaN(time)) throw invalidValue(where, 'a valid Date', value);
      return time;
    }
    case 'json':
      if (value === undefined) throw invalidValue(where, 'a JSON value', value);
      assertJsonValue(value, where);
      return JSON.stringify(value);
  }
}

export function decodeValue(kind: ColumnKind, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  switch (kind) {
    case 'string':
      return raw;
    case 'boolean':
      return raw !== 0;
    case 'integer':
    case 'real':
      return raw;
    case 'date':
      return new Date(raw as number);
    case 'json':
      return JSON.parse(raw as string) as unknown;
  }
}

/** The SQLite storage class of a kind, for STRICT tables. */
export function sqlTypeOf(kind: ColumnKind): 'TEXT' | 'INTEGER' | 'REAL' {
  switch (kind) {
    case 'string':
    case 'json':
      return 'TEXT';
    case 'boolean':
    case 'integer':
    case 'date':
      return 'INTEGER';
    case 'real':
      return 'REAL';
  }
}

export const COLUMN_KINDS: readonly ColumnKind[] = ['string', 'boolean', 'integer', 'real', 'date', 'json'];

export function isColumnSpec(value: unknown): value is ColumnSpec {
  if (!isPlainObject(value)) return false;
  return (
    typeof value.kind === 'string' &&
    (COLUMN_KINDS as readonly string[]).includes(value.kind) &&
    typeof value.nullable === 'boolean' &&
    (value.caseInsensitive === undefined || typeof value.caseInsensitive === 'boolean')
  );
}
