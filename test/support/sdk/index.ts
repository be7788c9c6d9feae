/**
 * The official azure-mobile-apps-client SDK as a second client in Node: its HTTP goes through a
 * fetch filter, its local store is our store through the adapter.
 *
 *   const sdk = await openSdkSyncClient({ url, store });
 *   await sdk.table.insert({ id, text: 'from the SDK', complete: false });
 *   await sdk.context.push();
 *   await sdk.table.pull(sdk.query('todoitem'), 'all-todos', { pageSize: 1000 });
 */
import azureMobileAppsClient from 'azure-mobile-apps-client';
import type { Store } from '../../../main/store/types';
import { createFetchFilter, type FetchFilterOptions } from './fetch-filter';
import { createSdkStoreAdapter, type SdkStoreAdapter } from './store-adapter';
import type {
  SdkClient,
  SdkQuery,
  SdkServiceFilter,
  SdkSyncContext,
  SdkSyncTable,
  SdkTableDefinition,
} from './sdk-types';

export { SdkAdapterError, type SdkAdapterErrorCode } from './errors';
export { createFetchFilter, performSdkRequest, type FetchFilterOptions } from './fetch-filter';
export { createSdkStoreAdapter, INTEGER_ID_COLUMN, type SdkStoreAdapter } from './store-adapter';
export { translateQuery, type ColumnResolver } from './query-translation';
export type * from './sdk-types';

/** The todo table as an SDK app declares it: the server's columns plus the system columns. */
export const SDK_TODO_TABLE: SdkTableDefinition = {
  name: 'todoitem',
  columnDefinitions: {
    id: 'string',
    text: 'string',
    complete: 'boolean',
    notes: 'string',
    version: 'string',
    createdAt: 'date',
    updatedAt: 'date',
    deleted: 'boolean',
  },
};

/** A QueryJS query on a table, as SDK code writes `new WindowsAzure.Query('todoitem')`. */
export function sdkQuery(tableName: string): SdkQuery {
  return new azureMobileAppsClient.Query(tableName);
}

export function createSdkClient(url: string, options: FetchFilterOptions = {}): SdkClient {
  return new azureMobileAppsClient.MobileServiceClient(url).withFilter(createFetchFilter(options));
}

export interface SdkSyncClient {
  client: SdkClient;
  context: SdkSyncContext;
  adapter: SdkStoreAdapter;
  /** The sync table of the first declared table (the todo table by default). */
  table: SdkSyncTable;
}

export interface OpenSdkSyncClientOptions extends FetchFilterOptions {
  url: string;
  /** Our store, opened by the caller on its own file (the SDK is a separate client). */
  store: Store;
  tables?: readonly SdkTableDefinition[];
  /** Filters run before the fetch filter, in order (each can answer, change or observe a request). */
  filters?: readonly SdkServiceFilter[];
}

/** A client whose sync context is initialized over our store, with its tables declared. */
export async function openSdkSyncClient(options: OpenSdkSyncClientOptions): Promise<SdkSyncClient> {
  const tables = options.tables ?? [SDK_TODO_TABLE];
  // withFilter composes outside-in: the filter added last sees a request first.
  const client = [...(options.filters ?? [])]
    .reverse()
    .reduce((filtered, filter) => filtered.withFilter(filter), createSdkClient(options.url, options));
  const adapter = createSdkStoreAdapter(options.store);
  for (const table of tables) await adapter.defineTable(table);
  const context = client.getSyncContext();
  await context.initialize(adapter);
  const first = tables[0];
  if (!first) throw new Error('openSdkSyncClient needs at least one table.');
  return { client, context, adapter, table: client.getSyncTable(first.name) };
}
