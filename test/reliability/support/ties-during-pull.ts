/**
 * Ties updated during a pull: many rows share one updatedAt (written straight into the server's
 * SQLite file, as one UPDATE statement stamps them), and while one installation pulls them page
 * by page (small pages; one page at a time or several in flight) another writer changes random
 * rows of the tie at random moments: between the client's requests (its onRequest hook) and
 * after the server answered a page but before the client has it (the proxy's afterServerReply).
 * The writer PATCHes rows through the API, restamps a handful with one new shared time straight
 * in the file, deletes and adds a few. Then the tie is restamped as a whole and pulled again
 * under the same writer. Judged after a final, quiet pull: the client holds exactly the
 * server's live rows, each at the server's version and text (0 lost, 0 stale).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TodoItem } from '../../../common/todo-table';
import type { ObservedRequest } from '../../../main/sync';
import { ServerClient, type ServerTodo } from '../../support/server';
import { startFaultProxy } from './fault-proxy';
import type { Finding } from './findings';
import { createRandom } from './random';
import { insertTieDirect, listSliceRows, restampDirect } from './server-rows';
import { openSyncClient, type SyncClient } from './sync-client';

export interface TiesDuringPullOptions {
  seed: number;
  /** The real server and its data folder (the tie is written into its SQLite file). */
  serverUrl: string;
  serverDataDir: string;
  workDir: string;
  /** 1: page by page; more: the engine's speculative pages. */
  pagesInFlight: number;
  /** The tie's size is drawn from this range. */
  rows: readonly [number, number];
  /** Pulls with the writer at work (the first reads the tie fresh, later ones a restamped tie). */
  rounds: number;
  clientTimeoutMs: number;
}

export interface TiesDuringPullOutcome {
  seed: number;
  pagesInFlight: number;
  replay: string;
  findings: Finding[];
  tieRows: number;
  pageSize: number;
  /** What the other writer did while pulls were running, by kind. */
  writes: { patch: number; restamp: number; remove: number; insert: number };
  /** GET requests the client's pulls made (pages). */
  pageRequests: number;
  /** Pulls that failed (they are retried; only the end state is judged). */
  failedPulls: number;
  /** Live server rows the client did not have after the final pull. */
  lost: number;
  /** Rows the client had at another version or text than the server (or had, deleted there). */
  stale: number;
  duplicates: number;
}

type WriteKind = keyof TiesDuringPullOutcome['writes'];

function sameRow(local: TodoItem, server: ServerTodo): boolean {
  return local.version === server.version && local.text === server.text && local.complete === server.complete;
}

