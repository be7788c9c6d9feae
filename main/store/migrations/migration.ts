/** One numbered step of the system tables' schema; PRAGMA user_version records the last one applied. */
export interface Migration {
  readonly version: number;
  /** SQL run inside the migration's transaction, together with the version bump. */
  readonly sql: string;
}
