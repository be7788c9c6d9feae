/**
 * What keeps web pages out of the local development backend (scripts/backend.ts). It listens on
 * 127.0.0.1, but every web page the person opens can send requests there: a "simple" cross-site
 * POST (no-cors, text/plain) needs no preflight and used to write a row, and a page on a domain
 * that re-resolves to 127.0.0.1 (DNS rebinding) could read everything. So, before the server
 * sees a request:
 *
 * 1. the Host header must name a loopback address (127.0.0.1:<port> or localhost:<port>): a
 *    rebound domain arrives with its own name. Any port is accepted, so a local forwarder (the
 *    benchmark's delay line, `ssh -L`) still works; pages on other local ports are rule 2's;
 * 2. an Origin header, which every browser sends on cross-origin and on non-GET requests, must
 *    be this server's own: no CORS for anyone else, preflights included;
 * 3. a write (POST, PUT, PATCH) must say Content-Type: application/json, which a page can only
 *    send after a preflight that rule 2 refuses;
 * 4. unless the server runs open, the request must carry this run's key in BACKEND_KEY_HEADER:
 *    a random value the app passes to the server through its environment and sends with every
 *    request, so another program on the machine cannot use the server either. The sign-in
 *    pages (GET /.auth/...) are exempt: a sign-in window navigates there and cannot add a
 *    header, and a token they hand out opens nothing without the key.
 *
 * Refusals are 4xx JSON errors and happen before any table code runs, so nothing is written.
 */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { BACKEND_KEY_ENV, BACKEND_KEY_HEADER } from '../common/local-backend';

export { BACKEND_KEY_ENV, BACKEND_KEY_HEADER };

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** `name:port`, the form every HTTP/1.1 client sends for a non-default port. */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost):\d{1,5}$/;

export interface BackendGuardOptions {
  /** null: open mode, any local program may use the server (the other checks still apply). */
  key: string | null;
}

function refuse(res: Response, status: number, error: string): void {
  res.status(status).json({ error });
}

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isJsonContentType(header: string | undefined): boolean {
  const mediaType = header?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

export function createBackendGuard(options: BackendGuardOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    // The port this connection reached: the server's own, whatever --port said.
    const port = req.socket.localPort;
    const host = req.headers.host?.toLowerCase();
    if (host === undefined || !LOOPBACK_HOST.test(host)) {
      refuse(
        res,
        421,
        `This server only answers requests addressed to 127.0.0.1:${port} or localhost:${port}.`,
      );
      return;
    }
    const origin = req.headers.origin?.toLowerCase();
    const ownOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://${host}`];
    if (origin !== undefined && !ownOrigins.includes(origin)) {
      refuse(res, 403, 'Requests from web pages of other origins are not accepted.');
      return;
    }
    if (WRITE_METHODS.has(req.method) && !isJsonContentType(req.headers['content-type'])) {
      refuse(res, 415, 'Writes must be sent as Content-Type: application/json.');
      return;
    }
    const signInPage = (req.method === 'GET' || req.method === 'HEAD') && req.path.startsWith('/.auth/');
    if (options.key !== null && !signInPage) {
      const given = req.headers[BACKEND_KEY_HEADER.toLowerCase()];
      if (typeof given !== 'string' || !sameKey(given, options.key)) {
        refuse(res, 401, `This server needs its key in the ${BACKEND_KEY_HEADER} header.`);
        return;
      }
    }
    next();
  };
}
