/**
 * Pull: reads the server's records in (updatedAt, id) order and applies each page in one
 * store transaction together with the watermark it reached. How pages are chosen and what a
 * watermark remembers is in pull-paging.ts.
 *
 * Incremental (with a queryId): the watermark is persisted per (table, queryId) and the next
 * pull continues after it. Without a queryId it is a full pull from the beginning, nothing
 * persisted.
 *
 * Speed: the first page asks for the count; the pages after it are then requested several at
 * a time (their offsets are known), each overlapping the one before by a row so a change on
 * the server in the meantime is noticed, and the pull stops once the count is reached. Each
 * page is converted on the main thread, a slice per turn of the event loop, and written on the
 * store's worker thread while the next page is converted. The server's Link header is not used
 * (it is wrong behind a port).
 *
 * A server whose tables allow fewer rows per request (maxTop) answers a larger $top with
 * 400; the pull takes the limit it states (or halves the page until accepted) and the
 * context remembers it for that backend.
 */
import type { PulledPage, Store, Where } from '../store/types';
import { BadResponseError, SyncUsageError } from './errors';
import { keepAbsentFields } from './column-support';
import { whereToODataFilter } from './odata';
import {
  MAX_PAGE_SIZE,
  mayBeAboutPageSize,
  statedPageLimit,
  type Page,
  type ProtocolClient,
} from './protocol-client';
import {
  advancePosition,
  freshRows,
  overlapHolds,
  positionAfter,
  positionFilter,
  positionFromWatermark,
  speculativePageCount,
  speculativeSkip,
  watermarkFor,
  type AppliedPosition,
  type PullPosition,
} from './pull-paging';
import type { TableQuery } from './query';
import type { LocalRecord, RecordShape, ServerRecord } from './records';
import type { StatusTracker } from './status';

export interface PullSettings {
  /** Rows per request, 1..1000 (the protocol's maximum and the default; a server may allow fewer). */
  pageSize?: number;
  /** Pages requested at once after the first, 1..16 (default 4). 1 reads one page at a time. */
  pagesInFlight?: number;
}

export const DEFAULT_PAGES_IN_FLIGHT = 4;
const MAX_PAGES_IN_FLIGHT = 16;

export interface PullResult {
  /** Rows the server sent (boundary rows sent again included). */
  received: number;
  /** Rows written locally: new, or changed on the server. */
  upserted: number;
  /** Rows deleted locally because the server deleted them. */
  deleted: number;
  /** Rows skipped because they have unsent local changes. */
  skippedPending: number;
  /** Rows that came back as they are stored already, such as this client's own pushed changes. */
  unchanged: number;
  /** The server's count of matching rows at the start, when it gave one. */
  total: number | null;
}

export interface PullEnvironment {
  store: Store;
  protocol: ProtocolClient;
  status: StatusTracker;
  shapeOf(tableName: string): RecordShape;
  /** The largest page this backend accepts, once learned; remembered per backend. */
  pageLimit: { get(): number | undefined; set(limit: number): void };
  /** See DEFAULT_SETTLE_MS in pull-paging.ts. */
  settleMs: number;
}

const QUERY_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

