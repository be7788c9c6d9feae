/**
 * A fault-injecting HTTP proxy on 127.0.0.1 between a sync client and the real server.
 *
 * Every request is read whole, then a seeded random source decides its fate: pass through, or
 * one fault kind. Replaying a run with the same seed and the same request sequence injects the
 * same faults. Faults fall in two families, and the distinction matters to the oracles:
 * - the server never sees the request (drop, timeout, synthesized 5xx);
 * - the server applies it and the client gets a broken answer or none (everything else),
 *   the "applied but reply lost" family that makes naive clients duplicate or lose writes.
 * Every exchange is logged with what the server answered, delivered or not, so a test can tell
 * what truly reached the server independently of what the client believes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { forwardBackendKey } from '../../support/backend';
import { createRandom, type Random } from './random';
import { tick } from './clock';

export const FAULT_KINDS = [
  'drop',
  'timeout',
  'http-500',
  'http-502',
  'http-503',
  'reset-mid-body',
  'truncated-body',
  'non-json-body',
  'wrong-shape',
  'missing-version',
  'reply-lost',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults after which the server has applied the request. */
export const APPLIED_FAULTS: ReadonlySet<FaultKind> = new Set([
  'reset-mid-body',
  'truncated-body',
  'non-json-body',
  'wrong-shape',
  'missing-version',
  'reply-lost',
]);

/** Malformed but complete replies: the client gets an answer it must refuse to trust. */
export const MALFORMED_REPLY_FAULTS = [
  'truncated-body',
  'non-json-body',
  'wrong-shape',
  'missing-version',
  'http-502',
] as const satisfies readonly FaultKind[];

export interface ExchangeRecord {
  seq: number;
  /** Logical time (support/clock.ts) when the request had fully arrived. */
  at: number;
  method: string;
  /** Path and query. */
  path: string;
  /** The record id for /tables/<table>/<id> requests, or the `id` of a POST body. */
  recordId: string | null;
  installationId: string | null;
  requestBody: unknown;
  fault: FaultKind | null;
  /** The real server's status, null when the request was not forwarded or the server failed. */
  serverStatus: number | null;
  serverBody: unknown;
  /** Whether the client received a complete reply. */
  delivered: boolean;
}

export interface FaultProxyHooks {
  /**
   * Awaited before the request goes to the server (e.g. to kill the client at that moment).
   * Returning false drops the request: the server never sees it.
   */
  beforeForward?(exchange: ExchangeRecord): Promise<boolean | void> | boolean | void;
  /** Awaited after the server answered and before anything is relayed. */
  afterServerReply?(exchange: ExchangeRecord): Promise<void> | void;
  /** Called once the reply (whole, broken or none) has been dealt with. */
  afterDelivery?(exchange: ExchangeRecord): Promise<void> | void;
  /**
   * Decides a request's fault before the random source does (which still draws, so the other
   * requests' fates stay the same): a kind, null for none, undefined to leave it to chance.
   * Lets a test fail the same operation again and again, whatever request carries it.
   */
  faultFor?(request: FaultRequest): FaultKind | null | undefined;
}

/** What a fault decision may look at: the request as it arrived. */
export interface FaultRequest {
  method: string;
  path: string;
  recordId: string | null;
  requestBody: unknown;
}

export interface FaultProxyOptions {
  /** The real server, e.g. http://127.0.0.1:51234. */
  target: string;
  seed: number;
  /** Probability that a request gets a fault. */
  faultRate: number;
  /** Which faults may be drawn; all of them by default. */
  kinds?: readonly FaultKind[];
  /** The client's request timeout: a 'timeout' fault holds the request longer than this. */
  clientTimeoutMs: number;
  /** Stop injecting after this many faults (requests then pass through). */
  maxFaults?: number;
  /** The proxy closes itself after this long, whatever happens (bounded tests). */
  maxLifetimeMs?: number;
  hooks?: FaultProxyHooks;
  /** Keep every exchange in `log` (the convergence oracle needs it). Default true. */
  keepLog?: boolean;
}

export interface FaultProxy {
  readonly url: string;
  readonly seed: number;
  /** Faults injected so far, by kind. */
  readonly counts: Readonly<Record<FaultKind, number>>;
  readonly log: readonly ExchangeRecord[];
  totalFaults(): number;
  /** Requests received so far. */
  requestCount(): number;
  /** 0 turns injection off (a fault-free path); forced faults still apply. */
  setFaultRate(rate: number): void;
  /** The next request matching `match` gets `kind`, whatever the random source says. */
  forceNext(kind: FaultKind, match?: (method: string, path: string) => boolean): void;
  setHooks(hooks: FaultProxyHooks | undefined): void;
  stop(): Promise<void>;
}

interface ForcedFault {
  kind: FaultKind;
  match: (method: string, path: string) => boolean;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'host',
  'proxy-connection',
  'upgrade',
  'te',
  'trailer',
]);

