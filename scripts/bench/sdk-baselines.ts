/**
 * The official SDK as a user would run it, with our store under it through the adapter. It is
 * about a thousand times slower than the floor, so it only pulls the first `limit` records and
 * pushes a few hundred operations; the figure reported is its rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { openStore } from '../../main/store';
import { openSdkSyncClient, sdkQuery, type SdkRecord, type SdkServiceFilter } from '../../test/support/sdk';
import { perSecond, timed } from './measure';

const EMPTY_PAGE = { status: 200, statusText: 'OK', responseText: '[]', getResponseHeader: () => null };

/**
 * Lets the SDK's pull receive `limit` distinct records, then answers its next page request with
 * an empty page, which is how the SDK learns a pull is complete (it stops only on an empty
 * page). Distinct: each of its pages asks `updatedAt ge` the last one and gets that record again.
 */
function pullBudget(limit: number): SdkServiceFilter {
  const received = new Set<unknown>();
  return (request, next, callback) => {
    const isPageRead = request.type === 'GET' && /\/tables\/todoitem\?/.test(request.url);
    if (!isPageRead) return next(request, callback);
    if (received.size >= limit) return callback(null, EMPTY_PAGE);
    next(request, (error, response) => {
      if (response && response.status === 200) {
        const page: unknown = JSON.parse(response.responseText);
        if (Array.isArray(page)) for (const item of page) received.add((item as { id?: unknown }).id);
      }
      callback(error, response);
    });
  };
}

async function withSdk<T>(
  url: string,
  parentFolder: string,
  filters: SdkServiceFilter[],
  run: (sdk: Awaited<ReturnType<typeof openSdkSyncClient>>, countRows: () => number) => Promise<T>,
): Promise<T> {
  const folder = mkdtempSync(path.join(parentFolder, 'sdk-'));
  const store = openStore({ path: path.join(folder, 'sdk.sqlite'), tables: [] });
  try {
    const sdk = await openSdkSyncClient({ url, store, filters });
    return await run(sdk, () => store.tableByName('todoitem').count());
  } finally {
    store.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Records per second of the SDK's initial pull, over its first `limit` records. */
export async function sdkPullRate(
  url: string,
  parentFolder: string,
  options: { limit: number; pageSize?: number },
): Promise<number> {
  return withSdk(url, parentFolder, [pullBudget(options.limit)], async (sdk, countRows) => {
    const settings = options.pageSize === undefined ? undefined : { pageSize: options.pageSize };
    const { ms } = await timed(async () => sdk.table.pull(sdkQuery('todoitem'), 'bench', settings));
    const pulled = countRows();
    if (pulled < options.limit) throw new Error(`the SDK pulled ${pulled} of ${options.limit} records`);
    return perSecond(pulled, ms);
  });
}

/** Operations per second of the SDK's push of `records.length` queued inserts. */
export async function sdkPushInsertRate(
  url: string,
  parentFolder: string,
  records: readonly SdkRecord[],
): Promise<number> {
  return withSdk(url, parentFolder, [], async (sdk) => {
    for (const record of records) await sdk.table.insert({ ...record });
    return timedPush(sdk, records.length);
  });
}

/**
 * Operations per second of the SDK's push of queued updates to `serverRecords` (records as the
 * server holds them: they are written to the SDK's store as a pull would, then edited).
 */
export async function sdkPushUpdateRate(
  url: string,
  parentFolder: string,
  serverRecords: readonly SdkRecord[],
  edit: (record: SdkRecord) => SdkRecord,
): Promise<number> {
  return withSdk(url, parentFolder, [], async (sdk) => {
    await sdk.adapter.upsert('todoitem', serverRecords);
    for (const record of serverRecords) await sdk.table.update(edit(record));
    return timedPush(sdk, serverRecords.length);
  });
}

async function timedPush(
  sdk: Awaited<ReturnType<typeof openSdkSyncClient>>,
  expected: number,
): Promise<number> {
  const { ms, value: conflicts } = await timed(async () => sdk.context.push());
  if (conflicts.length > 0) throw new Error(`the SDK's push met ${conflicts.length} conflicts`);
  const left = await sdk.adapter.read(sdkQuery('__operations'));
  if (Array.isArray(left) && left.length > 0)
    throw new Error(`the SDK left ${left.length} operations unpushed`);
  return perSecond(expected, ms);
}
