import { SYSTEM_TABLES } from '../system-table-names';
import type { Migration } from './migration';

/**
 * What an operation last sent: once a request may have reached the server, a lost reply must
 * be recognisable on retry, across restarts.
 */
export const operationSent: Migration = {
  version: 2,
  sql: `ALTER TABLE ${SYSTEM_TABLES.operations} ADD COLUMN "sent" TEXT;`,
};
