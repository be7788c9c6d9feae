/**
 * The store's own schema: running the numbered migrations of the system tables (one per file in
 * ./migrations, tracked in PRAGMA user_version) and the create-or-migrate step for declared
 * data tables.
 */
import { foldCase, quoteIdentifier, sqlTypeOf } from './codec';
import type { Connection } from './connection';
import { StoreError } from './errors';
import { MIGRATIONS } from './migrations';
import { SYSTEM_TABLES } from './system-table-names';
import { foldColumnName, indexColumnNames, type TableLayout } from './table-layout';

/** The schema version this build writes; a file with a higher one comes from a newer app. */
export const STORE_SCHEMA_VERSION = MIGRATIONS.reduce(
  (highest, migration) => Math.max(highest, migration.version),
  0,
);

export function readSchemaVersion(connection: Connection): number {
  return connection.db.pragma('user_version', { simple: true }) as number;
}

/** Runs every migration above the file's version, each in its own transaction with its version bump. */
export function migrateSystemTables(connection: Connection): void {
  for (const migration of MIGRATIONS) {
    if (readSchemaVersion(connection) >= migration.version) continue;
    connection.transaction(() => {
      connection.db.exec(migration.sql);
      // user_version is written inside the transaction: the tables and the number commit together.
      connection.db.pragma(`user_version = ${migration.version}`);
    });
  }
}

interface StoredColumn {
  kind: string;
  nullable: boolean;
  caseInsensitive: boolean;
}

function storedColumns(connection: Connection, tableName: string): Map<string, StoredColumn> | null {
  const text = connection.value(`SELECT "declaration" FROM ${SYSTEM_TABLES.tables} WHERE "name" = ?`, [
    tableName,
  ]);
  if (typeof text !== 'string') return null;
  const parsed = JSON.parse(text) as { columns: Record<string, StoredColumn> };
  return new Map(Object.entries(parsed.columns));
}

function indexName(layout: TableLayout, columns: readonly string[]): string {
  return `idx$${layout.name}$${columns.join('$')}`;
}

/**
 * Creates the table of a declaration, or migrates the existing one: new columns are added
 * (old rows get the declared default), case-insensitive columns get their folded shadow filled,
 * declared indexes are created and dropped ones removed. Columns that left the declaration stay
 * in the file: their data is never thrown away by a code change. Runs in one transaction.
 */
export function ensureTable(connection: Connection, layout: TableLayout): void {
  connection.transaction(() => {
    const existing = new Set(
      connection
        .rows('SELECT "name" FROM pragma_table_info(?)', [layout.name])
        .map((row) => String(row.name).toLowerCase()),
    );
    const previous = storedColumns(connection, layout.name);
    if (existing.size === 0) {
      // User columns are nullable in SQL; the store enforces the declaration on every write,
      // and a later declaration may relax a column without rebuilding the table.
      const definitions = layout.columns.flatMap((column) => {
        const type = sqlTypeOf(column.spec.kind);
        const main =
          column.name === 'id'
            ? `"id" TEXT NOT NULL PRIMARY KEY`
            : column.name === 'deleted'
              ? `"deleted" INTEGER NOT NULL DEFAULT 0`
              : `${column.sql} ${type}`;
        return column.foldSql ? [main, `${column.foldSql} TEXT`] : [main];
      });
      connection.db.exec(`CREATE TABLE ${layout.sql} (${definitions.join(', ')}) STRICT`);
    } else {
      for (const column of layout.columns) {
        if (column.isSystem) continue;
        const label = `${layout.name}.${column.name}`;
        const before = previous?.get(column.name);
        const isNew = !existing.has(column.name.toLowerCase());
        if (isNew) {
          connection.db.exec(
            `ALTER TABLE ${layout.sql} ADD COLUMN ${column.sql} ${sqlTypeOf(column.spec.kind)}`,
          );
        } else if (before && before.kind !== column.spec.kind) {
          throw new StoreError(
            'invalid-query',
            `Column ${label} holds ${before.kind} values and cannot become ${column.spec.kind}; declare a new column instead.`,
          );
        }
        const defaultValue = column.spec.defaultValue;
        const needsFill = isNew || (before?.nullable ?? true) !== column.spec.nullable;
        if (needsFill && defaultValue !== undefined && defaultValue !== null) {
          connection.run(`UPDATE ${layout.sql} SET ${column.sql} = ? WHERE ${column.sql} IS NULL`, [
            column.encode(defaultValue),
          ]);
        }
        if (!column.spec.nullable) {
          const nulls = connection.value(
            `SELECT count(*) FROM ${layout.sql} WHERE ${column.sql} IS NULL`,
          ) as number;
          if (nulls > 0) {
            throw new StoreError(
              'invalid-query',
              `Column ${label} cannot become required without a default: ${nulls} existing rows have no value.`,
            );
          }
        }
        if (column.foldSql && (isNew || !before?.caseInsensitive)) {
          fillFoldColumn(
            connection,
            layout,
            column.sql,
            column.foldSql,
            existing.has(foldColumnName(column.name).toLowerCase()),
          );
        }
      }
    }
    syncIndexes(connection, layout);
    const columns: Record<string, StoredColumn> = {};
    for (const column of layout.columns) {
      if (column.isSystem) continue;
      columns[column.name] = {
        kind: column.spec.kind,
        nullable: column.spec.nullable,
        caseInsensitive: column.spec.caseInsensitive === true,
      };
    }
    connection.run(
      `INSERT INTO ${SYSTEM_TABLES.tables} ("name", "declaration") VALUES (?, ?)
       ON CONFLICT("name") DO UPDATE SET "declaration" = excluded."declaration"`,
      [layout.name, JSON.stringify({ columns })],
    );
  });
}

/** The fold column is maintained only while a column is case-insensitive, so (re)enabling refills it. */
function fillFoldColumn(
  connection: Connection,
  layout: TableLayout,
  columnSql: string,
  foldSql: string,
  foldColumnExists: boolean,
): void {
  if (!foldColumnExists) connection.db.exec(`ALTER TABLE ${layout.sql} ADD COLUMN ${foldSql} TEXT`);
  const rows = connection.rawRows(
    `SELECT rowid, ${columnSql} FROM ${layout.sql} WHERE ${columnSql} IS NOT NULL`,
  );
  const update = connection.statement(`UPDATE ${layout.sql} SET ${foldSql} = ? WHERE rowid = ?`);
  for (const [rowid, text] of rows) update.run(foldCase(String(text)), rowid as number);
}

function syncIndexes(connection: Connection, layout: TableLayout): void {
  const wanted = new Map<string, string[]>();
  for (const columns of layout.declaration.indexes ?? []) {
    // The name says which columns (fold or not), so turning caseInsensitive on or off replaces
    // the index.
    const sqlNames = indexColumnNames(layout, columns);
    wanted.set(indexName(layout, sqlNames), sqlNames.map(quoteIdentifier));
  }
  const prefix = `idx$${layout.name}$`;
  const present = connection
    .rows(
      `SELECT "name" FROM sqlite_schema WHERE "type" = 'index' AND "tbl_name" = ? AND substr("name", 1, ?) = ?`,
      [layout.name, prefix.length, prefix],
    )
    .map((row) => String(row.name));
  for (const name of present) {
    if (!wanted.has(name)) connection.db.exec(`DROP INDEX ${quoteIdentifier(name)}`);
  }
  for (const [name, columns] of wanted) {
    connection.db.exec(
      `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(name)} ON ${layout.sql} (${columns.join(', ')})`,
    );
  }
}
