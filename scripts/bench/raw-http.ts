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
  options: { pageSize: number; since?: string; limit?: number },
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
  const versions = new Map<string, string>();
  for (const item of items) {
    const response = await fetch(`${baseUrl}${TABLE_PATH}`, {
      method: 'POST',
      headers: jsonHeaders(baseUrl),
      body: JSON.stringify(item),
    });
    if (response.status !== 201)
      throw new Error(`raw insert ${item.id}: the server answered ${response.status}`);
    const record = (await response.json()) as ServerTodo;
    versions.set(record.id, record.version);
  }
  return versions;
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
