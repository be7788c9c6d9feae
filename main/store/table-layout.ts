/**
 * How a table declaration maps onto SQLite: column order, quoted identifiers, folded shadow
 * columns for case-insensitive text, and validation of declarations that arrive at run time
 * (the SDK adapter declares tables with column lists it only learns while running).
 */
import { SYSTEM_COLUMNS, type ColumnSpec, type TableDeclaration } from '../../common/table-schema';
import {
  decodeValue,
  encodeValue,
  foldCase,
  isColumnSpec,
  isPlainObject,
  quoteIdentifier,
  type SqlValue,
} from './codec';
import { StoreError } from './errors';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ColumnLayout {
  readonly name: string;
  readonly spec: ColumnSpec;
  readonly sql: string;
  /** The folded shadow column (quoted) when the column is case-insensitive text. */
  readonly foldSql: string | null;
  readonly isSystem: boolean;
  encode(value: unknown): SqlValue;
  decode(raw: unknown): unknown;
}

export interface TableLayout {
  readonly declaration: TableDeclaration;
  readonly name: string;
  readonly sql: string;
  /** System columns first, then the declared ones, in declaration order. */
  readonly columns: readonly ColumnLayout[];
  readonly byName: ReadonlyMap<string, ColumnLayout>;
  /** Every SQL column a write supplies: each column, followed by its fold column if it has one. */
  readonly writeColumnsSql: readonly string[];
  readonly selectAllSql: string;
}

export function foldColumnName(column: string): string {
  // `$` cannot appear in a declared name, so the shadow column can never collide with one.
  return `${column}$fold`;
}

/**
 * An index's columns as SQL names (unquoted). Case-insensitive text is searched through its
 * fold column, so that is what gets indexed.
 */
export function indexColumnNames(layout: TableLayout, columns: readonly string[]): string[] {
  return columns.map((name) => (layout.byName.get(name)?.foldSql ? foldColumnName(name) : name));
}

function columnLayout(tableName: string, name: string, spec: ColumnSpec, isSystem: boolean): ColumnLayout {
  const where = `${tableName}.${name}`;
  const folded = spec.kind === 'string' && spec.caseInsensitive === true;
  return {
    name,
    spec,
    sql: quoteIdentifier(name),
    foldSql: folded ? quoteIdentifier(foldColumnName(name)) : null,
    isSystem,
    encode: (value) => {
      if (value === null) {
        if (!spec.nullable) throw new StoreError('invalid-value', `${where} cannot be empty (null).`);
        return null;
      }
      return encodeValue(spec.kind, value, where);
    },
    decode: (raw) => decodeValue(spec.kind, raw),
  };
}

/** Validates a declaration that may come from untyped code, with messages naming the problem. */
export function validateDeclaration(declaration: unknown): asserts declaration is TableDeclaration {
  if (!isPlainObject(declaration) || typeof declaration.name !== 'string') {
    throw new StoreError('invalid-query', 'A table declaration needs a name and columns.');
  }
  const tableName = declaration.name;
  if (!IDENTIFIER.test(tableName) || /^sqlite_/i.test(tableName)) {
    throw new StoreError(
      'invalid-query',
      `"${tableName}" cannot be a table name: use letters, digits and _ (not starting with a digit or sqlite_).`,
    );
  }
  if (!isPlainObject(declaration.columns)) {
    throw new StoreError('invalid-query', `Table ${tableName} needs a columns object.`);
  }
  const seen = new Set(Object.keys(SYSTEM_COLUMNS).map((name) => name.toLowerCase()));
  for (const [name, spec] of Object.entries(declaration.columns)) {
    // __proto__ would set a returned row's prototype instead of a field.
    if (!IDENTIFIER.test(name) || name === '__proto__') {
      throw new StoreError('invalid-query', `"${tableName}.${name}" cannot be a column name.`);
    }
    // SQLite column names are case-insensitive: `Text` and `text` would be one column.
    if (seen.has(name.toLowerCase())) {
      throw new StoreError(
        'invalid-query',
        `Column ${tableName}.${name} clashes with a system column or another column (names ignore case).`,
      );
    }
    seen.add(name.toLowerCase());
    if (!isColumnSpec(spec)) {
      throw new StoreError(
        'invalid-query',
        `Column ${tableName}.${name} has no valid kind/nullable specification.`,
      );
    }
    if (spec.defaultValue !== undefined && spec.defaultValue !== null) {
      encodeValue(spec.kind, spec.defaultValue, `The default of ${tableName}.${name}`);
    }
    if (spec.defaultValue === null && !spec.nullable) {
      throw new StoreError(
        'invalid-query',
        `Column ${tableName}.${name} is not nullable, so its default cannot be null.`,
      );
    }
  }
  if (declaration.indexes !== undefined) {
    if (!Array.isArray(declaration.indexes)) {
      throw new StoreError('invalid-query', `Table ${tableName}: indexes must be a list of column lists.`);
    }
    const known = new Set([...Object.keys(SYSTEM_COLUMNS), ...Object.keys(declaration.columns)]);
    for (const index of declaration.indexes as unknown[]) {
      if (!Array.isArray(index) || index.length === 0) {
        throw new StoreError('invalid-query', `Table ${tableName}: every index needs at least one column.`);
      }
      for (const column of index as unknown[]) {
        if (typeof column !== 'string' || !known.has(column)) {
          throw new StoreError(
            'invalid-query',
            `Table ${tableName}: index column ${String(column)} is not declared.`,
          );
        }
      }
    }
  }
}

export function buildLayout(declaration: TableDeclaration): TableLayout {
  const columns: ColumnLayout[] = [];
  for (const [name, spec] of Object.entries(SYSTEM_COLUMNS)) {
    columns.push(columnLayout(declaration.name, name, spec, true));
  }
  for (const [name, spec] of Object.entries(declaration.columns)) {
    columns.push(columnLayout(declaration.name, name, spec, false));
  }
  const writeColumnsSql: string[] = [];
  for (const column of columns) {
    writeColumnsSql.push(column.sql);
    if (column.foldSql) writeColumnsSql.push(column.foldSql);
  }
  return {
    declaration,
    name: declaration.name,
    sql: quoteIdentifier(declaration.name),
    columns,
    byName: new Map(columns.map((column) => [column.name, column])),
    writeColumnsSql,
    selectAllSql: columns.map((column) => column.sql).join(', '),
  };
}

/** Folds a value bound for a fold column (text, or null). */
export function foldSqlValue(encoded: SqlValue): SqlValue {
  return typeof encoded === 'string' ? foldCase(encoded) : encoded;
}

/** A stable text form of a declaration, to tell whether a re-declaration changed anything. */
export function declarationKey(declaration: TableDeclaration): string {
  const columns = Object.entries(declaration.columns).map(([name, spec]) => [
    name,
    spec.kind,
    spec.nullable,
    spec.caseInsensitive === true,
    spec.defaultValue instanceof Date ? { date: spec.defaultValue.getTime() } : (spec.defaultValue ?? null),
  ]);
  return JSON.stringify({ name: declaration.name, columns, indexes: declaration.indexes ?? [] });
}
