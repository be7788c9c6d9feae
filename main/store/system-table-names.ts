/**
 * The SQL names of the store's own tables, shared by the migrations that create them and the
 * code that reads and writes them.
 *
 * `$` cannot appear in a declared table name, so these names never collide with a data table
 * (the SDK adapter declares tables such as `__operations` of its own).
 */
export const SYSTEM_TABLES = {
  operations: '"store$operations"',
  syncIssues: '"store$syncIssues"',
  watermarks: '"store$watermarks"',
  keyValues: '"store$keyValues"',
  /** The last declaration applied to each data table: what the next migration compares against. */
  tables: '"store$tables"',
} as const;
