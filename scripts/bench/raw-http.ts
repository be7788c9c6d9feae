/**
 * The physical floor of the HTTP scenarios: the same requests our engine makes, with nothing
 * around them (no store, no queue, no records kept beyond counting them).
 */

import { backendHeaders } from '../../test/support/backend';

const TABLE_PATH = '/tables/todoitem';
const JSON_HEADERS = { 'ZUMO-API-VERSION': '2.0.0', 'Content-Type': 'application/json' };

/** With the key of the backend (or delay line) at baseUrl, as every client of it must send. */
function jsonHeaders(baseUrl: string): Record<string, string> {
  return { ...JSON_HEADERS, ...backendHeaders(baseUrl) };
}

/**
 * Waits one turn of the event loop. Node's fetch (undici) puts a connection back in its pool only
 * on the turn after a reply's body ends (a setImmediate in its HTTP/1.1 client); a request sent
 * before that finds no free connection and opens a second one, which over a real network costs
 * a handshake. The baselines wait, so each of their request chains keeps one connection.
 */
function connectionReturned(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface ServerTodo {
  id: string;
  updatedAt: string;
  version: string;
}

export interface PagingResult {
  records: number;
  pages: number;
  /** The highest updatedAt seen: where the next incremental pull starts. */
  lastUpdatedAt: string;
}

/**
 * Pages through every record changed at or after `since` exactly as an incremental pull does:
 * `updatedAt ge <watermark>` ordered by updatedAt then id, `$top` per page, `$skip` only over the
 * rows that share the watermark's timestamp, deleted rows included; each page is fetched and parsed.
 */
export async function rawPaging(
  baseUrl: string,
  options: {
    pageSize: number;
    since?: string;
    limit?: number;
    /** Given each page's rows as parsed, before the next page is asked (see raw-store.ts). */
    onPage?: (rows: readonly Record<string, unknown>[]) => void;
  },
): Promise<PagingResult> {
  let watermark = options.since ?? '1970-01-01T00:00:00.000Z';
  let skip = 0;
  let records = 0;
  let pages = 0;
  for (;;) {
    const filter = `(updatedAt ge datetimeoffset'${watermark}')`;
    const url =
      `${baseUrl}${TABLE_PATH}?$filter=${encodeURIComponent(filter)}&$orderby=updatedAt,id` +
      `&$top=${options.pageSize}&$skip=${skip}&__includeDeleted=true`;
    const response = await fetch(url, { headers: jsonHeaders(baseUrl) });
    if (!response.ok) throw new Error(`raw paging: GET ${url} answered ${response.status}`);
    const page = (await response.json()) as ServerTodo[];
    options.onPage?.(page as unknown as Record<string, unknown>[]);
    await connectionReturned();
    pages++;
    records += page.length;
    const last = page.at(-1);
    if (
      !last ||
      page.length < options.pageSize ||
      (options.limit !== undefined && records >= options.limit)
    ) {
      return { records, pages, lastUpdatedAt: last?.updatedAt ?? watermark };
    }
    if (last.updatedAt === watermark) {
      skip += page.length;
    } else {
      watermark = last.updatedAt;
      skip = page.filter((record) => record.updatedAt === watermark).length;
    }
  }
}

// A type, not an interface: it must also pass as a plain record to the SDK.
export type NewServerTodo = {
  id: string;
  text: string;
  complete: boolean;
  notes: string | null;
};

/** One POST at a time, each waiting for its reply; returns the versions the server assigned. */
export async function rawSequentialInserts(
  baseUrl: string,
  items: readonly NewServerTodo[],
): Promise<Map<string, string>> {
  return rawInsertsInFlight(baseUrl, items, 1);
}

/**
 * POSTs with up to `inFlight` requests outstanding: that many loops, each sending the next item
 * of the list as soon as its previous reply is in. Returns the versions the server assigned.
 */
export async function rawInsertsInFlight(
  baseUrl: string,
  items: readonly NewServerTodo[],
  inFlight: number,
): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as NewServerTodo;
      const response = await fetch(`${baseUrl}${TABLE_PATH}`, {
        method: 'POST',
        headers: jsonHeaders(baseUrl),
        body: JSON.stringify(item),
      });
      if (response.status !== 201)
        throw new Error(`raw insert ${item.id}: the server answered ${response.status}`);
      const record = (await response.json()) as ServerTodo;
      await connectionReturned();
      versions.set(record.id, record.version);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, loop));
  return versions;
}

/**
 * An initial pull with up to `inFlight` pages outstanding: the first page brings the count
 * (`$inlinecount`), so every later page's offset is known and they are asked `$skip` by `$skip`,
 * ordered by (updatedAt, id), stopping at the count (no empty last request).
 */
export async function rawPagingInFlight(
  baseUrl: string,
  options: { pageSize: number; inFlight: number },
): Promise<Omit<PagingResult, 'lastUpdatedAt'>> {
  const pageUrl = (skip: number, count: boolean): string =>
    `${baseUrl}${TABLE_PATH}?$orderby=updatedAt,id&$top=${options.pageSize}&$skip=${skip}` +
    `&__includeDeleted=true${count ? '&$inlinecount=allpages' : ''}`;
  const fetchPage = async (skip: number, count: boolean): Promise<unknown> => {
    const url = pageUrl(skip, count);
    const response = await fetch(url, { headers: jsonHeaders(baseUrl) });
    if (!response.ok) throw new Error(`raw paging: GET ${url} answered ${response.status}`);
    const body: unknown = await response.json();
    await connectionReturned();
    return body;
  };
  const first = (await fetchPage(0, true)) as { results: ServerTodo[]; count: number };
  let records = first.results.length;
  let pages = 1;
  const offsets: number[] = [];
  for (let skip = options.pageSize; skip < first.count; skip += options.pageSize) offsets.push(skip);
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < offsets.length) {
      const page = (await fetchPage(offsets[next++] as number, false)) as ServerTodo[];
      records += page.length;
      pages++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.inFlight, offsets.length) }, loop));
  return { records, pages };
}

/** One PATCH with If-Match at a time, each waiting for its reply. */
export async function rawSequentialUpdates(
  baseUrl: string,
  changes: readonly { id: string; version: string; body: Record<string, unknown> }[],
): Promise<void> {
  for (const change of changes) {
    const response = await fetch(`${baseUrl}${TABLE_PATH}/${encodeURIComponent(change.id)}`, {
      method: 'PATCH',
      headers: { ...jsonHeaders(baseUrl), 'If-Match': `"${change.version}"` },
      body: JSON.stringify(change.body),
    });
    if (response.status !== 200)
      throw new Error(`raw update ${change.id}: the server answered ${response.status}`);
    await response.arrayBuffer();
    await connectionReturned();
  }
}

/** Current versions of the given records, fetched by id (to build updates that will not conflict). */
export async function fetchVersions(baseUrl: string, ids: readonly string[]): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  for (const id of ids) {
    const response = await fetch(`${baseUrl}${TABLE_PATH}/${encodeURIComponent(id)}`, {
      headers: jsonHeaders(baseUrl),
    });
    if (!response.ok) throw new Error(`GET ${id}: the server answered ${response.status}`);
    const record = (await response.json()) as ServerTodo;
    versions.set(id, record.version);
  }
  return versions;
}
