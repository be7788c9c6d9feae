/**
 * The embedded backend's additions to the stock server (scripts/backend-tuning.ts), checked on the
 * real server: gzip when the client asks for it (and only then), the ETag that carries a record's
 * version left intact, the (updatedAt, id) index the page query runs on, surviving a restart, and
 * the write-ahead log its writes commit through.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsGzip } from '../../scripts/backend-tuning';
import { seedServerTodos, serverDbPath } from '../../scripts/bench/server-data';
import { backendHeaders, startTestBackend, type TestBackend } from '../support/backend';

const ZUMO = { 'ZUMO-API-VERSION': '2.0.0' };

interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as they came over the wire (not decompressed). */
  body: Buffer;
}

/** node:http, not fetch: fetch decompresses on its own and hides what was on the wire. */
function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: options.method ?? 'GET', headers: { ...backendHeaders(url), ...options.headers } },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('end', () =>
          resolve({ status: reply.statusCode ?? 0, headers: reply.headers, body: Buffer.concat(chunks) }),
        );
        reply.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

let backend: TestBackend;
// Our own folder: the restart below reuses the database file, which stop() would delete otherwise.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-backend-tuning-'));

beforeAll(async () => {
  backend = await startTestBackend({ dataDir });
  seedServerTodos(dataDir, 300);
}, 60_000);

afterAll(async () => {
  await backend?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Accept-Encoding', () => {
  it('allows gzip when gzip or * has a quality above 0, an explicit gzip;q=0 winning', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('deflate, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip(['br', 'gzip'])).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip('')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('*, gzip;q=0')).toBe(false);
    expect(acceptsGzip('*;q=0')).toBe(false);
    expect(acceptsGzip('x-gzip2')).toBe(false);
  });
});

describe('embedded backend', { timeout: 60_000 }, () => {
  const page = (): string => `${backend.url}/tables/todoitem?$orderby=updatedAt,id&$top=100`;

  it('gzips a page of records when the client accepts gzip', async () => {
    const reply = await rawRequest(page(), { headers: { ...ZUMO, 'Accept-Encoding': 'gzip, deflate' } });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(reply.headers.vary).toMatch(/Accept-Encoding/i);
    expect(Number(reply.headers['content-length'])).toBe(reply.body.length);
    const records = JSON.parse(zlib.gunzipSync(reply.body).toString('utf8')) as { id: string }[];
    expect(records).toHaveLength(100);
    expect(reply.body.length).toBeLessThan(zlib.gunzipSync(reply.body).length / 3);
  });

  it('sends plain JSON when the client does not ask for gzip, or refuses it', async () => {
    for (const headers of [ZUMO, { ...ZUMO, 'Accept-Encoding': 'gzip;q=0, identity' }]) {
      const reply = await rawRequest(page(), { headers });
      expect(reply.status).toBe(200);
      expect(reply.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(reply.body.toString('utf8'))).toHaveLength(100);
    }
  });

  it('keeps the ETag (the record version) on a compressed record reply', async () => {
    const id = randomUUID();
    const reply = await rawRequest(`${backend.url}/tables/todoitem`, {
      method: 'POST',
      headers: { ...ZUMO, 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' },
      // Long enough to be worth compressing.
      body: JSON.stringify({ id, text: 'compressed insert', complete: false, notes: 'n'.repeat(4000) }),
    });
    expect(reply.status).toBe(201);
    expect(reply.headers['content-encoding']).toBe('gzip');
    const record = JSON.parse(zlib.gunzipSync(reply.body).toString('utf8')) as {
      id: string;
      version: string;
    };
    expect(record.id).toBe(id);
    expect(reply.headers.etag).toBe(`"${record.version}"`);
  });

  it('leaves small replies uncompressed', async () => {
    const reply = await rawRequest(`${backend.url}/tables/todoitem?$top=1&$select=id`, {
      headers: { ...ZUMO, 'Accept-Encoding': 'gzip' },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-encoding']).toBeUndefined();
  });

  it('pages on an (updatedAt, id) index, and starts again on the same file with the index in place', async () => {
    const planOf = (db: Database.Database, sql: string): string =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('2026-01-01T00:00:00.000Z') as { detail: string }[])
        .map((row) => row.detail)
        .join('; ');
    const inspect = (): { indexes: string[]; pagePlan: string; countPlan: string } => {
      const db = new Database(serverDbPath(backend.dataDir), { readonly: true });
      try {
        const indexes = (
          db
            .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'todoitem'`)
            .all() as { name: string }[]
        ).map((row) => row.name);
        // The statements azure-mobile-apps runs for a pull page with $inlinecount (azure-odata-sql, sqlite).
        const pagePlan = planOf(
          db,
          'SELECT * FROM [todoitem] WHERE ([updatedAt] >= ?) ORDER BY [updatedAt], [id] LIMIT 1000 OFFSET 1000',
        );
        const countPlan = planOf(db, 'SELECT COUNT(*) AS [count] FROM [todoitem] WHERE ([updatedAt] >= ?)');
        return { indexes, pagePlan, countPlan };
      } finally {
        db.close();
      }
    };
    const first = inspect();
    expect(first.indexes).toContain('todoitem_updatedAt_id');
    expect(first.pagePlan).toMatch(/USING (COVERING )?INDEX todoitem_updatedAt_id/);
    expect(first.pagePlan).not.toMatch(/TEMP B-TREE/);
    expect(first.countPlan).toMatch(/INDEX todoitem_updatedAt_id/);

    await backend.stop();
    backend = await startTestBackend({ dataDir });
    const reply = await rawRequest(page(), { headers: ZUMO });
    expect(reply.status).toBe(200);
    expect(inspect().indexes.filter((name) => name === 'todoitem_updatedAt_id')).toHaveLength(1);
  });

  it('writes through a write-ahead log, and a write made there is seen by the next request', async () => {
    const db = new Database(serverDbPath(backend.dataDir), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
    const id = randomUUID();
    const insert = await rawRequest(`${backend.url}/tables/todoitem`, {
      method: 'POST',
      headers: { ...ZUMO, 'Content-Type': 'application/json' },
      body: JSON.stringify({ id, text: 'through the log', complete: false }),
    });
    expect(insert.status).toBe(201);
    const read = await rawRequest(`${backend.url}/tables/todoitem/${id}`, { headers: ZUMO });
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body.toString('utf8'))).toMatchObject({ id, text: 'through the log' });
  });
});
