/**
 * The embedded local backend: the real azure-mobile-apps server on a SQLite file.
 *
 *   npm run backend [-- --port 3000] [--data-dir .data/backend] [--reject-text "#reject"]
 *                   [--fixed-schema] [--drop-unknown-columns] [--max-top 1000] [--body-limit 1mb]
 *
 * Prints exactly one line, `Backend listening on http://127.0.0.1:<port>`, once it accepts
 * requests (with `--auth`, a second line `Sign-in: http://127.0.0.1:<port>/.auth/login/<provider>`).
 * Ctrl+C or SIGTERM closes the server and exits. `--reject-text` makes the server
 * refuse (400) todo items whose text contains that string; tests use it to produce
 * operations the server rejects.
 *
 * `--fixed-schema` declares only the seed's columns (text, complete): like a production table
 * created before due dates existed, it refuses unknown columns (500). `--drop-unknown-columns`
 * (with it) behaves like a .NET backend instead: unknown properties are silently dropped and
 * the reply lacks them. Tests use both to check that such fields stay local and are never lost.
 *
 * `--max-top` is the most rows one request may ask for (a larger $top gets 400 "You cannot
 * request more than N records", as a backend configured lower answers); `--body-limit` the
 * largest record body accepted (azure-mobile-apps' own default is 100kb, which tests use to
 * see what a default backend refuses).
 *
 * `--auth` requires sign-in, as a backend behind App Service Authentication does: the todo
 * table answers 401 without a valid X-ZUMO-AUTH token and keeps rows per user (`perUser`).
 * Tokens are signed with a random secret kept in the data folder (`auth-secret`, so tokens stay
 * valid across restarts). The server's development sign-in stub hands them out at
 * `/.auth/login/<provider>`; the signed-in user is `sid:<login_hint>` when the URL has a
 * `login_hint` parameter, else `sid:local-<provider>`, so two people are possible locally.
 * `--auth-minutes` sets how long a token lasts (24 h by default).
 *
 * No web page may use this server (see scripts/backend-guard.ts): requests must name it in their
 * Host header, come from no other origin, send writes as JSON and carry this run's key in the
 * X-Todo-Sync-Backend-Key header. The key comes from TODO_BACKEND_KEY (the app and the tests
 * pass one to the child they start); without it a random one is made and printed with how to
 * pass it on. `--open` drops the key, for other clients (curl, the official SDK), and says so.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { BACKEND_KEY_ENV, BACKEND_KEY_HEADER, createBackendGuard } from './backend-guard';
import { gzipReplies, indexForPaging, writeAheadLog } from './backend-tuning';
// azure-mobile-apps ships no types; this script only uses the documented entry points.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const azureMobileApps = require('azure-mobile-apps') as AzureMobileAppsModule;

interface AzureTable {
  columns: Record<string, string>;
  access?: 'authenticated' | 'anonymous' | 'disabled';
  perUser?: boolean;
  dynamicSchema: boolean;
  softDelete: boolean;
  operation: express.RequestHandler;
  insert: { use(...handlers: express.RequestHandler[]): AzureTable };
  update: { use(...handlers: express.RequestHandler[]): AzureTable };
}
interface AzureMobileApp extends express.RequestHandler {
  tables: { add(name: string, table: AzureTable): void; initialize(): Promise<void> };
}
interface AzureMobileAppsModule {
  (config: object): AzureMobileApp;
  table(): AzureTable;
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '0' },
    'data-dir': { type: 'string', default: path.join(process.cwd(), '.data', 'backend') },
    'reject-text': { type: 'string' },
    'page-size': { type: 'string', default: '50' },
    // The largest $top a request may ask (the server's default is 1000; some backends set less).
    'max-top': { type: 'string', default: '1000' },
    // The largest JSON body the todo table accepts. azure-mobile-apps' own default is 100kb; the
    // app never sends more than a default backend takes (see common/), so this one takes more.
    'body-limit': { type: 'string', default: '1mb' },
    auth: { type: 'boolean', default: false },
    'auth-minutes': { type: 'string', default: '1440' },
    'fixed-schema': { type: 'boolean', default: false },
    'drop-unknown-columns': { type: 'boolean', default: false },
    // No key: any program on this computer may use the server (web pages still may not).
    open: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid --port ${values.port}`);
  process.exit(2);
}
const dataDir = path.resolve(values['data-dir']);
mkdirSync(dataDir, { recursive: true });
const rejectText = values['reject-text'];

const app = express();
// Before anything else reads the request: see scripts/backend-guard.ts.
const keyFromEnv = process.env[BACKEND_KEY_ENV]?.trim() || null;
const backendKey = values.open ? null : (keyFromEnv ?? randomBytes(32).toString('base64url'));
const guard = createBackendGuard({ key: backendKey });
// The sign-in window is a browser and cannot send the key. Its GETs to the stub's pages get the
// Host and Origin checks without the key: a token from there still needs the key at /tables.
const signInGuard = createBackendGuard({ key: null });
app.use((req: Request, res: Response, next: NextFunction) =>
  values.auth && req.method === 'GET' && req.path.startsWith('/.auth/login/')
    ? signInGuard(req, res, next)
    : guard(req, res, next),
);
// Replies compressed as App Service does with compression on: a page of 1,000 todos is ~7x smaller.
app.use(gzipReplies());

/** The signing secret, created once per data folder and readable by its owner only. */
function authSecret(folder: string): string {
  const file = path.join(folder, 'auth-secret');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch {
    // First start with --auth: create it below.
  }
  // The folder holds the secret: nobody else on the machine may read it.
  chmodSync(folder, 0o700);
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

const authMinutes = Number(values['auth-minutes']);
if (values.auth && !(Number.isFinite(authMinutes) && authMinutes > 0)) {
  console.error(`Invalid --auth-minutes ${values['auth-minutes']}`);
  process.exit(2);
}
// The stub asks authStubClaims() for the claims without passing the request, so the request
// being answered is noted just before (Express runs the two synchronously one after the other).
let signingIn: Request | undefined;
const STUB_USER = /^[A-Za-z0-9_.@-]{1,64}$/;
function stubClaims(): { sub: string; idp: string } {
  const provider = String(signingIn?.params.provider ?? 'local');
  const hint = signingIn?.query.login_hint;
  const name = typeof hint === 'string' && STUB_USER.test(hint) ? hint : `local-${provider}`;
  return { sub: `sid:${name}`, idp: provider };
}
const authConfig = values.auth
  ? { auth: { secret: authSecret(dataDir), expires: authMinutes }, authStubClaims: stubClaims }
  : {};
if (values.auth) {
  app.use('/.auth/login/:provider', (req: Request, _res: Response, next: NextFunction) => {
    signingIn = req;
    next();
  });
}
const maxTop = Number(values['max-top']);
if (!Number.isInteger(maxTop) || maxTop < 1) {
  console.error(`Invalid --max-top ${values['max-top']}`);
  process.exit(2);
}
// azure-mobile-apps parses a body only when none was parsed yet: parsing it first sets the limit.
// A body over it is answered 400 "request entity too large", as the server does by default.
app.use(
  '/tables',
  express.json({ limit: values['body-limit'] }),
  (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if ((error as { type?: string } | undefined)?.type === 'entity.too.large') {
      res.status(400).json({ error: 'request entity too large' });
      return;
    }
    next(error);
  },
);
const mobile = azureMobileApps({
  homePage: false,
  swagger: false,
  pageSize: Number(values['page-size']),
  maxTop,
  logging: { level: 'error' },
  data: { provider: 'sqlite', filename: path.join(dataDir, 'todo-backend.sqlite') },
  ...authConfig,
});

const todoitem = azureMobileApps.table();
// A fixed schema, as a production backend would have: unknown columns are refused.
const SEED_COLUMNS = { text: 'string', complete: 'boolean' };
todoitem.columns = values['fixed-schema']
  ? SEED_COLUMNS
  : { ...SEED_COLUMNS, notes: 'string', dueDate: 'string', reminderAt: 'date' };
todoitem.dynamicSchema = false;
todoitem.softDelete = true;
if (values.auth) {
  todoitem.access = 'authenticated';
  todoitem.perUser = true;
}

// Request middleware for inserts and updates, installed together (each `use` replaces the last).
const writeMiddleware: express.RequestHandler[] = [];
if (rejectText) {
  const refuseMarkedText = (req: Request, res: Response, next: NextFunction): void => {
    const text: unknown = (req.body as { text?: unknown } | undefined)?.text;
    if (typeof text === 'string' && text.includes(rejectText)) {
      res.status(400).json({ error: `The server does not accept items containing "${rejectText}".` });
      return;
    }
    next();
  };
  writeMiddleware.push(refuseMarkedText);
}

if (values['drop-unknown-columns']) {
  const known = new Set(['id', 'version', ...Object.keys(todoitem.columns)]);
  const dropUnknown = (req: Request, _res: Response, next: NextFunction): void => {
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object') {
      for (const key of Object.keys(body)) if (!known.has(key)) delete body[key];
    }
    next();
  };
  writeMiddleware.push(dropUnknown);
}
if (writeMiddleware.length > 0) {
  todoitem.insert.use(...writeMiddleware, todoitem.operation);
  todoitem.update.use(...writeMiddleware, todoitem.operation);
}

