/**
 * The system tables' migrations, one per file (NNN-name.ts), in the order they run. A new one
 * gets the next number, its own file, and a line here; a released migration is never edited,
 * because files out there already carry its version.
 */
import { systemTables } from './001-system-tables';
import { operationSent } from './002-operation-sent';
import { watermarkLastId } from './003-watermark-last-id';
import type { Migration } from './migration';

export type { Migration } from './migration';

export const MIGRATIONS: readonly Migration[] = [systemTables, operationSent, watermarkLastId];

// Versions are consecutive from 1 so `user_version` alone says which steps a file has had.
MIGRATIONS.forEach((migration, index) => {
  if (migration.version !== index + 1) {
    throw new Error(`Store migration #${index + 1} has version ${migration.version}; keep them consecutive.`);
  }
});