const BAD_GATEWAY_HTML =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>' +
  '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

function emptyCounts(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
}

function parseJson(buffer: Buffer): unknown {
  if (buffer.length === 0) return null;
  try {
    return JSON.parse(buffer.toString('utf8')) as unknown;
  } catch {
    return buffer.toString('utf8').slice(0, 200);
  }
}

/**
 * The reply as JSON text: the server compresses when the client asks (Node's fetch does), and
 * the log and the faults that rewrite a body need what it says, not its gzip bytes.
 */
function decodedBody(res: http.IncomingMessage, body: Buffer): Buffer {
  try {
    switch (res.headers['content-encoding']) {
      case 'gzip':
        return zlib.gunzipSync(body);
      case 'deflate':
        return zlib.inflateSync(body);
      case 'br':
        return zlib.brotliDecompressSync(body);
      default:
        return body;
    }
  } catch {
    return body;
  }
}

function recordIdOf(method: string, path: string, body: unknown): string | null {
  const match = /^\/tables\/[^/?]+\/([^/?]+)/.exec(path);
  if (match?.[1]) return decodeURIComponent(match[1]);
  if (method === 'POST' && typeof body === 'object' && body !== null && 'id' in body) {
    const id = (body as { id: unknown }).id;
    return typeof id === 'string' ? id : null;
  }
  return null;
}

function withoutVersion(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutVersion);
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    delete copy.version;
    if (Array.isArray(copy.results)) copy.results = copy.results.map(withoutVersion);
    return copy;
  }
  return value;
}

function wrongShape(original: unknown, random: Random): unknown {
  const options: unknown[] = Array.isArray(original)
    ? [{ results: 'none' }, { error: null }, 'ok', [1, 2, 3], [{ nothing: true }]]
    : [[], [original], 'ok', 42, { data: original }, { id: 17, text: ['not', 'a', 'string'] }];
  return random.pick(options);
}

