/**
 * Pull: pages through the server's records ordered by (updatedAt, id) and applies each page
 * in one store transaction together with the watermark it reached.
 *
 * Incremental (with a queryId): the watermark (the last updatedAt applied, and the ids and
 * versions already applied at exactly that time) is persisted per (table, queryId). A pull
 * asks `updatedAt ge <watermark>`: `ge` returns the boundary rows again, and they are skipped
 * by id and version. When a whole page shares the watermark's timestamp, the next page is
 * asked with `$skip` (the server cannot page past a tie otherwise). A short page ends the
 * pull. The server's Link header is not used (it is wrong behind a port).
 *
 * Without a queryId it is a full pull: the same paging from the beginning, nothing persisted.
 *
 * Speed: a page is converted in one loop and written with one upsertMany; the request for
 * the next page is already on its way while the current one is written.
 *
 * Known limit of $skip paging: if a row of a tie is updated on the server while we page
 * through that tie, the rows after it shift down by one and one of them can be skipped.
 */
import type { PullWatermark, Store, Where } from '../store/types';
import { BadResponseError, SyncUsageError } from './errors';
import { odataDate, whereToODataFilter } from './odata';
import { MAX_PAGE_SIZE, type Page, type ProtocolClient } from './protocol-client';
import type { TableQuery } from './query';
import type { LocalRecord, RecordShape, ServerRecord } from './records';
import type { StatusTracker } from './status';

export interface PullSettings {
  /** Rows per request, 1..1000 (the server's maximum and the default). */
  pageSize?: number;
}

export interface PullResult {
  /** Rows the server sent (boundary rows sent again included). */
  received: number;
  /** Rows written locally. */
  upserted: number;
  /** Rows deleted locally because the server deleted them. */
  deleted: number;
  /** Rows skipped because they have unsent local changes. */
  skippedPending: number;
  /** The server's count of matching rows at the start, when it gave one. */
  total: number | null;
}

export interface PullEnvironment {
  store: Store;
  protocol: ProtocolClient;
  status: StatusTracker;
  shapeOf(tableName: string): RecordShape;
}

const QUERY_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

interface Cursor {
  /** Null before the first row of a full pull. */
  updatedAt: Date | null;
  /** id → version of the rows applied at exactly `updatedAt`. */
  seen: Map<string, string>;
  skip: number;
}

