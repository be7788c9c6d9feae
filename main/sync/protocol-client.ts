/**
 * The table protocol of Azure Mobile Apps (ZUMO-API-VERSION 2.0.0) over fetch. This is the
 * only module of the project that performs HTTP: everything else asks it for records and
 * gets typed errors back (see errors.ts), never a raw Response.
 */
import {
  BadResponseError,
  NetworkError,
  SyncHttpError,
  SyncUsageError,
  TimeoutError,
  UnauthorizedError,
  type RequestSummary,
} from './errors';
import { INSECURE_ADDRESS_MESSAGE, isLoopbackHost, RedirectRefusedError } from './auth';
import { adoptServerRecord, toWireItem, type ServerRecord } from './records';

export const ZUMO_API_VERSION = '2.0.0';
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** The server refuses a larger $top with 400. */
export const MAX_PAGE_SIZE = 1000;

/** What a diagnostics or test observer sees of a request. The auth token is never included. */
export interface ObservedRequest {
  method: string;
  path: string;
  /** The version sent as If-Match, without quotes. */
  ifMatch: string | undefined;
  body: Record<string, unknown> | undefined;
}

export interface ProtocolClientOptions {
  /** Read on every request, so a changed setting applies to the next one. */
  baseUrl: () => string;
  installationId: () => string;
  /**
   * The sign-in token and the one origin it belongs to, read on every request. X-ZUMO-AUTH is
   * attached only when the request goes to exactly that origin.
   */
  auth?: () => { token: string; origin: string } | null;
  /**
   * More headers for every request, read each time (the local development backend's key). They
   * never replace a protocol header.
   */
  extraHeaders?: () => Readonly<Record<string, string>>;
  timeoutMs?: number;
  /**
   * Called just before each request is sent. A returned promise delays the request (tests use
   * it to act while an operation is in flight). Not called for the requests that only open
   * connections (openConnections).
   */
  onRequest?: (request: ObservedRequest) => void | Promise<void>;
}

export interface ODataQuery {
  filter?: string;
  orderBy?: string;
  top?: number;
  skip?: number;
  select?: readonly string[];
  /** Sends `__includeDeleted=true`; the parameter is omitted otherwise, as any value includes deleted rows. */
  includeDeleted?: boolean;
  /** `$inlinecount=allpages`: the server also counts every matching row. */
  inlineCount?: boolean;
}

export interface Page {
  items: ServerRecord[];
  /** Present when `inlineCount` was asked. */
  count?: number;
  /** The server's clock when it answered (its Date header, whole seconds), when it sent one. */
  serverTime?: Date;
}

export interface RequestControl {
  signal?: AbortSignal;
}

interface RawResponse {
  status: number;
  etag: string | null;
  /** The Date header. */
  date?: string | null;
  /** Whether X-ZUMO-AUTH went with the request (a 401 then means "sign in again", else "sign in"). */
  tokenSent?: boolean;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
  request: RequestSummary;
}

/** `"abc"`, `W/"abc"` → `abc`. */
export function versionFromEtag(etag: string | null): string | undefined {
  if (!etag) return undefined;
  const match = /^(?:W\/)?"(.*)"$/.exec(etag.trim());
  const version = match ? match[1] : etag.trim();
  return version ? version : undefined;
}

function quoted(version: string): string {
  return `"${version.replace(/"/g, '\\"')}"`;
}

export class ProtocolClient {
  private readonly timeoutMs: number;
  /** See serverAnswering. */
  private answering = true;
  /** Requests that found no server or were refused their sign-in, so far. */
  private failures = 0;
  /** See answeredRequests. */
  private answered = 0;

