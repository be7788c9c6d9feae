/**
 * The embedded local backend: the real azure-mobile-apps server on a SQLite file.
 *
 *   npm run backend [-- --port 3000] [--data-dir .data/backend] [--reject-text "#reject"]
 *
 * Prints exactly one line, `Backend listening on http://127.0.0.1:<port>`, once it accepts
 * requests. Ctrl+C or SIGTERM closes the server and exits. `--reject-text` makes the server
 * refuse (400) todo items whose text contains that string; tests use it to produce
 * operations the server rejects.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
// azure-mobile-apps ships no types; this script only uses the documented entry points.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const azureMobileApps = require('azure-mobile-apps') as AzureMobileAppsModule;

interface AzureTable {
  columns: Record<string, string>;
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
const mobile = azureMobileApps({
  homePage: false,
  swagger: false,
  pageSize: Number(values['page-size']),
  logging: { level: 'error' },
  data: { provider: 'sqlite', filename: path.join(dataDir, 'todo-backend.sqlite') },
});

const todoitem = azureMobileApps.table();
// A fixed schema, as a production backend would have: unknown columns are refused.
todoitem.columns = { text: 'string', complete: 'boolean', notes: 'string' };
todoitem.dynamicSchema = false;
todoitem.softDelete = true;

if (rejectText) {
  const refuseMarkedText = (req: Request, res: Response, next: NextFunction): void => {
    const text: unknown = (req.body as { text?: unknown } | undefined)?.text;
    if (typeof text === 'string' && text.includes(rejectText)) {
      res.status(400).json({ error: `The server does not accept items containing "${rejectText}".` });
      return;
    }
    next();
  };
  todoitem.insert.use(refuseMarkedText, todoitem.operation);
  todoitem.update.use(refuseMarkedText, todoitem.operation);
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

mobile.tables.initialize().then(
  () => {
    const listening = app.listen(port, '127.0.0.1', () => {
      const { port: actual } = listening.address() as AddressInfo;
      console.log(`Backend listening on http://127.0.0.1:${actual}`);
    });
    server = listening;
  },
  (error: unknown) => {
    console.error('The backend could not prepare its database:', error);
    process.exit(1);
  },
);
