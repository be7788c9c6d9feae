/**
 * Translation of the store's where-objects into OData `$filter` text, so one query object
 * serves both a local read and a pull.
 *
 * Caveats of the real server (azure-mobile-apps 4.0.2):
 * - `contains` and `startsWith` become `substringof` / `startswith`, which return no rows at
 *   all on its SQLite provider (they work on mssql). Avoid them in pull queries for SQLite.
 * - Text comparisons on the server are case-sensitive, even for columns the local store
 *   compares case-insensitively.
 */
import type { FieldOperators, Where } from '../store/types';
import { SyncUsageError } from './errors';
import { odataString } from './protocol-client';

const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPERATORS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in', 'contains', 'startsWith']);
/** An OData expression that matches nothing, for `in: []` and `$or: []`. */
const NOTHING = 'false';

/** An OData date literal as the v2 server parses it. */
export function odataDate(date: Date): string {
  return `datetimeoffset'${date.toISOString()}'`;
}

export function odataLiteral(value: unknown, column: string): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return odataString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new SyncUsageError(`The filter on "${column}" has a number that is not finite.`);
    return String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      throw new SyncUsageError(`The filter on "${column}" has an invalid date.`);
    return odataDate(value);
  }
  throw new SyncUsageError(
    `The filter on "${column}" has a value the server cannot compare (${typeof value}).`,
  );
}

function isOperatorObject(value: unknown): value is FieldOperators<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Date) &&
    !Array.isArray(value) &&
    Object.keys(value).every((key) => OPERATORS.has(key))
  );
}

function fieldFilter(column: string, condition: unknown): string[] {
  if (!isOperatorObject(condition)) return [`${column} eq ${odataLiteral(condition, column)}`];
  const parts: string[] = [];
  for (const [operator, operand] of Object.entries(condition)) {
    if (operand === undefined) continue;
    switch (operator) {
      case 'eq':
      case 'ne':
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge':
        parts.push(`${column} ${operator} ${odataLiteral(operand, column)}`);
        break;
      case 'in': {
        if (!Array.isArray(operand)) throw new SyncUsageError(`"in" on "${column}" needs a list.`);
        parts.push(
          operand.length === 0
            ? NOTHING
            : `(${operand.map((item) => `${column} eq ${odataLiteral(item, column)}`).join(' or ')})`,
        );
        break;
      }
      case 'contains':
        parts.push(`substringof(${odataLiteral(String(operand), column)}, ${column})`);
        break;
      case 'startsWith':
        parts.push(`startswith(${column}, ${odataLiteral(String(operand), column)})`);
        break;
    }
  }
  return parts;
}

/**
 * `{ complete: false, $or: [{ text: 'a' }, { text: 'b' }] }` →
 * `(complete eq false) and ((text eq 'a') or (text eq 'b'))`. Undefined for "everything".
 */
export function whereToODataFilter(
  where: Where<Record<string, unknown>> | undefined,
  isKnownColumn: (name: string) => boolean = () => true,
): string | undefined {
  if (!where) return undefined;
  const parts: string[] = [];
  for (const [key, condition] of Object.entries(where)) {
    if (condition === undefined) continue;
    if (key === '$or') {
      if (!Array.isArray(condition)) throw new SyncUsageError('"$or" needs a list of conditions.');
      const groups = (condition as Where<Record<string, unknown>>[]).map(
        (group) => whereToODataFilter(group, isKnownColumn) ?? 'true',
      );
      parts.push(groups.length === 0 ? NOTHING : groups.map((group) => `(${group})`).join(' or '));
      continue;
    }
    if (!COLUMN_NAME.test(key) || !isKnownColumn(key)) {
      throw new SyncUsageError(`"${key}" is not a column of this table.`);
    }
    parts.push(...fieldFilter(key, condition));
  }
  if (parts.length === 0) return undefined;
  return parts.map((part) => `(${part})`).join(' and ');
}