  constructor(private readonly options: ProtocolClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /** POST with the client-generated id. A duplicate id is a 409 whose body is *our* item. */
  async insert(
    table: string,
    item: Record<string, unknown>,
    control?: RequestControl,
  ): Promise<ServerRecord> {
    const response = await this.send('POST', this.tablePath(table), { body: toWireItem(item), control });
    return this.expectRecord(response, 201, true);
  }

  /** PATCH with If-Match; a stale version is a 412 carrying the server's record. */
  async update(
    table: string,
    id: string,
    changes: Record<string, unknown>,
    version: string | null,
    control?: RequestControl,
  ): Promise<ServerRecord> {
    const body = toWireItem(changes);
    body.id = id;
    const response = await this.send('PATCH', this.recordPath(table, id), {
      body,
      ifMatch: version,
      control,
    });
    return this.expectRecord(response, 200, true);
  }

  /** DELETE with If-Match. With soft delete the server answers 200 with the deleted record. */
  async delete(
    table: string,
    id: string,
    version: string | null,
    control?: RequestControl,
  ): Promise<ServerRecord> {
    const response = await this.send('DELETE', this.recordPath(table, id), { ifMatch: version, control });
    return this.expectRecord(response, 200, true);
  }

  /** Restores a soft-deleted record (POST to the record's own URL). */
  async undelete(
    table: string,
    id: string,
    version: string | null,
    control?: RequestControl,
  ): Promise<ServerRecord> {
    const response = await this.send('POST', this.recordPath(table, id), { ifMatch: version, control });
    return this.expectRecord(response, 201, true, 200);
  }

  /** The live record, or null when it does not exist or is soft-deleted (the server says 404 for both). */
  async lookup(table: string, id: string, control?: RequestControl): Promise<ServerRecord | null> {
    const response = await this.send('GET', this.recordPath(table, id), { control });
    if (response.status === 404) return null;
    return this.expectRecord(response, 200, false);
  }

  /** The record in any state, soft-deleted included (a by-id GET cannot show deleted rows). */
  async lookupIncludingDeleted(
    table: string,
    id: string,
    control?: RequestControl,
  ): Promise<ServerRecord | null> {
    const page = await this.readPage(
      table,
      { filter: `id eq ${odataString(id)}`, top: 1, includeDeleted: true },
      control,
    );
    return page.items[0] ?? null;
  }

  async readPage(table: string, query: ODataQuery, control?: RequestControl): Promise<Page> {
    const params = new URLSearchParams();
    if (query.filter) params.set('$filter', query.filter);
    if (query.orderBy) params.set('$orderby', query.orderBy);
    if (query.top !== undefined) params.set('$top', String(query.top));
    if (query.skip) params.set('$skip', String(query.skip));
    if (query.select?.length) params.set('$select', query.select.join(','));
    if (query.inlineCount) params.set('$inlinecount', 'allpages');
    if (query.includeDeleted) params.set('__includeDeleted', 'true');
    const search = params.toString();
    const path = this.tablePath(table) + (search ? `?${search}` : '');
    const response = await this.send('GET', path, { control });
    if (response.status !== 200) throw this.httpError(response);

    let rows: unknown = response.body;
    let count: number | undefined;
    if (query.inlineCount && typeof rows === 'object' && rows !== null && !Array.isArray(rows)) {
      const wrapped = rows as { results?: unknown; count?: unknown };
      rows = wrapped.results;
      if (typeof wrapped.count === 'number') count = wrapped.count;
    }
    if (!Array.isArray(rows))
      throw new BadResponseError(response.request, 200, 'a list of records was expected');
    const items: ServerRecord[] = new Array<ServerRecord>(rows.length);
    for (let index = 0; index < rows.length; index++) {
      const record = adoptServerRecord(rows[index]);
      if (!record) throw new BadResponseError(response.request, 200, `row ${index} has no id or version`);
      items[index] = record;
    }
    const page: Page = { items };
    if (count !== undefined) page.count = count;
    const serverTime = response.date ? new Date(response.date) : undefined;
    if (serverTime && !Number.isNaN(serverTime.getTime())) page.serverTime = serverTime;
    return page;
  }

  /**
   * App Service's `GET /.auth/refresh`: a fresh token for the same person, or null where the
   * server does not offer it (404, as the development stub) or the session cannot be renewed
   * (401): the caller then signs in interactively.
   */
  async refreshAuth(
    control?: RequestControl,
  ): Promise<{ authenticationToken: string; userId: string | null } | null> {
    const response = await this.send('GET', '/.auth/refresh', { control });
    if (response.status === 404 || response.status === 401 || response.status === 403) return null;
    if (response.status !== 200) throw this.httpError(response);
    const body = response.body as { authenticationToken?: unknown; user?: { userId?: unknown } } | undefined;
    if (typeof body?.authenticationToken !== 'string' || body.authenticationToken === '')
      throw new BadResponseError(response.request, 200, 'the refreshed session has no token');
    const userId = body.user?.userId;
    return {
      authenticationToken: body.authenticationToken,
      userId: typeof userId === 'string' ? userId : null,
    };
  }

  /**
   * False once a request (other than openConnections') found no server, timed out or was
   * refused its sign-in (401), until a request sent after that failure is answered; true before
   * any request. Answers to requests that were already in flight at the failure do not count.
   */
  serverAnswering(): boolean {
    return this.answering;
  }

  /**
   * How many requests (other than openConnections') the server has answered, 401 aside: a
   * sync step that made none has not been in touch with the server, whatever it returned.
   */
  answeredRequests(): number {
    return this.answered;
  }

  private noteAnswer(answered: boolean, failuresAtStart: number): void {
    if (!answered) {
      this.failures++;
      this.answering = false;
      return;
    }
    this.answered++;
    if (failuresAtStart === this.failures) this.answering = true;
  }

  /**
   * Opens up to `count` more keep-alive connections to the server, for requests about to go in
   * parallel: each new connection costs a round trip (a TLS handshake more), and opened while
   * another request is in flight that round trip overlaps it instead of following it. fetch
   * opens a connection only for a request, so each carries an OPTIONS request for the table:
   * it touches no data and carries no sign-in token (a signed-out server still sees one
   * attempt with it, not a burst); whatever it is answered, or a failure, is ignored. Resolves
   * when all are back in the pool.
   */
  async openConnections(table: string, count: number): Promise<void> {
    const opening: Promise<unknown>[] = [];
    for (let index = 0; index < count; index++) {
      opening.push(
        this.send('OPTIONS', this.tablePath(table), { connectionOnly: true }).catch(() => undefined),
      );
    }
    await Promise.all(opening);
  }

  // ---------------------------------------------------------------- plumbing

  private absoluteUrl(path: string): URL {
    const base = this.options.baseUrl().trim().replace(/\/+$/, '');
    let url: URL;
    try {
      url = new URL(base + path);
    } catch {
      throw new SyncUsageError(`The backend address "${base}" is not a valid URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new SyncUsageError(`The backend address must start with http:// or https:// (got "${base}").`);
    }
    // Checked here as well as in settings: a script or an environment variable can name the address too.
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
      throw new SyncUsageError(INSECURE_ADDRESS_MESSAGE);
    return url;
  }

  /** The token, when this request goes to the origin it was obtained for; never elsewhere. */
  private tokenFor(url: URL): string | null {
    const auth = this.options.auth?.();
    if (!auth || auth.origin !== url.origin) return null;
    return auth.token;
  }

  private tablePath(table: string): string {
    return `/tables/${encodeURIComponent(table)}`;
  }

  private recordPath(table: string, id: string): string {
    return `${this.tablePath(table)}/${encodeURIComponent(id)}`;
  }

  private expectRecord(
    response: RawResponse,
    expected: number,
    etagRequired: boolean,
    alsoOk?: number,
  ): ServerRecord {
    if (response.status !== expected && response.status !== alsoOk) throw this.httpError(response);
    const version = versionFromEtag(response.etag);
    if (etagRequired && version === undefined) {
      throw new BadResponseError(response.request, response.status, 'the record came without its ETag');
    }
    const record = adoptServerRecord(response.body, version);
    if (!record)
      throw new BadResponseError(response.request, response.status, 'the record has no id or version');
    return record;
  }

  private httpError(response: RawResponse): Error {
    const { status, body, request } = response;
    if (status === 401) return new UnauthorizedError(request, response.tokenSent === true);
    // A 412 carries the current record and its ETag; a 409 on an update carries the record
    // with its version in the body; a 409 on an insert echoes our own item (no version).
    let serverRecord: ServerRecord | undefined;
    if (status === 412) serverRecord = adoptServerRecord(body, versionFromEtag(response.etag));
    else if (status === 409) serverRecord = adoptServerRecord(body);
    const serverMessage =
      typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string'
        ? (body as { error: string }).error
        : typeof body === 'string' && body.length > 0 && body.length < 300 && !looksLikeMarkup(body)
          ? body
          : undefined;
    return new SyncHttpError(status, refusalMessage(status, request.method, serverMessage), {
      body,
      serverRecord,
      request,
    });
  }

  private async send(
    method: string,
    path: string,
    options: {
      body?: Record<string, unknown>;
      ifMatch?: string | null;
      control?: RequestControl | undefined;
      /**
       * A request that only opens a connection (openConnections): without X-ZUMO-AUTH even where
       * the token belongs, and not shown to onRequest.
       */
      connectionOnly?: boolean;
    },
  ): Promise<RawResponse> {
    const request: RequestSummary = { method, path };
    const url = this.absoluteUrl(path);
    const headers: Record<string, string> = {
      ...this.options.extraHeaders?.(),
      'ZUMO-API-VERSION': ZUMO_API_VERSION,
      'X-ZUMO-INSTALLATION-ID': this.options.installationId(),
      Accept: 'application/json',
    };
    const token = options.connectionOnly ? null : this.tokenFor(url);
    if (token) headers['X-ZUMO-AUTH'] = token;
    if (options.ifMatch) headers['If-Match'] = quoted(options.ifMatch);
    let payload: string | undefined;
    if (options.body) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(options.body);
    } else if (method === 'POST') {
      // An undelete carries no body but is a write: servers that refuse writes not sent as JSON
      // (the local backend does, against web pages) must still take it.
      headers['Content-Type'] = 'application/json';
    }
    const observed = options.connectionOnly
      ? undefined
      : this.options.onRequest?.({
          method,
          path,
          ifMatch: options.ifMatch ?? undefined,
          body: options.body,
        });
    if (observed) await observed;

    const failuresAtStart = this.failures;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.control?.signal ? AbortSignal.any([timeout, options.control.signal]) : timeout;
    let status: number;
    let etag: string | null;
    let date: string | null;
    let text: string;
    try {
      // fetch would follow a redirect with X-ZUMO-AUTH still attached, to any origin: a 3xx is
      // answered as the error it is for this protocol instead (see redirectError).
      const response = await fetch(url, { method, headers, body: payload, signal, redirect: 'manual' });
      status = response.status;
      etag = response.headers.get('etag');
      date = response.headers.get('date');
      text = await response.text();
    } catch (error) {
      if (options.control?.signal?.aborted && !timeout.aborted) throw options.control.signal.reason ?? error;
      if (!options.connectionOnly) this.noteAnswer(false, failuresAtStart);
      if (timeout.aborted) throw new TimeoutError(request, this.timeoutMs);
      throw new NetworkError(request, error);
    }
    if (!options.connectionOnly) this.noteAnswer(status !== 401, failuresAtStart);
    // Node's fetch hands the connection back to its pool one turn after the body ends; a
    // request sent in the same turn would open another one. Waiting that turn keeps a sync run
    // on its keep-alive connections (one per request in flight).
    await nextBodyTurn();
    if (status === 401) return { status, etag, body: undefined, request, tokenSent: token !== null };
    if ((status >= 300 && status < 400) || status === 0) throw redirectError(request, status);
    let body: unknown;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        // Error pages of proxies are HTML: keep them as text for the error, but a success
        // that is not JSON breaks the protocol.
        if (status >= 200 && status < 300)
          throw new BadResponseError(request, status, 'the body is not JSON');
        body = text;
      }
    }
    return { status, etag, date, body, request };
  }
}

