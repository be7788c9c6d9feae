/**
 * Compiles StoreQuery objects to parameterized SQL. Identifiers only ever come from the table
 * layout (already validated and quoted); every value is a bound parameter. Anything the
 * compiler does not understand is refused before SQL runs.
 */
import type { ColumnKind } from '../../common/table-schema';
import { isPlainObject, type SqlValue } from './codec';
import { StoreError } from './errors';
import { foldSqlValue, type ColumnLayout, type TableLayout } from './table-layout';

export interface CompiledStatement {
  sql: string;
  params: SqlValue[];
}

/** What a StoreQuery compiles to; the benchmark runs exactly this SQL raw to compare. */
export interface CompiledQuery {
  select: CompiledStatement;
  /** Present when the query asked for `includeTotal`. */
  count: CompiledStatement | null;
  /** The columns of each selected row, in SELECT order. */
  columns: readonly ColumnLayout[];
}

type Operator = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'in' | 'contains' | 'startsWith';

const ALL_OPERATORS: ReadonlySet<string> = new Set<Operator>([
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'in',
  'contains',
  'startsWith',
]);

const ORDERED: readonly Operator[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in'];

const OPERATORS_BY_KIND: Readonly<Record<ColumnKind, ReadonlySet<Operator>>> = {
  string: new Set<Operator>([...ORDERED, 'contains', 'startsWith']),
  integer: new Set(ORDERED),
  real: new Set(ORDERED),
  date: new Set(ORDERED),
  boolean: new Set<Operator>(['eq', 'ne', 'in']),
  // JSON compares as its serialized text: equality is meaningful, ordering is not.
  json: new Set<Operator>(['eq', 'ne']),
};

const COMPARISON_SQL: Readonly<Record<'lt' | 'le' | 'gt' | 'ge', string>> = {
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
};

function columnOf(layout: TableLayout, name: string, purpose: string): ColumnLayout {
  const column = layout.byName.get(name);
  if (!column) {
    throw new StoreError(
      'invalid-query',
      `Table ${layout.name} has no column "${name}" (used in ${purpose}).`,
    );
  }
  return column;
}

/** A where entry is an operator object unless it is a value of the column (only JSON values can be objects). */
function isOperatorObject(column: ColumnLayout, value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  if (column.spec.kind !== 'json') return true;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => ALL_OPERATORS.has(key));
}

function codePointLength(text: string): number {
  let length = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff) index++;
    length++;
  }
  return length;
}

class WhereCompiler {
  readonly params: SqlValue[] = [];

  constructor(private readonly layout: TableLayout) {}

  group(where: unknown): string {
    if (where === undefined) return '';
    if (!isPlainObject(where)) {
      throw new StoreError('invalid-query', `A where clause on ${this.layout.name} must be an object.`);
    }
    const parts: string[] = [];
    for (const key of Object.keys(where)) {
      const value = where[key];
      if (value === undefined) continue;
      if (key === '$or') {
        parts.push(this.anyOf(value));
        continue;
      }
      const column = columnOf(this.layout, key, 'a where clause');
      parts.push(this.condition(column, value));
    }
    return parts.join(' AND ');
  }

  private anyOf(groups: unknown): string {
    if (!Array.isArray(groups)) {
      throw new StoreError('invalid-query', `$or on ${this.layout.name} needs a list of where objects.`);
    }
    if (groups.length === 0) return '0';
    const parts = groups.map((group: unknown) => {
      const sql = this.group(group);
      return sql === '' ? '1' : `(${sql})`;
    });
    return `(${parts.join(' OR ')})`;
  }

  private condition(column: ColumnLayout, value: unknown): string {
    if (value === null) return `${column.sql} IS NULL`;
    if (!isOperatorObject(column, value)) return this.operator(column, 'eq', value);
    const parts: string[] = [];
    for (const key of Object.keys(value)) {
      const operand = value[key];
      if (operand === undefined) continue;
      if (!ALL_OPERATORS.has(key)) {
        throw new StoreError(
          'invalid-query',
          `"${key}" is not a query operator (${this.layout.name}.${column.name}).`,
        );
      }
      parts.push(this.operator(column, key as Operator, operand));
    }
    if (parts.length === 0) {
      throw new StoreError(
        'invalid-query',
        `The condition on ${this.layout.name}.${column.name} has no operator.`,
      );
    }
    return parts.join(' AND ');
  }

  private bind(column: ColumnLayout, value: unknown): string {
    const encoded = column.encode(value);
    this.params.push(column.foldSql ? foldSqlValue(encoded) : encoded);
    return '?';
  }

  private operator(column: ColumnLayout, operator: Operator, operand: unknown): string {
    const label = `${this.layout.name}.${column.name}`;
    if (!OPERATORS_BY_KIND[column.spec.kind].has(operator)) {
      throw new StoreError(
        'invalid-query',
        `"${operator}" cannot be used on ${label}, a ${column.spec.kind} column.`,
      );
    }
    // Case-insensitive text compares through its folded shadow column.
    const target = column.foldSql ?? column.sql;
    switch (operator) {
      case 'eq':
        if (operand === null) return `${column.sql} IS NULL`;
        return `${target} = ${this.bind(column, operand)}`;
      case 'ne':
        // IS NOT: a row whose value is null is "not equal" to a value, as a person expects.
        if (operand === null) return `${column.sql} IS NOT NULL`;
        return `${target} IS NOT ${this.bind(column, operand)}`;
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge':
        if (operand === null) {
          throw new StoreError('invalid-value', `"${operator}" on ${label} needs a value, not null.`);
        }
        return `${target} ${COMPARISON_SQL[operator]} ${this.bind(column, operand)}`;
      case 'in':
        return this.inList(column, target, operand, label);
      case 'contains':
      case 'startsWith': {
        if (typeof operand !== 'string') {
          throw new StoreError('invalid-value', `"${operator}" on ${label} needs text.`);
        }
        // instr/substr compare literally: % and _ in the person's text have no special meaning.
        const encoded = column.encode(operand);
        const needle = column.foldSql ? foldSqlValue(encoded) : encoded;
        if (operator === 'contains') {
          this.params.push(needle);
          return `instr(${target}, ?) > 0`;
        }
        // substr counts characters (code points), not UTF-16 units.
        this.params.push(codePointLength(typeof needle === 'string' ? needle : operand), needle);
        return `substr(${target}, 1, ?) = ?`;
      }
    }
  }

