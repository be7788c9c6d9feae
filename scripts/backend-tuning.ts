/**
 * What the embedded backend (scripts/backend.ts) adds to the stock azure-mobile-apps server so it
 * behaves like a well-configured production one: gzip on replies (App Service does it when
 * compression is turned on), an index for the sync engine's page query, and a write-ahead log.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import sqlite3 from 'sqlite3';

/** Below this, gzip's header and the CPU cost outweigh what it saves (the compression package's default too). */
const GZIP_THRESHOLD_BYTES = 1024;
/**
 * zlib's default level: a 1,000-row page of todos (about 220 kB of JSON) shrinks about
 * sevenfold; level 1 saves less and is barely faster on such a small body.
 */
const GZIP_LEVEL = 6;

const gzip = promisify(zlib.gzip);

/**
 * True when an Accept-Encoding header allows gzip: `gzip` or `*` with a quality above 0, an
 * explicit `gzip;q=0` winning over `*`.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  let wildcard = false;
  for (const part of value.split(',')) {
    const [name = '', ...parameters] = part.split(';');
    const coding = name.trim().toLowerCase();
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = parameters.map((parameter) => parameter.trim().toLowerCase()).find((p) => p.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    const allowed = Number.isFinite(quality) && quality > 0;
    if (coding === 'gzip') return allowed;
    wildcard = allowed;
  }
  return wildcard;
}

type WriteCallback = (error?: Error | null) => void;

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  return Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
}

/**
 * Gzips a reply when the client accepts it and the body is worth it. The server's replies are
 * single JSON bodies (res.json → res.end), so the body is collected whole, compressed off the
 * main thread (zlib's pool) and sent with its real Content-Length. The ETag is kept as it is:
 * the table protocol carries the record's version in it, which compression does not change.
 */
export function gzipReplies(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.vary('Accept-Encoding');
    if (req.method === 'HEAD' || !acceptsGzip(req.headers['accept-encoding'])) return next();

    const originalWrite = res.write.bind(res) as (chunk: unknown, encoding?: unknown) => boolean;
    const originalEnd = res.end.bind(res) as (chunk?: unknown, callback?: () => void) => Response;
    const chunks: Buffer[] = [];
    const restore = (): void => {
      res.write = originalWrite as typeof res.write;
      res.end = originalEnd as typeof res.end;
    };

    res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      if (res.headersSent) {
        // Headers already went out uncompressed (an explicit flush): the rest must match them.
        restore();
        return originalWrite(chunk, encoding);
      }
      chunks.push(toBuffer(chunk, encoding));
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') process.nextTick(done as WriteCallback);
      return true;
    }) as typeof res.write;

    res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown): Response => {
      const done = [chunk, encoding, callback].find((value) => typeof value === 'function') as
        (() => void) | undefined;
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
        chunks.push(toBuffer(chunk, encoding));
      }
      restore();
      const body = Buffer.concat(chunks);
      const status = res.statusCode;
      if (
        res.headersSent ||
        body.length < GZIP_THRESHOLD_BYTES ||
        res.getHeader('Content-Encoding') !== undefined ||
        status === 204 ||
        status === 304
      ) {
        return originalEnd(body.length > 0 ? body : undefined, done);
      }
      gzip(body, { level: GZIP_LEVEL }).then(
        (compressed) => {
          if (res.headersSent || res.destroyed) return;
          res.setHeader('Content-Encoding', 'gzip');
          res.setHeader('Content-Length', compressed.length);
          originalEnd(compressed, done);
        },
        () => {
          // zlib does not fail on a Buffer in practice; if it ever does, the plain body still goes.
          if (!res.headersSent && !res.destroyed) originalEnd(body, done);
        },
      );
      return res;
    }) as typeof res.end;
    next();
  };
}

/**
 * Indexes the table's (updatedAt, id), the order and range of every pull page
 * (`updatedAt ge <watermark>` ordered by updatedAt, id): without it each page, and each
 * `$inlinecount`, scans and sorts the whole table. The (updatedAt, id) index also serves
 * updatedAt alone, so one index covers both. The stock table option (`table.indexes`) is not
 * used: it runs a plain CREATE INDEX on every start, which fails once the index exists.
 *
 * Runs through the provider's own cached connection to the file, after the server created the table.
 */
export function indexForPaging(databaseFile: string, table: string): Promise<void> {
  const quoted = `[${table.replaceAll(']', ']]')}]`;
  const index = `[${`${table}_updatedAt_id`.replaceAll(']', ']]')}]`;
  const db = sqlite3.cached.Database(databaseFile);
  return new Promise((resolve, reject) => {
    db.exec(`CREATE INDEX IF NOT EXISTS ${index} ON ${quoted} ([updatedAt], [id])`, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

/**
 * Puts the server's SQLite file in WAL mode, which a database server's own log is like: each
 * write commits with one sync of the log. The stock provider leaves SQLite's rollback journal,
 * where every insert or update writes and syncs a journal, syncs the file and deletes the
 * journal again, one request at a time; with eight pushes in flight that queue, not the
 * network, set the pace (issue 14). Durability stays full (synchronous=FULL, the default).
 * The mode is stored in the file, so it holds for every later start and connection.
 *
 * Runs through the provider's own cached connection, before it serves a request.
 */
export function writeAheadLog(databaseFile: string): Promise<void> {
  const db = sqlite3.cached.Database(databaseFile);
  return new Promise((resolve, reject) => {
    db.get('PRAGMA journal_mode = WAL', (error: Error | null, row: { journal_mode?: string } | undefined) => {
      if (error) reject(error);
      else if (row?.journal_mode !== 'wal')
        reject(new Error(`SQLite kept journal mode ${row?.journal_mode}`));
      else resolve();
    });
  });
}