/**
 * The table protocol never redirects; a 3xx comes from something in front of the server (a
 * sign-in gateway, a moved site). Following it would carry the token elsewhere, so it stops the
 * sync with a sentence the person can act on, and queued changes stay queued.
 * (`redirect: 'manual'` may report an opaque redirect as status 0.)
 */
function redirectError(request: RequestSummary, status: number): RedirectRefusedError {
  return new RedirectRefusedError(request, status);
}

/**
 * What a person reads for a refusal: plain words, no status codes (the code stays in the
 * error's `status` and in the log). The server's own sentence follows where it gave one.
 */
export function refusalMessage(status: number, method: string, serverMessage: string | undefined): string {
  if (status === 409 || status === 412)
    return 'This item was changed on the server since it was last synced.';
  if (status === 404) return 'This item no longer exists on the server.';
  if (isTooLarge(status, serverMessage)) {
    return 'This todo is too large for the server to store. Shorten its notes, then try again.';
  }
  if (status === 403) return 'This account is not allowed to do that on this server.';
  const writing = method !== 'GET';
  const because = serverMessage ? `: ${serverMessage}` : '.';
  if (status >= 500) {
    return writing
      ? `The server had a problem and could not take this change${because} It is sent again with the next sync.`
      : `The server had a problem and could not send its changes${because}`;
  }
  return writing
    ? `The server refused this change${because}`
    : `The server refused to send its changes${because}`;
}

