/**
 * The official SDK's local store contract (defineTable, upsert, lookup, read, del, executeBatch),
 * implemented over OUR store. The SDK declares its own tables at run time (its user tables,
 * `__operations`, `__pulltime`); each becomes a table of our store through `store.table`,
 * and every read and write goes through our store's API: no SQL here.
 *
 * It mirrors the SDK's reference implementation (MobileServiceSqliteStore): an upsert merges the
 * given properties into an existing row, properties without a declared column are dropped, a
 * read returns the declared columns (or `{ result, count }` with includeTotalCount), a batch is
 * one transaction. Every method returns a promise, as the SDK expects.
 */
import type {
  ColumnKind,
  ColumnMap,
  ColumnSpec,
  SystemColumns,
  TableDeclaration,
} from '../../../common/table-schema';
import type { DataTable, Store } from '../../../main/store/types';
import { SdkAdapterError } from './errors';
import { translateQuery, type ColumnResolver } from './query-translation';
import type {
  SdkBatchOperation,
  SdkColumnType,
  SdkQuery,
  SdkReadResult,
  SdkRecord,
  SdkRecordId,
  SdkStore,
  SdkTableDefinition,
} from './sdk-types';

type StoreRow = SystemColumns & Record<string, unknown>;

const kindOfSdkType: Record<SdkColumnType, ColumnKind> = {
  object: 'json',
  array: 'json',
  integer: 'integer',
  int: 'integer',
  float: 'real',
  real: 'real',
  string: 'string',
  text: 'string',
  boolean: 'boolean',
  bool: 'boolean',
  date: 'date',
};

/** Our store's system columns and the SDK types they can be declared with. */
const systemColumnTypes: Record<keyof SystemColumns, readonly SdkColumnType[]> = {
  id: ['string', 'text', 'integer', 'int'],
  version: ['string', 'text'],
  createdAt: ['date'],
  updatedAt: ['date'],
  deleted: ['boolean', 'bool'],
};

/**
 * The SDK's operation log keys its rows by an increasing integer and reads them in numeric order;
 * our store's ids are text, so such a table keeps the number in this extra column.
 */
export const INTEGER_ID_COLUMN = 'sdkIntegerId';

interface AdaptedTable {
  sdkName: string;
  /** SDK column name (as declared) → its SDK type; looked up case-insensitively, as the SDK does. */
  columns: Map<string, { name: string; type: SdkColumnType }>;
  integerId: boolean;
  data: DataTable<StoreRow>;
}

export interface SdkStoreAdapter extends SdkStore {
  /** The store table holding an SDK table (for assertions and the benchmark). */
  storeTableName(sdkTableName: string): string;
}