  private inList(column: ColumnLayout, target: string, operand: unknown, label: string): string {
    if (!Array.isArray(operand))
      throw new StoreError('invalid-value', `"in" on ${label} needs a list of values.`);
    let includesNull = false;
    const values: SqlValue[] = [];
    for (const item of operand as unknown[]) {
      if (item === null) {
        includesNull = true;
        continue;
      }
      const encoded = column.encode(item);
      values.push(column.foldSql ? foldSqlValue(encoded) : encoded);
    }
    const parts: string[] = [];
    if (values.length > 0) {
      // One parameter whatever the list length: the SQL text (and its cached statement) stays the same.
      this.params.push(JSON.stringify(values));
      parts.push(`${target} IN (SELECT value FROM json_each(?))`);
    }
    if (includesNull) parts.push(`${column.sql} IS NULL`);
    if (parts.length === 0) return '0';
    return parts.length === 1 ? (parts[0] ?? '0') : `(${parts.join(' OR ')})`;
  }
}

/** `WHERE …` (with its leading space) or '' when there is no condition. */
export function compileWhere(layout: TableLayout, where: unknown): CompiledStatement {
  const compiler = new WhereCompiler(layout);
  const sql = compiler.group(where);
  return { sql: sql === '' ? '' : ` WHERE ${sql}`, params: compiler.params };
}

function checkCount(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StoreError('invalid-query', `${name} must be a whole number of zero or more.`);
  }
  return value;
}

function compileOrderBy(layout: TableLayout, orderBy: unknown): string {
  if (orderBy === undefined) return '';
  if (!Array.isArray(orderBy)) throw new StoreError('invalid-query', 'orderBy must be a list.');
  if (orderBy.length === 0) return '';
  const terms = (orderBy as unknown[]).map((term) => {
    if (!isPlainObject(term) || typeof term.column !== 'string') {
      throw new StoreError('invalid-query', 'Every orderBy entry needs a column name.');
    }
    const column = columnOf(layout, term.column, 'orderBy');
    if (column.spec.kind === 'json') {
      throw new StoreError('invalid-query', `${layout.name}.${column.name} holds JSON and cannot be sorted.`);
    }
    const direction = term.direction ?? 'asc';
    if (direction !== 'asc' && direction !== 'desc') {
      throw new StoreError(
        'invalid-query',
        `Sort direction must be "asc" or "desc", not "${String(direction)}".`,
      );
    }
    return `${column.foldSql ?? column.sql} ${direction === 'asc' ? 'ASC' : 'DESC'}`;
  });
  return ` ORDER BY ${terms.join(', ')}`;
}

function compileSelect(layout: TableLayout, select: unknown): readonly ColumnLayout[] {
  if (select === undefined) return layout.columns;
  if (!Array.isArray(select) || select.length === 0) {
    throw new StoreError('invalid-query', 'select must list at least one column.');
  }
  const names = new Set<string>();
  for (const name of select as unknown[]) {
    if (typeof name !== 'string') throw new StoreError('invalid-query', 'select must list column names.');
    columnOf(layout, name, 'select');
    names.add(name);
  }
  // Declaration order, whatever order the caller listed: one SQL text per column set.
  return layout.columns.filter((column) => names.has(column.name));
}

const QUERY_KEYS: ReadonlySet<string> = new Set([
  'where',
  'orderBy',
  'skip',
  'take',
  'includeTotal',
  'select',
]);

export function compileQuery(layout: TableLayout, query: unknown = {}): CompiledQuery {
  if (!isPlainObject(query)) throw new StoreError('invalid-query', 'A query must be an object.');
  for (const key of Object.keys(query)) {
    if (!QUERY_KEYS.has(key)) throw new StoreError('invalid-query', `"${key}" is not a query option.`);
  }
  const where = compileWhere(layout, query.where);
  const orderBy = compileOrderBy(layout, query.orderBy);
  const skip = checkCount(query.skip, 'skip') ?? 0;
  const take = checkCount(query.take, 'take');
  const columns = compileSelect(layout, query.select);
  if (query.includeTotal !== undefined && typeof query.includeTotal !== 'boolean') {
    throw new StoreError('invalid-query', 'includeTotal must be true or false.');
  }
  const columnsSql = columns.map((column) => column.sql).join(', ');
  const select: CompiledStatement = {
    sql: `SELECT ${columnsSql} FROM ${layout.sql}${where.sql}${orderBy} LIMIT ? OFFSET ?`,
    // LIMIT -1 is "no limit": binding it keeps one SQL text for queries with and without take.
    params: [...where.params, take ?? -1, skip],
  };
  const count: CompiledStatement | null =
    query.includeTotal === true
      ? { sql: `SELECT count(*) FROM ${layout.sql}${where.sql}`, params: [...where.params] }
      : null;
  return { select, count, columns };
}
