/**
 * Shared set-up for the sync engine tests: a fresh temp store per client, a client on the
 * real test backend, and direct access to the server (test/support/server.ts's ServerClient,
 * and its SQLite file) for arranging server-side state the way another client or time would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { todoTable, type TodoItem } from '../../../common/todo-table';
import { openStore } from '../../../main/store';
import type { Store } from '../../../main/store/types';
import {
  MobileServiceClient,
  Query,
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
import { fixtureTest, type Cleanup } from '../../support/fixtures';
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

/**
 * Opens a client on a fresh temp store, or on the store at `existingPath` (a restart); `track`
 * is handed what undoes it: closing the store (every reopened one too), then removing its folder.
 */
async function openTestClient(
  url: string,
  options: MobileServiceClientOptions,
  existingPath: string | undefined,
  track: (cleanup: Cleanup) => void,
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
  if (!existingPath) track(() => rmSync(folder, { recursive: true, force: true }));
  track(() => {
    try {
      close();
    } catch {
      // Already closed.
    }
  });
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
      return openTestClient(url, reopenOptions, storePath, track);
    },
  };
}

/** Opens a client on the backend at `url` with a fresh temp store of its own. */
export type OpenClient = (url: string, options?: MobileServiceClientOptions) => Promise<TestClient>;

/**
 * The sync tests' `test`: test/support/fixtures.ts's `defer` and `tempDir`, and `openClient`,
 * whose clients' stores are closed (and their folders removed) after the test. Extend it with
 * `backendFixture` for a backend of the file's own.
 */
export const syncTest = fixtureTest.extend(
  'openClient',
  async ({ defer }): Promise<OpenClient> =>
    (url, options = {}) =>
      openTestClient(url, options, undefined, defer),
);

/**
 * createClient for the files still on useTestBackend rather than syncTest: the client is closed
 * and its folder removed when the test that opened it finishes (vitest's onTestFinished).
 */
export function createClient(url: string, options: MobileServiceClientOptions = {}): Promise<TestClient> {
  return openTestClient(url, options, undefined, (cleanup) =>
    onTestFinished(async () => {
      await cleanup();
    }),
  );
}

/** A source of test-unique id prefixes, `<letter>001`, `<letter>002`, …, for one file's slices of the shared server. */
export function prefixes(letter: string): () => string {
  let count = 0;
  return () => {
    count++;
    return `${letter}${String(count).padStart(3, '0')}`;
  };
}

/** The rows whose id starts with `prefix` (ids are `<prefix>-<n>`). */
export function slice(prefix: string): Query {
  return new Query('todoitem').where({ id: { ge: `${prefix}-`, lt: `${prefix}.` } });
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
 * A fresh real backend for the calling test file, stopped after its last test. syncTest with
 * `backendFixture` is the fixture form of the same; the files still here close their clients
 * through createClient.
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