export function createSdkStoreAdapter(store: Store): SdkStoreAdapter {
  const tables = new Map<string, AdaptedTable>();

  function tableOf(sdkTableName: unknown): AdaptedTable {
    if (typeof sdkTableName !== 'string' || sdkTableName === '') {
      throw new SdkAdapterError('unknown-table', 'A table name must be a non-empty string.');
    }
    const table = tables.get(sdkTableName.toLowerCase());
    if (!table)
      throw new SdkAdapterError('unknown-table', `Definition not found for table "${sdkTableName}".`);
    return table;
  }

  function defineTable(definition: SdkTableDefinition): void {
    const declared = validateDefinition(definition);
    const key = definition.name.toLowerCase();
    const previous = tables.get(key);
    const columns = new Map(previous?.columns);
    for (const column of declared) columns.set(column.name.toLowerCase(), column);
    const integerId = columns.get('id')?.type === 'integer' || columns.get('id')?.type === 'int';
    if (integerId && columns.has(INTEGER_ID_COLUMN.toLowerCase())) {
      throw new SdkAdapterError(
        'invalid-definition',
        `Table "${definition.name}" declares a column "${INTEGER_ID_COLUMN}", which the adapter reserves.`,
      );
    }

    // Our store's own tables are named `store$…`, so the SDK's `__operations` never meets one of ours.
    const storeName = previous ? previous.data.declaration.name : definition.name;
    const existing = store.declarations.find((declaration) => declaration.name === storeName);
    const storeColumns: ColumnMap = { ...existing?.columns };
    for (const column of columns.values()) {
      if (column.name in systemColumnTypes) continue;
      const kind = kindOfSdkType[column.type];
      const current = storeColumns[column.name];
      if (current && current.kind !== kind) {
        throw new SdkAdapterError(
          'invalid-definition',
          `Column ${definition.name}.${column.name} is declared as ${column.type} but the store holds it as ${current.kind}.`,
        );
      }
      storeColumns[column.name] = current ?? nullableColumn(kind);
    }
    if (integerId) storeColumns[INTEGER_ID_COLUMN] ??= nullableColumn('integer');

    const declaration: TableDeclaration = {
      name: storeName,
      columns: storeColumns,
      indexes: existing?.indexes,
    };
    const data = store.table(declaration) as unknown as DataTable<StoreRow>;
    tables.set(key, { sdkName: definition.name, columns, integerId, data });
  }

  function upsertRecords(
    table: AdaptedTable,
    data: SdkRecord | readonly (SdkRecord | null | undefined)[] | null | undefined,
  ): void {
    if (data === null || data === undefined) return;
    const records: readonly (SdkRecord | null | undefined)[] = isRecordList(data) ? data : [data];
    const rows = records.filter((record): record is SdkRecord => record !== null && record !== undefined);
    const serialized = rows.map((record) => serializeRecord(table, record));
    for (const { id, changes } of serialized) {
      if (table.data.lookup(id)) {
        if (Object.keys(changes).length > 0) table.data.update(id, changes);
      } else {
        table.data.insert({ ...changes, id });
      }
    }
  }

  function deleteIds(table: AdaptedTable, ids: readonly SdkRecordId[]): void {
    table.data.deleteMany(ids.map((id) => storeIdOf(table, id)));
  }

  function resolverOf(table: AdaptedTable): ColumnResolver {
    return {
      storeColumn(member) {
        const column = columnOf(table, member);
        return column.name === 'id' && table.integerId ? INTEGER_ID_COLUMN : column.name;
      },
      isBoolean(member) {
        return kindOfSdkType[columnOf(table, member).type] === 'boolean';
      },
      storeValue(member, value) {
        const column = columnOf(table, member);
        return toStoreValue(
          value,
          column.name === 'id' && !table.integerId ? 'string' : column.type,
          column.name,
        );
      },
    };
  }

  function readQuery(query: SdkQuery): {
    table: AdaptedTable;
    items: StoreRow[];
    total?: number;
    selections: string[];
  } {
    validateQuery(query);
    const components = query.getComponents();
    const table = tableOf(components.table);
    const storeQuery = translateQuery(components, resolverOf(table));
    const result = table.data.query(storeQuery);
    return { table, items: result.items, total: result.total, selections: components.selections };
  }

  function validBatchOperation(operation: SdkBatchOperation): {
    table: AdaptedTable;
    action: 'upsert' | 'delete';
  } {
    if (typeof operation !== 'object') {
      throw new SdkAdapterError('invalid-operation', 'A batch operation must be an object.');
    }
    const action = typeof operation.action === 'string' ? operation.action.toLowerCase() : '';
    if (action !== 'upsert' && action !== 'delete') {
      throw new SdkAdapterError(
        'invalid-operation',
        `Operation '${String(operation.action)}' is not supported.`,
      );
    }
    return { table: tableOf(operation.tableName), action };
  }

  return {
    storeTableName(sdkTableName) {
      return tableOf(sdkTableName).data.declaration.name;
    },

    async defineTable(definition) {
      store.transaction(() => defineTable(definition));
    },

    async upsert(tableName, data) {
      const table = tableOf(tableName);
      store.transaction(() => upsertRecords(table, data));
    },

    async lookup(tableName, id, suppressRecordNotFoundError) {
      const table = tableOf(tableName);
      const row = table.data.lookup(storeIdOf(table, id));
      if (row) return toSdkRecord(table, row);
      if (suppressRecordNotFoundError) return undefined;
      throw new SdkAdapterError('not-found', `Item with id "${String(id)}" does not exist.`);
    },

    async read(query): Promise<SdkReadResult> {
      const { table, items, total, selections } = readQuery(query);
      const records = items.map((row) => toSdkRecord(table, row, selections));
      return total === undefined ? records : { result: records, count: total };
    },

    async del(tableNameOrQuery, ids) {
      if (typeof tableNameOrQuery === 'string') {
        const table = tableOf(tableNameOrQuery);
        const list = (Array.isArray(ids) ? ids : [ids]).filter(
          (id): id is SdkRecordId => id !== null && id !== undefined,
        );
        store.transaction(() => deleteIds(table, list));
        return;
      }
      if (typeof tableNameOrQuery !== 'object' || tableNameOrQuery === null) {
        throw new SdkAdapterError('invalid-operation', 'del expects a table name or a query.');
      }
      store.transaction(() => {
        // As the reference store does: delete exactly the rows the query selects (skip/take included).
        const { table, items } = readQuery(tableNameOrQuery);
        table.data.deleteMany(items.map((row) => row.id));
      });
    },

    async executeBatch(operations) {
      if (!Array.isArray(operations)) {
        throw new SdkAdapterError('invalid-operation', 'executeBatch expects an array of operations.');
      }
      const present = operations.filter(
        (operation): operation is SdkBatchOperation => operation !== null && operation !== undefined,
      );
      // Validate everything first: a bad operation must leave the store untouched.
      const validated = present.map((operation) => ({ operation, ...validBatchOperation(operation) }));
      store.transaction(() => {
        for (const { operation, table, action } of validated) {
          if (action === 'upsert') upsertRecords(table, operation.data);
          else if (operation.id !== null && operation.id !== undefined) deleteIds(table, [operation.id]);
        }
      });
    },
  };
}