/** A body over the server's limit: 413, or the 400 "request entity too large" of azure-mobile-apps. */
function isTooLarge(status: number, serverMessage: string | undefined): boolean {
  return status === 413 || (status === 400 && /entity too large/i.test(serverMessage ?? ''));
}

/** A proxy's error page (`<!DOCTYPE html>…`) is not a sentence to show the person. */
function looksLikeMarkup(text: string): boolean {
  return /^\s*</.test(text);
}

/** An OData string literal. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The largest `$top` a server accepts, when its 400 says so: azure-mobile-apps answers a `$top`
 * over its table's maxTop with "You cannot request more than N records". Null for any other
 * answer.
 */
export function statedPageLimit(error: unknown): number | null {
  if (!(error instanceof SyncHttpError) || error.status !== 400) return null;
  const body = error.body;
  const text =
    typeof body === 'string'
      ? body
      : typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string'
        ? (body as { error: string }).error
        : '';
  const match = /more than (\d+) records/i.exec(text);
  if (!match) return null;
  const limit = Number(match[1]);
  return Number.isInteger(limit) && limit >= 1 ? limit : null;
}

/** Whether a 400 to a page read could be about its size (said so, or said nothing specific). */
export function mayBeAboutPageSize(error: unknown): boolean {
  return error instanceof SyncHttpError && error.status === 400;
}

/**
 * Bodies are parsed one per turn of the event loop. Replies that arrive together (pages in
 * flight) would otherwise all be parsed in the turn they arrived, a few milliseconds each,
 * holding IPC and timers for their sum. A callback queued by setImmediate from another
 * setImmediate runs in the next turn, so each waiter gets a turn of its own.
 */
let lastBodyTurn: Promise<void> = Promise.resolve();
export function nextBodyTurn(): Promise<void> {
  const turn = lastBodyTurn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  lastBodyTurn = turn;
  return turn;
}