mobile.tables.add('todoitem', todoitem);
app.use(mobile);

let server: Server | undefined;

function shutdown(): void {
  if (!server) process.exit(0);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  // A stuck connection must not keep the process alive past a stop request.
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
// When the app that spawned us dies, its end of our stdin closes: do not outlive it.
if (process.env.TODO_BACKEND_EXIT_WITH_PARENT === '1') {
  process.stdin.on('end', shutdown);
  process.stdin.resume();
}
// `npm run backend` runs us under a shell; npm forwards SIGTERM to that shell, which dies without
// passing it on. Being re-parented means whoever started us is gone, so stop too.
const launcherPid = process.ppid;
if (launcherPid > 1) {
  setInterval(() => {
    if (process.ppid !== launcherPid) shutdown();
  }, 500).unref();
}

/** The server's tables, then the index its page queries need and its log (on the same file). */
async function prepareDatabase(): Promise<void> {
  const databaseFile = path.join(dataDir, 'todo-backend.sqlite');
  await mobile.tables.initialize();
  await indexForPaging(databaseFile, 'todoitem');
  await writeAheadLog(databaseFile);
}

prepareDatabase().then(
  () => {
    const listening = app.listen(port, '127.0.0.1', () => {
      const { port: actual } = listening.address() as AddressInfo;
      console.log(`Backend listening on http://127.0.0.1:${actual}`);
      // A key handed in by whoever started us is theirs already: never print it (it lands in logs).
      if (values.open) {
        console.log('OPEN mode: no key, any program on this computer can read and write this server.');
      } else if (!keyFromEnv) {
        console.log(`Key: ${backendKey} (send it in the ${BACKEND_KEY_HEADER} header). For the app:`);
        console.log(
          `  TODO_BACKEND_URL=http://127.0.0.1:${actual} ${BACKEND_KEY_ENV}=${backendKey} npm start`,
        );
        console.log('Or restart with --open for clients that cannot send the key.');
      }
      if (values.auth) console.log(`Sign-in: http://127.0.0.1:${actual}/.auth/login/<provider>`);
    });
    server = listening;
  },
  (error: unknown) => {
    console.error('The backend could not prepare its database:', error);
    process.exit(1);
  },
);