// ------------------------------------------------------------------ definitions

function validateDefinition(definition: SdkTableDefinition): { name: string; type: SdkColumnType }[] {
  if (typeof definition !== 'object' || definition === null) {
    throw new SdkAdapterError('invalid-definition', 'A table definition must be an object.');
  }
  if (typeof definition.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(definition.name)) {
    throw new SdkAdapterError('invalid-definition', `Invalid table name: ${String(definition.name)}.`);
  }
  const columnDefinitions: unknown = definition.columnDefinitions;
  if (typeof columnDefinitions !== 'object' || columnDefinitions === null) {
    throw new SdkAdapterError('invalid-definition', `Table "${definition.name}" has no columnDefinitions.`);
  }
  const seen = new Set<string>();
  const columns: { name: string; type: SdkColumnType }[] = [];
  for (const [name, rawType] of Object.entries(columnDefinitions)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new SdkAdapterError('invalid-definition', `Invalid column name: ${definition.name}.${name}.`);
    }
    if (seen.has(name.toLowerCase())) {
      throw new SdkAdapterError(
        'invalid-definition',
        `Duplicate definition for column "${name}" in "${definition.name}".`,
      );
    }
    seen.add(name.toLowerCase());
    const type = typeof rawType === 'string' ? rawType.toLowerCase() : '';
    if (!isSdkColumnType(type)) {
      throw new SdkAdapterError(
        'invalid-definition',
        `Column type ${String(rawType)} is not supported (${name}).`,
      );
    }
    const systemName = (Object.keys(systemColumnTypes) as (keyof SystemColumns)[]).find(
      (column) => column.toLowerCase() === name.toLowerCase(),
    );
    if (systemName && !systemColumnTypes[systemName].includes(type)) {
      throw new SdkAdapterError(
        'invalid-definition',
        `Column ${definition.name}.${name} must be one of ${systemColumnTypes[systemName].join(', ')}, not ${type}.`,
      );
    }
    // System columns keep our store's spelling, whatever case the SDK used.
    columns.push({ name: systemName ?? name, type });
  }
  if (!seen.has('id')) {
    throw new SdkAdapterError('invalid-definition', `Table "${definition.name}" must declare an id column.`);
  }
  return columns;
}

function isRecordList(
  data: SdkRecord | readonly (SdkRecord | null | undefined)[],
): data is readonly (SdkRecord | null | undefined)[] {
  return Array.isArray(data);
}

function isSdkColumnType(type: string): type is SdkColumnType {
  return type in kindOfSdkType;
}

function nullableColumn(kind: ColumnKind): ColumnSpec {
  return { kind, nullable: true };
}

