import { SYSTEM_TABLES } from '../system-table-names';
import type { Migration } from './migration';

/** The operation log, sync issues, pull watermarks, key-values and the declared tables' record. */
export const systemTables: Migration = {
  version: 1,
  sql: `
    CREATE TABLE ${SYSTEM_TABLES.tables} (
      "name" TEXT NOT NULL PRIMARY KEY,
      "declaration" TEXT NOT NULL
    ) STRICT;
    -- AUTOINCREMENT: an operation id is never reused, so an issue can never point at a newer operation.
    CREATE TABLE ${SYSTEM_TABLES.operations} (
      "id" INTEGER PRIMARY KEY AUTOINCREMENT,
      "tableName" TEXT NOT NULL,
      "recordId" TEXT NOT NULL,
      "action" TEXT NOT NULL CHECK ("action" IN ('insert', 'update', 'delete')),
      "version" TEXT,
      "base" TEXT,
      "item" TEXT,
      "pushing" INTEGER NOT NULL DEFAULT 0,
      "attempts" INTEGER NOT NULL DEFAULT 0,
      "createdAt" INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX "store$operations$record" ON ${SYSTEM_TABLES.operations} ("tableName", "recordId", "id");
    CREATE TABLE ${SYSTEM_TABLES.syncIssues} (
      "id" INTEGER PRIMARY KEY AUTOINCREMENT,
      "operationId" INTEGER NOT NULL,
      "kind" TEXT NOT NULL CHECK ("kind" IN ('conflict', 'rejected')),
      "tableName" TEXT NOT NULL,
      "recordId" TEXT NOT NULL,
      "action" TEXT NOT NULL CHECK ("action" IN ('insert', 'update', 'delete')),
      "httpStatus" INTEGER,
      "message" TEXT NOT NULL,
      "serverRecord" TEXT,
      "clientRecord" TEXT,
      "baseRecord" TEXT,
      "createdAt" INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX "store$syncIssues$operation" ON ${SYSTEM_TABLES.syncIssues} ("operationId");
    CREATE TABLE ${SYSTEM_TABLES.watermarks} (
      "tableName" TEXT NOT NULL,
      "queryId" TEXT NOT NULL,
      "updatedAt" INTEGER NOT NULL,
      "seenAtWatermark" TEXT NOT NULL,
      PRIMARY KEY ("tableName", "queryId")
    ) STRICT;
    CREATE TABLE ${SYSTEM_TABLES.keyValues} (
      "key" TEXT NOT NULL PRIMARY KEY,
      "value" TEXT NOT NULL
    ) STRICT;
  `,
};
