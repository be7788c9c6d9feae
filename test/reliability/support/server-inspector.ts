/**
 * Reads the real server directly (never through the proxy) to judge what truly reached it.
 * Test-only: the app's own HTTP goes through the protocol client.
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

const ZUMO_HEADERS = { 'ZUMO-API-VERSION': '2.0.0', accept: 'application/json' };

function isServerTodo(value: unknown): value is ServerTodo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.version === 'string' && typeof v.updatedAt === 'string';
}

/** Every row of the todo table, soft-deleted ones included, ordered by id. */
export async function readServerTodos(serverUrl: string, table = 'todoitem'): Promise<ServerTodo[]> {
  const rows: ServerTodo[] = [];
  const pageSize = 1000;
  for (let skip = 0; skip < 1_000_000; skip += pageSize) {
    const url = new URL(`/tables/${table}`, serverUrl);
    url.searchParams.set('$orderby', 'id');
    url.searchParams.set('$top', String(pageSize));
    url.searchParams.set('$skip', String(skip));
    url.searchParams.set('__includeDeleted', 'true');
    const response = await fetch(url, { headers: ZUMO_HEADERS, signal: AbortSignal.timeout(30_000) });
    if (!response.ok)
      throw new Error(`Reading the server failed: ${response.status} ${await response.text()}`);
    const page: unknown = await response.json();
    if (!Array.isArray(page))
      throw new Error(`Unexpected server page: ${JSON.stringify(page).slice(0, 200)}`);
    for (const row of page) {
      if (!isServerTodo(row)) throw new Error(`Unexpected server row: ${JSON.stringify(row).slice(0, 200)}`);
      rows.push({
        ...row,
        notes: row.notes ?? null,
        complete: Boolean(row.complete),
        deleted: Boolean(row.deleted),
      });
    }
    if (page.length < pageSize) break;
  }
  return rows;
}

/** A POST straight to the server, for tests that need a record to exist there. */
export async function insertOnServer(
  serverUrl: string,
  item: { id: string; text: string; complete?: boolean; notes?: string | null },
  table = 'todoitem',
): Promise<ServerTodo> {
  const response = await fetch(new URL(`/tables/${table}`, serverUrl), {
    method: 'POST',
    headers: { ...ZUMO_HEADERS, 'content-type': 'application/json' },
    body: JSON.stringify(item),
    signal: AbortSignal.timeout(30_000),
  });
  const body: unknown = await response.json();
  if (response.status !== 201 || !isServerTodo(body)) {
    throw new Error(`Insert on the server failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return body;
}