function validateQuery(query: SdkQuery): void {
  if (typeof query !== 'object' || query === null || typeof query.getComponents !== 'function') {
    throw new SdkAdapterError('unsupported-query', 'Expected a QueryJS query.');
  }
}

// ------------------------------------------------------------------ values

function columnOf(table: AdaptedTable, member: string): { name: string; type: SdkColumnType } {
  const column = table.columns.get(member.toLowerCase());
  if (!column) {
    throw new SdkAdapterError('unsupported-query', `Table "${table.sdkName}" has no column "${member}".`);
  }
  return column;
}

function storeIdOf(table: AdaptedTable, id: SdkRecordId): string {
  if (table.integerId) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
      throw new SdkAdapterError(
        'invalid-id',
        `id "${String(id)}" of table "${table.sdkName}" must be an integer.`,
      );
    }
    return String(id);
  }
  if (typeof id === 'string' && id.length > 0) return id;
  if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
  throw new SdkAdapterError('invalid-id', `id "${String(id)}" is not valid.`);
}

function serializeRecord(
  table: AdaptedTable,
  record: SdkRecord,
): { id: string; changes: Record<string, unknown> } {
  if (typeof record !== 'object' || Array.isArray(record)) {
    throw new SdkAdapterError('invalid-value', `A record of "${table.sdkName}" must be an object.`);
  }
  const idEntry = Object.entries(record).find(([property]) => property.toLowerCase() === 'id');
  const sdkId = idEntry?.[1];
  if (typeof sdkId !== 'string' && typeof sdkId !== 'number') {
    throw new SdkAdapterError('invalid-id', `A record of "${table.sdkName}" has no valid id.`);
  }
  const id = storeIdOf(table, sdkId);
  const changes: Record<string, unknown> = {};
  if (table.integerId) changes[INTEGER_ID_COLUMN] = sdkId;
  for (const [property, value] of Object.entries(record)) {
    const column = table.columns.get(property.toLowerCase());
    // As in the reference store, properties without a declared column are not stored.
    if (!column || column.name === 'id') continue;
    let stored = toStoreValue(value, column.type, `${table.sdkName}.${column.name}`);
    // Our `deleted` column is not nullable; the SDK leaves it unset on local inserts.
    if (column.name === 'deleted' && stored === null) stored = false;
    changes[column.name] = stored;
  }
  return { id, changes };
}

function toStoreValue(value: unknown, type: SdkColumnType, where: string): unknown {
  if (value === null || value === undefined) return null;
  const invalid = (): SdkAdapterError =>
    new SdkAdapterError(
      'invalid-value',
      `Converting ${describe(value)} to type ${type} is not supported (${where}).`,
    );
  switch (kindOfSdkType[type]) {
    case 'string':
      if (typeof value === 'string') return value;
      if (value instanceof Date) return value.toISOString();
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (value instanceof Date) return value.getTime();
      throw invalid();
    case 'real':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw invalid();
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 0 || value === 1) return value === 1;
      throw invalid();
    case 'date': {
      const date =
        value instanceof Date
          ? value
          : typeof value === 'number' || typeof value === 'string'
            ? new Date(value)
            : null;
      if (!date || Number.isNaN(date.getTime())) throw invalid();
      return date;
    }
    case 'json':
      if (typeof value !== 'object') throw invalid();
      if (type === 'array' && !Array.isArray(value)) throw invalid();
      // Stored as JSON: Dates inside become ISO strings, as JSON.stringify makes them.
      return JSON.parse(JSON.stringify(value)) as unknown;
  }
}

function toSdkRecord(table: AdaptedTable, row: StoreRow, selections: readonly string[] = []): SdkRecord {
  const record: SdkRecord = {};
  const wanted = selections.length > 0 ? new Set(selections.map((name) => name.toLowerCase())) : null;
  for (const [key, column] of table.columns) {
    if (wanted && !wanted.has(key)) continue;
    if (column.name === 'id') {
      record.id = table.integerId ? row[INTEGER_ID_COLUMN] : row.id;
      continue;
    }
    const value = row[column.name];
    record[column.name] =
      value === undefined ? null : value instanceof Date ? new Date(value.getTime()) : value;
  }
  return record;
}

function describe(value: unknown): string {
  try {
    return `${JSON.stringify(value)} (${typeof value})`;
  } catch {
    return typeof value;
  }
}
