/**
 * "Another client": raw ZUMO 2.0.0 calls to the test server, to read what really reached it and to
 * make changes the app did not make. Test-only; the app's own HTTP goes through its protocol client.
 */

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

const HEADERS = { 'ZUMO-API-VERSION': '2.0.0', accept: 'application/json' };
const TIMEOUT_MS = 30_000;

function asServerTodo(value: unknown): ServerTodo {
  if (typeof value !== 'object' || value === null) throw new Error(`Not a record: ${JSON.stringify(value)}`);
  const row = value as Record<string, unknown>;
  if (typeof row.id !== 'string' || typeof row.version !== 'string') {
    throw new Error(`Not a server record: ${JSON.stringify(value).slice(0, 300)}`);
  }
  return {
    id: row.id,
    text: typeof row.text === 'string' ? row.text : '',
    complete: Boolean(row.complete),
    notes: typeof row.notes === 'string' ? row.notes : null,
    version: row.version,
    createdAt: String(row.createdAt),
    updatedAt: String(row.updatedAt),
    deleted: Boolean(row.deleted),
  };
}

export class ServerClient {
  constructor(
    readonly baseUrl: string,
    private readonly table = 'todoitem',
  ) {}

  private url(suffix = ''): URL {
    return new URL(`/tables/${this.table}${suffix}`, this.baseUrl);
  }

  private async send(url: URL, init: RequestInit, expected: number[]): Promise<ServerTodo> {
    const response = await fetch(url, {
      ...init,
      headers: {
        ...HEADERS,
        'content-type': 'application/json',
        ...(init.headers as Record<string, string>),
      },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body: unknown = await response.json().catch(() => null);
    if (!expected.includes(response.status)) {
      throw new Error(`${init.method} ${url.pathname} → ${response.status} ${JSON.stringify(body)}`);
    }
    return asServerTodo(body);
  }

  /** Every live record (or, with includeDeleted, tombstones too), ordered by id. */
  async list(options: { includeDeleted?: boolean } = {}): Promise<ServerTodo[]> {
    const rows: ServerTodo[] = [];
    const pageSize = 1000;
    for (let skip = 0; skip < 1_000_000; skip += pageSize) {
      const url = this.url();
      url.searchParams.set('$orderby', 'id');
      url.searchParams.set('$top', String(pageSize));
      url.searchParams.set('$skip', String(skip));
      // Any value includes deleted rows, so the parameter is left out rather than set to false.
      if (options.includeDeleted) url.searchParams.set('__includeDeleted', 'true');
      const response = await fetch(url, { headers: HEADERS, signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok)
        throw new Error(`Reading the server failed: ${response.status} ${await response.text()}`);
      const page: unknown = await response.json();
      if (!Array.isArray(page)) throw new Error(`Unexpected page: ${JSON.stringify(page).slice(0, 200)}`);
      rows.push(...page.map(asServerTodo));
      if (page.length < pageSize) break;
    }
    return rows;
  }

  async get(id: string): Promise<ServerTodo> {
    return this.send(this.url(`/${encodeURIComponent(id)}`), { method: 'GET' }, [200]);
  }

  async insert(item: {
    id: string;
    text: string;
    complete?: boolean;
    notes?: string | null;
  }): Promise<ServerTodo> {
    return this.send(this.url(), { method: 'POST', body: JSON.stringify(item) }, [201]);
  }

  /** A PATCH as another device would send it: with If-Match on the version it last saw. */
  async update(
    id: string,
    changes: Partial<Pick<ServerTodo, 'text' | 'complete' | 'notes'>>,
    version?: string,
  ): Promise<ServerTodo> {
    const current = version ?? (await this.get(id)).version;
    return this.send(
      this.url(`/${encodeURIComponent(id)}`),
      { method: 'PATCH', body: JSON.stringify(changes), headers: { 'If-Match': `"${current}"` } },
      [200],
    );
  }

  async remove(id: string): Promise<void> {
    await this.send(this.url(`/${encodeURIComponent(id)}`), { method: 'DELETE' }, [200]);
  }
}
