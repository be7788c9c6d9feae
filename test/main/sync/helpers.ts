/**
 * Shared set-up for the sync engine tests: a fresh temp store per client, a client on the
 * real test backend, and direct access to the server (test/support/server.ts's ServerClient,
 * and its SQLite file) for arranging server-side state the way another client or time would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { todoTable, type TodoItem } from '../../../common/todo-table';
import { openStore } from '../../../main/store';
import type { Store } from '../../../main/store/types';
import {
  MobileServiceClient,
  type MobileServiceClientOptions,
  type ObservedRequest,
} from '../../../main/sync';
import type { SyncContext, SyncTable } from '../../../main/sync';
import {
  backendHeaders,
  startTestBackend,
  type TestBackend,
  type TestBackendOptions,
} from '../../support/backend';
import { ServerClient, type ServerTodo } from '../../support/server';

export interface TestClient {
  client: MobileServiceClient;
  context: SyncContext;
  todos: SyncTable<TodoItem>;
  store: Store;
  storePath: string;
  requests: ObservedRequest[];
  /** Closes the store and opens it again with a new client (a restart). */
  reopen(options?: MobileServiceClientOptions): Promise<TestClient>;
  close(): void;
}

const cleanups: (() => void)[] = [];

/** Call from afterEach: closes stores and removes their folders. */
export function cleanupClients(): void {
  while (cleanups.length > 0) {
    try {
      cleanups.pop()?.();
    } catch {
      // Already closed.
    }
  }
}

export async function createClient(
  url: string,
  options: MobileServiceClientOptions = {},
  existingPath?: string,
): Promise<TestClient> {
  const folder = existingPath
    ? path.dirname(existingPath)
    : mkdtempSync(path.join(os.tmpdir(), 'todo-sync-store-'));
  const storePath = existingPath ?? path.join(folder, 'store.sqlite');
  const store = openStore({ path: storePath, tables: [todoTable] });
  const requests: ObservedRequest[] = [];
  const client: MobileServiceClient = new MobileServiceClient(url, {
    // The key of whichever test backend the client points at now (tests change its address).
    extraHeaders: (): Record<string, string> => backendHeaders(client.applicationUrl ?? url),
    ...options,
    onRequest: (request) => {
      requests.push(request);
      return options.onRequest?.(request);
    },
  });
  const context = client.getSyncContext();
  await context.initialize(store);
  const todos = client.getSyncTable(todoTable);
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    store.close();
  };
  if (!existingPath) cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  cleanups.push(close);
  return {
    client,
    context,
    todos,
    store,
    storePath,
    requests,
    close,
    reopen: async (reopenOptions = options) => {
      close();
      return createClient(url, reopenOptions, storePath);
    },
  };
}

export { raw, type RawResult, type ServerTodo } from '../../support/server';

// Short forms of test/support/server.ts's ServerClient, as these tests have always called them.

export function serverInsert(url: string, item: Partial<ServerTodo> & { id: string }): Promise<ServerTodo> {
  return new ServerClient(url).insert(item);
}

/** An unconditional PATCH (no If-Match), as a last-writer-wins client sends it. */
export function serverUpdate(url: string, id: string, changes: Partial<ServerTodo>): Promise<ServerTodo> {
  return new ServerClient(url).update(id, changes);
}

export function serverDelete(url: string, id: string): Promise<void> {
  return new ServerClient(url).remove(id);
}

/** Every server row, deleted ones included. */
export function serverRows(url: string): Promise<ServerTodo[]> {
  return new ServerClient(url).all();
}

export function serverGet(url: string, id: string): Promise<ServerTodo | undefined> {
  return new ServerClient(url).find(id);
}

/** Inserts `count` rows with 8 requests in flight. */
export async function seedServer(url: string, count: number, prefix = 'seed'): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(6, '0')}`);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      await serverInsert(url, { id, text: `text of ${id}`, complete: false });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

/**
 * Gives `ids` one shared updatedAt, written straight into the server's SQLite file: the only
 * honest way to get hundreds of rows with exactly the same timestamp. The server's own
 * update trigger bumps each row's version as well.
 */
export function shareOneUpdatedAt(dataDir: string, ids: readonly string[], updatedAt: string): void {
  const db = new Database(path.join(dataDir, 'todo-backend.sqlite'));
  try {
    const update = db.prepare('UPDATE todoitem SET updatedAt = ? WHERE id = ?');
    db.transaction(() => {
      for (const id of ids) update.run(updatedAt, id);
    })();
  } finally {
    db.close();
  }
}

/**
 * Writes rows straight into the server's SQLite file, in the server's own layout, for the
 * tests that need hundreds of rows quickly (a POST costs tens of ms on a busy machine). The
 * server serves them like any other row.
 */
export function seedServerDirect(dataDir: string, ids: readonly string[], updatedAt: string): void {
  const db = new Database(path.join(dataDir, 'todo-backend.sqlite'));
  try {
    const insert = db.prepare(
      'INSERT INTO todoitem (id, text, complete, notes, createdAt, updatedAt, version, deleted) VALUES (?, ?, 0, NULL, ?, ?, 1, 0)',
    );
    db.transaction(() => {
      for (const id of ids) insert.run(id, `text of ${id}`, updatedAt, updatedAt);
    })();
  } finally {
    db.close();
  }
}

/**
 * A fresh real backend for the calling test file, stopped after its last test; every client
 * created with createClient is closed after each test.
 */
export function useTestBackend(options: TestBackendOptions = {}): {
  readonly url: string;
  readonly dataDir: string;
} {
  let backend: TestBackend | undefined;
  beforeAll(async () => {
    backend = await startTestBackend(options);
  });
  afterAll(async () => {
    await backend?.stop();
  });
  afterEach(() => cleanupClients());
  const started = (): TestBackend => {
    if (!backend) throw new Error('The test backend has not started yet');
    return backend;
  };
  return {
    get url() {
      return started().url;
    },
    get dataDir() {
      return started().dataDir;
    },
  };
}