function readBody(stream: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = createRandom(options.seed);
  const kinds = options.kinds ?? FAULT_KINDS;
  const keepLog = options.keepLog ?? true;
  const counts = emptyCounts();
  const log: ExchangeRecord[] = [];
  const forced: ForcedFault[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const heldTimers = new Set<NodeJS.Timeout>();
  const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let faultRate = options.faultRate;
  let hooks = options.hooks;
  let seq = 0;
  let stopped = false;

  function totalFaults(): number {
    return FAULT_KINDS.reduce((sum, kind) => sum + counts[kind], 0);
  }

  function chooseFault(method: string, path: string): FaultKind | null {
    const forcedIndex = forced.findIndex((f) => f.match(method, path));
    if (forcedIndex >= 0) {
      const [chosen] = forced.splice(forcedIndex, 1);
      return chosen?.kind ?? null;
    }
    // Both draws happen for every request, so one request's fate never shifts the next one's.
    const roll = random.next();
    const kind = random.pick(kinds);
    if (options.maxFaults !== undefined && totalFaults() >= options.maxFaults) return null;
    return roll < faultRate ? kind : null;
  }

  function hold(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        heldTimers.delete(timer);
        resolve();
      }, ms);
      heldTimers.add(timer);
    });
  }

  function forward(
    req: http.IncomingMessage,
    body: Buffer,
  ): Promise<{ res: http.IncomingMessage; body: Buffer }> {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    }
    headers.host = target.host;
    headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers,
          agent: upstreamAgent,
        },
        (res) => {
          readBody(res).then((resBody) => resolve({ res, body: resBody }), reject);
        },
      );
      upstream.setTimeout(60_000, () => upstream.destroy(new Error('upstream timeout')));
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  function relayHeaders(res: http.IncomingMessage, drop: readonly string[] = []): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (!HOP_BY_HOP.has(name) && !drop.includes(name) && value !== undefined) headers[name] = value;
    }
    return headers;
  }

  function send(
    clientRes: http.ServerResponse,
    status: number,
    headers: http.OutgoingHttpHeaders,
    body: Buffer | string,
  ): boolean {
    if (clientRes.destroyed || clientRes.socket?.destroyed) return false;
    const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    clientRes.writeHead(status, { ...headers, 'content-length': String(buffer.length) });
    clientRes.end(buffer);
    return true;
  }

  async function handle(req: http.IncomingMessage, clientRes: http.ServerResponse): Promise<void> {
    const requestBody = await readBody(req);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const parsedRequest = parseJson(requestBody);
    const installation = req.headers['x-zumo-installation-id'];
    const recordId = recordIdOf(method, path, parsedRequest);
    const drawn = stopped ? null : chooseFault(method, path);
    const decided = stopped
      ? undefined
      : hooks?.faultFor?.({ method, path, recordId, requestBody: parsedRequest });
    const fault = decided === undefined ? drawn : decided;
    const exchange: ExchangeRecord = {
      seq: ++seq,
      at: tick(),
      method,
      path,
      recordId,
      installationId: typeof installation === 'string' ? installation : null,
      requestBody: parsedRequest,
      fault,
      serverStatus: null,
      serverBody: null,
      delivered: false,
    };
    if (keepLog) log.push(exchange);
    if (fault) counts[fault] += 1;
    const socket = req.socket;

    try {
      switch (fault) {
        case 'drop':
          socket.destroy();
          return;
        case 'timeout': {
          // Held until the client gives up (its socket closes), bounded in case it never does.
          const gaveUp = new Promise<void>((resolve) => socket.once('close', () => resolve()));
          await Promise.race([gaveUp, hold(options.clientTimeoutMs * 3 + 1000)]);
          socket.destroy();
          return;
        }
        case 'http-500':
          exchange.delivered = send(
            clientRes,
            500,
            { 'content-type': 'application/json' },
            JSON.stringify({ error: 'An internal error occurred.' }),
          );
          return;
        case 'http-502':
          exchange.delivered = send(clientRes, 502, { 'content-type': 'text/html' }, BAD_GATEWAY_HTML);
          return;
        case 'http-503':
          exchange.delivered = send(
            clientRes,
            503,
            { 'content-type': 'text/plain', 'retry-after': '1' },
            'Service Unavailable',
          );
          return;
        default:
          break;
      }

      if ((await hooks?.beforeForward?.(exchange)) === false) {
        socket.destroy();
        return;
      }
      let upstream: { res: http.IncomingMessage; body: Buffer };
      try {
        upstream = await forward(req, requestBody);
      } catch {
        // The real server failed to answer: the client sees what a gateway would send.
        socket.destroy();
        return;
      }
      const status = upstream.res.statusCode ?? 502;
      exchange.serverStatus = status;
      exchange.serverBody = parseJson(decodedBody(upstream.res, upstream.body));
      await hooks?.afterServerReply?.(exchange);
      const headers = relayHeaders(upstream.res);
      // For a body written here instead of the server's (which may have been compressed).
      const plainHeaders = relayHeaders(upstream.res, ['content-encoding']);

      switch (fault) {
        case 'reply-lost':
          socket.destroy();
          return;
        case 'reset-mid-body': {
          if (clientRes.destroyed || socket.destroyed) return;
          clientRes.writeHead(status, { ...headers, 'content-length': String(upstream.body.length) });
          const half = Math.max(1, Math.floor(upstream.body.length / 2));
          clientRes.write(upstream.body.subarray(0, Math.min(half, upstream.body.length - 1)), () => {
            socket.destroy();
          });
          return;
        }
        case 'truncated-body': {
          const cut = Math.max(1, Math.floor(upstream.body.length * random.next() * 0.9));
          exchange.delivered = send(clientRes, status, headers, upstream.body.subarray(0, cut));
          return;
        }
        case 'non-json-body': {
          const garbage = random.pick([
            '<html><body>Service is warming up</body></html>',
            'OK',
            '\u0000\u0001\u0002garbage\uFFFD',
            '{"id": "abc", "text": ',
          ]);
          exchange.delivered = send(
            clientRes,
            status,
            { ...plainHeaders, 'content-type': 'application/json' },
            garbage,
          );
          return;
        }
        case 'wrong-shape':
          exchange.delivered = send(
            clientRes,
            status,
            plainHeaders,
            JSON.stringify(wrongShape(exchange.serverBody, random)),
          );
          return;
        case 'missing-version': {
          const stripped = relayHeaders(upstream.res, ['etag', 'content-encoding']);
          exchange.delivered = send(
            clientRes,
            status,
            stripped,
            JSON.stringify(withoutVersion(exchange.serverBody)),
          );
          return;
        }
        default:
          exchange.delivered = send(clientRes, status, headers, upstream.body);
          return;
      }
    } finally {
      await hooks?.afterDelivery?.(exchange);
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      req.socket.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  function stop(): Promise<void> {
    stopping ??= new Promise<void>((resolve) => {
      stopped = true;
      clearTimeout(lifetime);
      for (const timer of heldTimers) clearTimeout(timer);
      heldTimers.clear();
      for (const socket of sockets) socket.destroy();
      upstreamAgent.destroy();
      server.close(() => resolve());
    });
    return stopping;
  }
  const lifetime = setTimeout(() => void stop(), options.maxLifetimeMs ?? 15 * 60_000);
  lifetime.unref();

  // Clients of the proxy are clients of the server behind it: they send its key.
  forwardBackendKey(`http://127.0.0.1:${port}`, options.target);
  return {
    url: `http://127.0.0.1:${port}`,
    seed: options.seed,
    counts,
    log,
    totalFaults,
    requestCount: () => seq,
    setFaultRate(rate) {
      faultRate = rate;
    },
    forceNext(kind, match = () => true) {
      forced.push({ kind, match });
    },
    setHooks(next) {
      hooks = next;
    },
    stop,
  };
}