export function validatePullArguments(
  queryId: string | undefined,
  settings: PullSettings | undefined,
): number {
  if (queryId !== undefined && (typeof queryId !== 'string' || !QUERY_ID.test(queryId))) {
    throw new SyncUsageError('A pull queryId is 1-200 letters, digits, "_", ".", ":" or "-".');
  }
  const pageSize = settings?.pageSize ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new SyncUsageError(`The pull page size must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  return pageSize;
}

export async function pullTable(
  env: PullEnvironment,
  query: TableQuery,
  queryId: string | undefined,
  pageSize: number,
): Promise<PullResult> {
  const { store, protocol, status } = env;
  const tableName = query.tableName;
  const shape = env.shapeOf(tableName);
  const userFilter = whereToODataFilter(
    query.getWhere() as Where<Record<string, unknown>> | undefined,
    (name) => shape.isKnownColumn(name),
  );
  const stored = queryId === undefined ? undefined : store.watermarks.get(tableName, queryId);
  const cursor: Cursor = {
    updatedAt: stored?.updatedAt ?? null,
    seen: new Map(Object.entries(stored?.seenAtWatermark ?? {})),
    skip: 0,
  };
  const result: PullResult = { received: 0, upserted: 0, deleted: 0, skippedPending: 0, total: null };

  const request = (from: Cursor, first: boolean, signal: AbortSignal): Promise<Page> => {
    const conditions: string[] = [];
    if (userFilter) conditions.push(`(${userFilter})`);
    if (from.updatedAt) conditions.push(`(updatedAt ge ${odataDate(from.updatedAt)})`);
    return protocol.readPage(
      tableName,
      {
        filter: conditions.length > 0 ? conditions.join(' and ') : undefined,
        orderBy: 'updatedAt,id',
        top: pageSize,
        skip: from.skip,
        includeDeleted: true,
        inlineCount: first,
      },
      { signal },
    );
  };

  status.setPhase({ kind: 'pulling', table: tableName, received: 0, total: null });
  let controller = new AbortController();
  let pending: Promise<Page> | null = request(cursor, true, controller.signal);
  try {
    while (pending) {
      const page: Page = await pending;
      pending = null;
      if (page.count !== undefined) result.total = page.count;
      const items = page.items;
      result.received += items.length;
      status.setPhase({ kind: 'pulling', table: tableName, received: result.received, total: result.total });
      const fresh = advance(cursor, items, tableName);
      // Ask for the next page before writing this one: the server works while we write.
      if (items.length === pageSize) {
        controller = new AbortController();
        pending = request(cursor, false, controller.signal);
        // A failure here surfaces when awaited; until then it must not count as unhandled.
        pending.catch(() => undefined);
      }
      const watermark: PullWatermark | undefined =
        queryId !== undefined && cursor.updatedAt
          ? {
              tableName,
              queryId,
              updatedAt: cursor.updatedAt,
              seenAtWatermark: Object.fromEntries(cursor.seen),
            }
          : undefined;
      applyPage(env, shape, fresh, watermark, result);
      if (fresh.length > 0) status.dataChanged(tableName);
      // Let IPC and timers run between pages even when the next page is already here.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    controller.abort();
    throw error;
  }
  return result;
}

/**
 * Moves the cursor past `items` (ordered by updatedAt, id) and returns the rows not already
 * applied at the cursor's timestamp.
 */
function advance(cursor: Cursor, items: readonly ServerRecord[], tableName: string): ServerRecord[] {
  const fresh: ServerRecord[] = [];
  const start = cursor.updatedAt?.getTime() ?? null;
  const last = items.at(-1);
  if (!last) return fresh;
  const lastTime = last.updatedAt?.getTime();
  if (lastTime === undefined || Number.isNaN(lastTime)) {
    throw new BadResponseError(
      { method: 'GET', path: `/tables/${tableName}` },
      200,
      'a row has no updatedAt',
    );
  }
  for (const item of items) {
    const time = item.updatedAt?.getTime();
    if (time === start && cursor.seen.get(item.id) === item.version) continue;
    fresh.push(item);
  }
  if (start !== null && lastTime === start) {
    // The whole page shares the watermark's timestamp: only $skip can get past it.
    cursor.skip += items.length;
    for (const item of items) cursor.seen.set(item.id, item.version);
    return fresh;
  }
  cursor.updatedAt = last.updatedAt;
  cursor.skip = 0;
  cursor.seen = new Map();
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index] as ServerRecord;
    if (item.updatedAt?.getTime() !== lastTime) break;
    cursor.seen.set(item.id, item.version);
  }
  return fresh;
}

function applyPage(
  env: PullEnvironment,
  shape: RecordShape,
  items: readonly ServerRecord[],
  watermark: PullWatermark | undefined,
  result: PullResult,
): void {
  const { store } = env;
  const table = store.tableByName(shape.tableName);
  // Relaxed durability (no fsync per page): a page lost to a power cut is lost together with
  // its watermark, so the next pull simply asks for it again.
  store.transaction(
    () => {
      const pendingIds =
        items.length > 0 ? store.operations.pendingRecordIds(shape.tableName) : new Set<string>();
      const upserts: LocalRecord[] = [];
      const deletions: string[] = [];
      for (const item of items) {
        if (pendingIds.has(item.id)) {
          result.skippedPending++;
        } else if (item.deleted) {
          deletions.push(item.id);
        } else {
          upserts.push(shape.fromServer(item));
        }
      }
      if (upserts.length > 0) table.upsertMany(upserts);
      if (deletions.length > 0) result.deleted += table.deleteMany(deletions);
      result.upserted += upserts.length;
      if (watermark) store.watermarks.set(watermark);
    },
    { durability: 'relaxed' },
  );
}
