import { SYSTEM_TABLES } from '../system-table-names';
import type { Migration } from './migration';

/**
 * The key of the last row a pull applied, next to its updatedAt: paging by (updatedAt, id)
 * instead of $skip is what keeps a row of a timestamp tie from being skipped when another
 * row of the tie changes during the pull.
 */
export const watermarkLastId: Migration = {
  version: 3,
  sql: `ALTER TABLE ${SYSTEM_TABLES.watermarks} ADD COLUMN "lastId" TEXT;`,
};