export async function runTiesDuringPull(options: TiesDuringPullOptions): Promise<TiesDuringPullOutcome> {
  const { seed, pagesInFlight } = options;
  const replay = `ties-during-pull seed ${seed} pages-in-flight ${pagesInFlight}`;
  const random = createRandom(seed).fork(`ties-${pagesInFlight}`);
  const writer = random.fork('writer');
  const prefix = `t${seed}-f${pagesInFlight}-`;
  const findings: Finding[] = [];
  const note = (category: Finding['category'], detail: string): void => {
    findings.push({ suite: 'ties-during-pull', replay, category, detail });
  };
  const dir = path.join(options.workDir, `ties-${seed}-${pagesInFlight}`);
  fs.mkdirSync(dir, { recursive: true });

  const tieRows = random.int(options.rows[0], options.rows[1]);
  const pageSize = random.int(3, 12);
  const ids = Array.from({ length: tieRows }, () => `${prefix}${random.uuid()}`);
  const created = new Set(ids);
  const live = new Set(ids);
  const writes = { patch: 0, restamp: 0, remove: 0, insert: 0 };
  const server = new ServerClient(options.serverUrl);
  let token = 0;
  let writerActive = false;
  let pageRequests = 0;
  // The writer's actions run one after another, whichever hook started them.
  let writerChain: Promise<void> = Promise.resolve();

  async function write(kind: WriteKind): Promise<void> {
    const rows = [...live];
    if (rows.length === 0 && kind !== 'insert') return;
    if (kind === 'patch') {
      const id = writer.pick(rows);
      await server.update(id, { text: `patched ${++token} ${id}`, complete: writer.chance(0.5) });
    } else if (kind === 'restamp') {
      const some = writer.shuffle(rows).slice(0, writer.int(2, 8));
      restampDirect(options.serverDataDir, some, (id) => `restamped ${++token} ${id}`);
    } else if (kind === 'remove') {
      const id = writer.pick(rows);
      await server.remove(id);
      live.delete(id);
    } else {
      const id = `${prefix}${writer.uuid()}`;
      created.add(id);
      await server.insert({ id, text: `inserted ${++token}`, complete: false });
      live.add(id);
    }
    writes[kind]++;
  }

  /** Maybe change the tie now; awaited, so the request (or the reply) waits for it. */
  function maybeWrite(): Promise<void> {
    if (!writerActive || !writer.chance(0.4)) return writerChain;
    const kinds = Array.from({ length: writer.int(1, 2) }, () =>
      writer.weighted<WriteKind>({ patch: 4, restamp: 2, remove: 0.5, insert: 0.5 }),
    );
    writerChain = writerChain.then(async () => {
      for (const kind of kinds) {
        try {
          await write(kind);
        } catch (error) {
          note('unexpected-error', `the other writer's ${kind} failed: ${String(error)}`);
        }
      }
    });
    return writerChain;
  }

  const isPage = (method: string, requestPath: string): boolean =>
    method === 'GET' && requestPath.startsWith('/tables/todoitem?');

  const proxy = await startFaultProxy({
    target: options.serverUrl,
    seed: random.int(0, 2 ** 31 - 1),
    faultRate: 0,
    clientTimeoutMs: options.clientTimeoutMs,
    maxLifetimeMs: 10 * 60_000,
    keepLog: false,
    hooks: {
      afterServerReply: (exchange) => (isPage(exchange.method, exchange.path) ? maybeWrite() : undefined),
    },
  });
  let client: SyncClient | undefined;
  let failedPulls = 0;
  let lost = 0;
  let stale = 0;
  let duplicates = 0;
  try {
    client = await openSyncClient({
      name: 'T',
      dbPath: path.join(dir, 'client.sqlite'),
      backendUrl: proxy.url,
      policy: 'ask',
      idPrefix: prefix,
      timeoutMs: options.clientTimeoutMs,
      pullPageSize: pageSize,
      pullPagesInFlight: pagesInFlight,
      onRequest: (request: ObservedRequest) => {
        if (!isPage(request.method, request.path)) return undefined;
        pageRequests++;
        return maybeWrite();
      },
    });
    // A tie long settled (a minute old), as an earlier bulk update leaves it.
    insertTieDirect(options.serverDataDir, ids, new Date(Date.now() - 60_000).toISOString());

    for (let round = 0; round < options.rounds; round++) {
      if (round > 0) {
        // One statement updates the whole tie again, "now": the client has every row already
        // and must read them all once more, while the writer keeps changing some.
        restampDirect(options.serverDataDir, [...live], (id) => `bulk ${round} ${id}`);
      }
      writerActive = true;
      const pulled = await client.pull();
      writerActive = false;
      await writerChain;
      if (!pulled.ok) {
        failedPulls++;
        if (pulled.errorCode === 'unexpected')
          note('unexpected-error', `a pull threw: ${pulled.errorMessage}`);
      }
    }

    // The final, quiet pull (a failed one is tried again: only the end state is judged).
    let settled = false;
    for (let attempt = 0; attempt < 3 && !settled; attempt++) settled = (await client.pull()).ok;
    if (!settled) note('stuck', 'the final pull kept failing');

    const serverRows = await listSliceRows(options.serverUrl, prefix);
    const serverById = new Map(serverRows.map((row) => [row.id, row]));
    const local = client.localTodos();
    const localById = new Map(local.map((row) => [row.id, row]));
    const problems: string[] = [];
    for (const row of serverRows) {
      if (!created.has(row.id)) {
        duplicates++;
        note('duplicate', `the server holds ${row.id}, which nobody created`);
      }
      if (row.deleted) continue;
      const mine = localById.get(row.id);
      if (!mine) {
        lost++;
        problems.push(`${row.id} (updatedAt ${row.updatedAt}) is missing locally`);
      } else if (!sameRow(mine, row)) {
        stale++;
        problems.push(
          `${row.id} is stale: local ${mine.version} ${JSON.stringify(mine.text)} vs server ${row.version} ${JSON.stringify(row.text)} (updatedAt ${row.updatedAt})`,
        );
      }
    }
    for (const row of local) {
      const there = serverById.get(row.id);
      if (!there || there.deleted) {
        stale++;
        problems.push(`${row.id} is still local, ${there ? 'deleted' : 'absent'} on the server`);
      }
    }
    if (problems.length > 0) {
      note(
        'diverged',
        `after the final pull (page size ${pageSize}, ${tieRows} tied rows): ${problems.length} rows differ: ${problems.slice(0, 5).join('; ')}`,
      );
    }
  } finally {
    client?.close();
    await proxy.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return {
    seed,
    pagesInFlight,
    replay,
    findings,
    tieRows,
    pageSize,
    writes,
    pageRequests,
    failedPulls,
    lost,
    stale,
    duplicates,
  };
}
