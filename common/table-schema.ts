/**
 * Table declarations: the one source of truth for a table's columns.
 *
 * The store derives its SQL (columns, migrations, value encoding) from a declaration,
 * the sync engine derives which fields it sends, and TypeScript derives the record type
 * with `RecordOf<typeof table>`. Nothing here runs SQL; it is plain data shared by
 * main, preload and renderer.
 */

export type ColumnKind = 'string' | 'boolean' | 'integer' | 'real' | 'date' | 'json';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ColumnSpec<K extends ColumnKind = ColumnKind, N extends boolean = boolean> {
  readonly kind: K;
  /** A nullable column accepts and returns `null`; a non-nullable one needs `defaultValue`. */
  readonly nullable: N;
  /** Used for rows that existed before this column was added, and for inserts that omit it. */
  readonly defaultValue?: ValueOfKind<K> | null;
  /** Compare case-insensitively in where/orderBy (what a person expects of text they typed). */
  readonly caseInsensitive?: boolean;
  /** What the UI calls the field (the conflict dialog's rows); the column name when absent. */
  readonly label?: string;
}

export type ValueOfKind<K extends ColumnKind> = K extends 'string'
  ? string
  : K extends 'boolean'
    ? boolean
    : K extends 'integer' | 'real'
      ? number
      : K extends 'date'
        ? Date
        : JsonValue;

export type ColumnMap = Record<string, ColumnSpec>;

export interface TableDeclaration<C extends ColumnMap = ColumnMap> {
  readonly name: string;
  readonly columns: C;
  /** Extra indexes for hot queries; each entry lists column names (system columns allowed). */
  readonly indexes?: readonly (readonly string[])[];
}

/** Columns every synced table has; the server owns version, createdAt, updatedAt and deleted. */
export interface SystemColumns {
  id: string;
  version: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  deleted: boolean;
}

export const SYSTEM_COLUMNS: Readonly<Record<keyof SystemColumns, ColumnSpec>> = {
  id: { kind: 'string', nullable: false },
  version: { kind: 'string', nullable: true },
  createdAt: { kind: 'date', nullable: true },
  updatedAt: { kind: 'date', nullable: true },
  deleted: { kind: 'boolean', nullable: false, defaultValue: false },
};

type ValueOfSpec<S> =
  S extends ColumnSpec<infer K, infer N> ? (N extends true ? ValueOfKind<K> | null : ValueOfKind<K>) : never;

/** The user columns of a declaration as a record type. */
export type ColumnsOf<D extends TableDeclaration> = {
  -readonly [K in keyof D['columns']]: ValueOfSpec<D['columns'][K]>;
};

/** A full row: system columns plus the declared columns. */
export type RecordOf<D extends TableDeclaration> = SystemColumns & ColumnsOf<D>;

export function column<K extends ColumnKind>(
  kind: K,
  options: { defaultValue: ValueOfKind<K>; caseInsensitive?: boolean; label?: string },
): ColumnSpec<K, false>;
export function column<K extends ColumnKind>(
  kind: K,
  options: {
    nullable: true;
    defaultValue?: ValueOfKind<K> | null;
    caseInsensitive?: boolean;
    label?: string;
  },
): ColumnSpec<K, true>;
export function column<K extends ColumnKind>(
  kind: K,
  options: {
    nullable?: boolean;
    defaultValue?: ValueOfKind<K> | null;
    caseInsensitive?: boolean;
    label?: string;
  },
): ColumnSpec<K> {
  return {
    kind,
    nullable: options.nullable ?? false,
    defaultValue: options.defaultValue,
    caseInsensitive: options.caseInsensitive,
    ...(options.label === undefined ? {} : { label: options.label }),
  };
}

export function defineTable<const C extends ColumnMap>(
  name: string,
  columns: C,
  options: { indexes?: readonly (readonly string[])[] } = {},
): TableDeclaration<C> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Invalid table name: ${name}`);
  for (const key of Object.keys(columns)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`Invalid column name: ${name}.${key}`);
    if (key in SYSTEM_COLUMNS) throw new Error(`Column ${name}.${key} is a system column`);
  }
  return { name, columns, indexes: options.indexes };
}
