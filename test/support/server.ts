/**
 * "Another client": raw ZUMO 2.0.0 calls straight to the real test server, to arrange what
 * another device or time would have done and to read what truly reached the server. Used by
 * the sync, reliability and end-to-end tests alike; the app's own HTTP goes through its
 * protocol client, never through this.
 */

/** A todo as the server returns it. Columns added later (a new field) come along untyped. */
export interface ServerTodo {
  id: string;
  text: string;
  complete: boolean;
  notes: string | null;
  version: string;
  createdAt: string;
  updatedAt: string;
  deleted: boolean;
}

import { backendHeaders } from './backend';

const ZUMO_HEADERS = { 'ZUMO-API-VERSION': '2.0.0', accept: 'application/json' };
const TIMEOUT_MS = 30_000;
const PAGE_SIZE = 1000;

export interface RawResult {
  status: number;
  etag: string | null;
  body: unknown;
}

/** One request as the protocol describes it, whatever the answer; for tests of odd requests. */
export async function raw(
  baseUrl: string,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  ifMatch?: string,
): Promise<RawResult> {
  const headers: Record<string, string> = {
    ...backendHeaders(baseUrl),
    ...ZUMO_HEADERS,
    'content-type': 'application/json',
  };
  if (ifMatch) headers['If-Match'] = `"${ifMatch}"`;
  const response = await fetch(new URL(pathAndQuery, baseUrl), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // Not JSON (an HTML error page): the text itself is the body.
  }
  return { status: response.status, etag: response.headers.get('etag'), body: parsed };
}

/** Checks a server row and gives its fields their JavaScript types; other columns pass through. */
export function toServerTodo(value: unknown): ServerTodo {
  if (typeof value !== 'object' || value === null) throw new Error(`Not a record: ${JSON.stringify(value)}`);
  const row = value as Record<string, unknown>;
  if (typeof row.id !== 'string' || typeof row.version !== 'string' || typeof row.updatedAt !== 'string') {
    throw new Error(`Not a server record: ${JSON.stringify(value).slice(0, 300)}`);
  }
  return {
    ...row,
    id: row.id,
    text: typeof row.text === 'string' ? row.text : '',
    complete: Boolean(row.complete),
    notes: typeof row.notes === 'string' ? row.notes : null,
    version: row.version,
    createdAt: String(row.createdAt),
    updatedAt: row.updatedAt,
    deleted: Boolean(row.deleted),
  };
}

export class ServerClient {
  constructor(
    readonly baseUrl: string,
    private readonly table = 'todoitem',
  ) {}

  private recordPath(id: string): string {
    return `/tables/${this.table}/${encodeURIComponent(id)}`;
  }

  private async expect(
    status: number,
    method: string,
    pathAndQuery: string,
    body?: unknown,
    ifMatch?: string,
  ): Promise<unknown> {
    const result = await raw(this.baseUrl, method, pathAndQuery, body, ifMatch);
    if (result.status !== status) {
      throw new Error(`${method} ${pathAndQuery} → ${result.status} ${JSON.stringify(result.body)}`);
    }
    return result.body;
  }

  /** Every live record (or, with includeDeleted, tombstones too), ordered by id. */
  async list(options: { includeDeleted?: boolean } = {}): Promise<ServerTodo[]> {
    const rows: ServerTodo[] = [];
    for (let skip = 0; skip < 1_000_000; skip += PAGE_SIZE) {
      // Any value includes deleted rows, so the parameter is left out rather than set to false.
      const deleted = options.includeDeleted ? '&__includeDeleted=true' : '';
      const query = `/tables/${this.table}?$orderby=id&$top=${PAGE_SIZE}&$skip=${skip}${deleted}`;
      const page = await this.expect(200, 'GET', query);
      if (!Array.isArray(page)) throw new Error(`Unexpected page: ${JSON.stringify(page).slice(0, 200)}`);
      rows.push(...page.map(toServerTodo));
      if (page.length < PAGE_SIZE) break;
    }
    return rows;
  }

  /** Every record, tombstones included. */
  all(): Promise<ServerTodo[]> {
    return this.list({ includeDeleted: true });
  }

  /** The record, deleted or not; undefined if the server never had it. */
  async find(id: string): Promise<ServerTodo | undefined> {
    return (await this.all()).find((row) => row.id === id);
  }

  /** A live record; fails if it is missing or deleted. */
  async get(id: string): Promise<ServerTodo> {
    return toServerTodo(await this.expect(200, 'GET', this.recordPath(id)));
  }

  async insert(item: Partial<ServerTodo> & { id: string }): Promise<ServerTodo> {
    return toServerTodo(await this.expect(201, 'POST', `/tables/${this.table}`, item));
  }

  /**
   * A PATCH as another device sends it: with `version`, If-Match on the version it last saw
   * (a 412 if the record changed since); without, unconditionally.
   */
  async update(id: string, changes: Partial<ServerTodo>, version?: string): Promise<ServerTodo> {
    const body = { ...changes, id };
    return toServerTodo(await this.expect(200, 'PATCH', this.recordPath(id), body, version));
  }

  async remove(id: string): Promise<void> {
    await this.expect(200, 'DELETE', this.recordPath(id));
  }
}