export function validatePullArguments(
  queryId: string | undefined,
  settings: PullSettings | undefined,
): { pageSize: number; pagesInFlight: number } {
  if (queryId !== undefined && (typeof queryId !== 'string' || !QUERY_ID.test(queryId))) {
    throw new SyncUsageError('A pull queryId is 1-200 letters, digits, "_", ".", ":" or "-".');
  }
  const pageSize = settings?.pageSize ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new SyncUsageError(`The pull page size must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  const pagesInFlight = settings?.pagesInFlight ?? DEFAULT_PAGES_IN_FLIGHT;
  if (!Number.isInteger(pagesInFlight) || pagesInFlight < 1 || pagesInFlight > MAX_PAGES_IN_FLIGHT) {
    throw new SyncUsageError(
      `The number of pages in flight must be a whole number from 1 to ${MAX_PAGES_IN_FLIGHT}.`,
    );
  }
  return { pageSize, pagesInFlight };
}

export async function pullTable(
  env: PullEnvironment,
  query: TableQuery,
  queryId: string | undefined,
  settings: { pageSize: number; pagesInFlight: number },
): Promise<PullResult> {
  const { store, status } = env;
  const tableName = query.tableName;
  const shape = env.shapeOf(tableName);
  const userFilter = whereToODataFilter(
    query.getWhere() as Where<Record<string, unknown>> | undefined,
    (name) => shape.isKnownColumn(name),
  );
  const start = positionFromWatermark(
    queryId === undefined ? undefined : store.watermarks.get(tableName, queryId),
  );
  const result: PullResult = {
    received: 0,
    upserted: 0,
    deleted: 0,
    skippedPending: 0,
    unchanged: 0,
    total: null,
  };
  const run: PullRun = {
    env,
    shape,
    queryId,
    userFilter,
    result,
    pageSize: Math.min(settings.pageSize, env.pageLimit.get() ?? MAX_PAGE_SIZE),
    pagesInFlight: settings.pagesInFlight,
    applied: null,
    writing: Promise.resolve(),
    controller: new AbortController(),
  };
  status.setPhase({ kind: 'pulling', table: tableName, received: 0, total: null });
  // The worker that writes the pages boots while the first one is on its way (if not yet up).
  void env.store.expectPulls();
  try {
    await readPages(run, start);
    await run.writing;
  } finally {
    run.controller.abort();
    // Nothing of this pull may still be writing once it has returned or failed.
    await run.writing.catch(() => undefined);
  }
  return result;
}

async function readPages(run: PullRun, start: PullPosition): Promise<void> {
  const first = await firstPage(run, start);
  if (first.count !== undefined) run.result.total = first.count;
  noteReceived(run, first.items);
  const rest = afterFirstPage(run, first);
  // The page after, by key, is asked before the first is applied (as pageByPage does for the
  // pages after it): an incremental pull a little over one page then costs one round trip
  // beside the first page's write instead of after it.
  const last = first.items.at(-1);
  const next = rest === 'by-key' && last ? requestPage(run, afterRow(last)) : undefined;
  await applyReceived(run, start, first);
  if (rest === 'done') return;
  if (rest === 'speculative' && (await speculativePages(run, start, first))) return;
  await pageByPage(run, positionAfter(run.applied, start), next);
}

/**
 * How the rows after a full first page are read: none left by its count; several pages in
 * flight (speculativePages); or page by page by key, where the count is missing, one page of
 * rows is left (nothing to run in parallel, and no $skip for the server to scan through), or
 * pages of one row cannot overlap.
 */
function afterFirstPage(run: PullRun, first: Page): 'done' | 'speculative' | 'by-key' {
  if (first.items.length < run.pageSize) return 'done';
  if (first.count === undefined || run.pageSize < 2 || run.pagesInFlight < 2) return 'by-key';
  const pages = speculativePageCount(first.count, run.pageSize);
  if (pages === 0) return 'done';
  return pages === 1 ? 'by-key' : 'speculative';
}

function afterRow(row: ServerRecord): PullPosition {
  return { kind: 'after-row', updatedAt: row.updatedAt as Date, id: row.id };
}

/** One pull's state while it runs. */
interface PullRun {
  env: PullEnvironment;
  shape: RecordShape;
  queryId: string | undefined;
  userFilter: string | undefined;
  result: PullResult;
  pageSize: number;
  pagesInFlight: number;
  /** The last row applied (its page written or being written), null before the first. */
  applied: AppliedPosition | null;
  /** The write of the last page applied; rejects if it failed. */
  writing: Promise<void>;
  /** Aborts the requests still in flight when the pull ends or fails. */
  controller: AbortController;
}

function requestPage(
  run: PullRun,
  position: PullPosition,
  options: { skip?: number; inlineCount?: boolean } = {},
): Promise<Page> {
  const conditions: string[] = [];
  if (run.userFilter) conditions.push(`(${run.userFilter})`);
  const from = positionFilter(position);
  if (from) conditions.push(from);
  const page = run.env.protocol.readPage(
    run.shape.tableName,
    {
      filter: conditions.length > 0 ? conditions.join(' and ') : undefined,
      orderBy: 'updatedAt,id',
      top: run.pageSize,
      skip: options.skip,
      includeDeleted: true,
      inlineCount: options.inlineCount,
    },
    { signal: run.controller.signal },
  );
  // A page requested ahead may fail before it is awaited; that must not count as unhandled.
  page.catch(() => undefined);
  return page;
}

/**
 * The first page, with the count. A server with a lower maxTop refuses the page size: take
 * the limit it states, or halve the page until it is accepted, and remember it.
 */
async function firstPage(run: PullRun, start: PullPosition): Promise<Page> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await requestPage(run, start, { inlineCount: true });
    } catch (error) {
      const stated = statedPageLimit(error);
      const smaller =
        stated !== null && stated < run.pageSize
          ? stated
          : stated === null && mayBeAboutPageSize(error) && run.pageSize > 1 && attempt < 10
            ? Math.floor(run.pageSize / 2)
            : null;
      if (smaller === null) throw error;
      run.pageSize = smaller;
      run.env.pageLimit.set(smaller);
    }
  }
}

/**
 * Pages 2… of the first page's filter, several in flight, each starting on the previous
 * page's last row. Returns false when an overlap did not hold (the rest is then read page by
 * page from the last row applied); true when every row counted at the start was read.
 */
async function speculativePages(run: PullRun, start: PullPosition, first: Page): Promise<boolean> {
  const pages = speculativePageCount(first.count ?? 0, run.pageSize);
  const inFlight: Promise<Page>[] = [];
  let requested = 0;
  const requestMore = (): void => {
    while (requested < pages && inFlight.length < run.pagesInFlight) {
      requested++;
      inFlight.push(requestPage(run, start, { skip: speculativeSkip(requested, run.pageSize) }));
    }
  };
  let previousLast = first.items.at(-1);
  requestMore();
  for (let index = 1; index <= pages; index++) {
    const page = await (inFlight.shift() as Promise<Page>);
    if (!overlapHolds(previousLast, page.items)) return false;
    const rest = page.items.slice(1);
    noteReceived(run, rest);
    requestMore();
    await applyReceived(run, start, { ...page, items: rest });
    previousLast = rest.at(-1) ?? previousLast;
    // Rows that changed meanwhile moved to the end: a short page ends the rows counted.
    if (page.items.length < run.pageSize) return true;
  }
  return true;
}

/**
 * One page at a time from `position` (the next one already asked while a page is written);
 * `asked`: the page at `position`, when it is already on its way.
 */
async function pageByPage(run: PullRun, position: PullPosition, asked?: Promise<Page>): Promise<void> {
  let pending: Promise<Page> | null = asked ?? requestPage(run, position);
  while (pending) {
    const page: Page = await pending;
    pending = null;
    noteReceived(run, page.items);
    const last = page.items.at(-1);
    if (page.items.length === run.pageSize && last) pending = requestPage(run, afterRow(last));
    await applyReceived(run, position, page);
    if (last) position = afterRow(last);
  }
}

/** Counts a page's rows into the progress the person sees. */
function noteReceived(run: PullRun, items: readonly ServerRecord[]): void {
  checkOrderable(items, run.shape.tableName);
  run.result.received += items.length;
  run.env.status.setPhase({
    kind: 'pulling',
    table: run.shape.tableName,
    received: run.result.received,
    total: run.result.total,
  });
}

/**
 * Applies a page's new rows (already counted) with the watermark it reaches. The rows are
 * converted while the page before is still being written on the store's worker; this page's
 * write starts once that one has succeeded, so a failed page is never followed by a later
 * page and its further watermark.
 */
async function applyReceived(run: PullRun, start: PullPosition, page: Page): Promise<void> {
  const { env, shape, result } = run;
  const items = page.items;
  const fresh = freshRows(start, items);
  run.applied = advancePosition(run.applied, start, items);
  const watermark =
    run.queryId !== undefined && run.applied
      ? watermarkFor(shape.tableName, run.queryId, run.applied, page.serverTime, env.settleMs)
      : undefined;
  const converted = await convertPage(env, shape, fresh);
  await run.writing;
  const changed = fresh.length > 0;
  run.writing = writePage(env, shape, { ...converted, watermark }, result).then(() => {
    if (changed) env.status.dataChanged(shape.tableName);
  });
  // Awaited by the next page or at the end of the pull; a failure is theirs to report.
  run.writing.catch(() => undefined);
  // Let IPC and timers run between pages even when the next page is already here.
  await nextTurn();
}

/** Every row needs an updatedAt: the order, and the watermark, are made of it. */
function checkOrderable(items: readonly ServerRecord[], tableName: string): void {
  for (const item of items) {
    const time = item.updatedAt?.getTime();
    if (time === undefined || Number.isNaN(time)) {
      throw new BadResponseError(
        { method: 'GET', path: `/tables/${tableName}` },
        200,
        'a row has no updatedAt',
      );
    }
  }
}

/**
 * Rows converted per turn of the event loop. Converting a page of 1,000 at once holds the main
 * process for about 10 ms; a quarter at a time, IPC and timers wait a few milliseconds at most.
 */
const ROWS_PER_TURN = 250;

/** A page's rows as local records, and the ids the server deleted. */
async function convertPage(
  env: PullEnvironment,
  shape: RecordShape,
  items: readonly ServerRecord[],
): Promise<{ upserts: LocalRecord[]; deletions: string[] }> {
  const table = env.store.tableByName(shape.tableName);
  const upserts: LocalRecord[] = [];
  const deletions: string[] = [];
  for (let start = 0; start < items.length; start += ROWS_PER_TURN) {
    if (start > 0) await nextTurn();
    const converted: LocalRecord[] = [];
    for (const item of items.slice(start, start + ROWS_PER_TURN)) {
      if (item.deleted) deletions.push(item.id);
      else converted.push(shape.fromServer(item));
    }
    upserts.push(...keepAbsentFields(table, shape, converted));
  }
  return { upserts, deletions };
}

/**
 * Writes a page and its watermark in one transaction, on the store's worker thread (see
 * Store.writePulledPage). Relaxed durability (no fsync): a page lost to a power cut or a crash
 * is lost together with its watermark, so the next pull simply asks for those rows again. Rows
 * with queued local operations are left alone.
 */
async function writePage(
  env: PullEnvironment,
  shape: RecordShape,
  page: PulledPage,
  result: PullResult,
): Promise<void> {
  const written = await env.store.writePulledPage(shape.tableName, page);
  result.upserted += written.upserted;
  result.deleted += written.deleted;
  result.skippedPending += written.skippedPending;
  result.unchanged += written.unchanged;
}

function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
