/**
 * 500s mixed with good operations: three installations edit their own todos and run the app's
 * sync pass (runSyncPass, as Sync Now and the scheduler do) through the fault proxy, which
 * answers 500 to a random subset of records' writes again and again (each such record fails
 * its next 1–7 writes, so some reach the push's attempt limit and become refused changes for
 * the person), and now and then to another write once, while every other request goes
 * through. Judged:
 *
 * - during the run, after every pass: each row that did not change on the server during the
 *   pass and that the installation has no pending change or issue for is exactly the server's
 *   (fields and version), so other installations' changes kept arriving although the push
 *   left operations for later (the pass counts them in `retrying` and pulls regardless);
 * - at the end, once the 500s stop and the person retried what was refused: every
 *   acknowledged edit (each installation's last value of each field, its deletions, its new
 *   todos) is on the server, every installation equals the server, and the server holds no
 *   record nobody created.
 */
import fs from 'node:fs';
import path from 'node:path';
import { todoTable, type TodoItem } from '../../../common/todo-table';
import { runSyncPass } from '../../../main/sync';
import type { ServerTodo } from '../../support/server';
import { TODO_FIELDS, type TodoField } from './exchange-evidence';
import { startFaultProxy } from './fault-proxy';
import type { Finding } from './findings';
import { createRandom } from './random';
import { listSliceRows } from './server-rows';
import { openSyncClient, outcomeOf, type SyncClient } from './sync-client';

export interface Mixed500Options {
  seed: number;
  serverUrl: string;
  workDir: string;
  /** Random steps (edits and sync passes) while the 500s are on. */
  steps: number;
  clientTimeoutMs: number;
}

export interface Mixed500Outcome {
  seed: number;
  replay: string;
  findings: Finding[];
  converged: boolean;
  lostEdits: number;
  duplicates: number;
  stats: {
    edits: number;
    passes: number;
    /** Passes whose push left operations for later (SyncResult.retrying > 0). */
    passesRetrying: number;
    /** Rows of other installations that arrived in a pass that left operations for later. */
    arrivedWhileRetrying: number;
    /** Writes the proxy answered with 500 (the server never saw them). */
    failedWrites: number;
    /** Writes that went through while 500s were on. */
    goodWrites: number;
    /** Records whose writes failed repeatedly. */
    repeatedlyFailing: number;
    /** Refused changes listed after the attempt limit, then retried by the person. */
    refusalsRetried: number;
    settlingRounds: number;
  };
}

const CLIENT_NAMES = ['A', 'B', 'C'] as const;
const MAX_SETTLING_ROUNDS = 10;

interface Intent {
  owner: string;
  deleted: boolean;
  fields: Record<TodoField, unknown>;
}

function differs(local: TodoItem, server: ServerTodo): string | null {
  for (const field of TODO_FIELDS) {
    if ((local[field] ?? null) !== (server[field] ?? null)) {
      return `${field}: local ${JSON.stringify(local[field] ?? null)} vs server ${JSON.stringify(server[field] ?? null)}`;
    }
  }
  return local.version === server.version
    ? null
    : `version: local ${local.version} vs server ${server.version}`;
}

export async function runMixed500(options: Mixed500Options): Promise<Mixed500Outcome> {
  const { seed } = options;
  const replay = `mixed-500 seed ${seed}`;
  const random = createRandom(seed).fork('mixed-500');
  const faults = random.fork('faults');
  const prefix = `m${seed}-`;
  const findings: Finding[] = [];
  const note = (category: Finding['category'], detail: string): void => {
    findings.push({ suite: 'mixed-500', replay, category, detail });
  };
  const dir = path.join(options.workDir, `mixed-500-${seed}`);
  fs.mkdirSync(dir, { recursive: true });
  const stats: Mixed500Outcome['stats'] = {
    edits: 0,
    passes: 0,
    passesRetrying: 0,
    arrivedWhileRetrying: 0,
    failedWrites: 0,
    goodWrites: 0,
    repeatedlyFailing: 0,
    refusalsRetried: 0,
    settlingRounds: 0,
  };
  /** Record id → how many of its next writes get a 500. */
  const failing = new Map<string, number>();
  let faultsOn = true;

  const proxy = await startFaultProxy({
    target: options.serverUrl,
    seed: random.int(0, 2 ** 31 - 1),
    faultRate: 0,
    kinds: ['http-500'],
    clientTimeoutMs: options.clientTimeoutMs,
    maxLifetimeMs: 10 * 60_000,
    keepLog: false,
    hooks: {
      faultFor(request) {
        if (request.method === 'GET' || request.recordId === null || !request.recordId.startsWith(prefix)) {
          return undefined;
        }
        const left = failing.get(request.recordId) ?? 0;
        if (faultsOn && (left > 0 || faults.chance(0.1))) {
          if (left > 0) failing.set(request.recordId, left - 1);
          stats.failedWrites++;
          return 'http-500';
        }
        if (faultsOn) stats.goodWrites++;
        return null;
      },
    },
  });

  const clients: SyncClient[] = [];
  const intents = new Map<string, Intent>();
  let converged = false;
  let lostEdits = 0;
  let duplicates = 0;
  let token = 0;

  try {
    for (const name of CLIENT_NAMES) {
      clients.push(
        await openSyncClient({
          name,
          dbPath: path.join(dir, `${name}.sqlite`),
          backendUrl: proxy.url,
          policy: 'ask',
          idPrefix: prefix,
          timeoutMs: options.clientTimeoutMs,
        }),
      );
    }

    const mayFailRepeatedly = (id: string): void => {
      if (failing.has(id) || !random.chance(0.3)) return;
      failing.set(id, random.int(1, 7));
      stats.repeatedlyFailing++;
    };

    async function edit(client: SyncClient): Promise<void> {
      const own = [...intents.entries()].filter(([, i]) => i.owner === client.name && !i.deleted);
      const kind =
        own.length === 0
          ? 'add'
          : random.weighted({ add: own.length < 4 ? 3 : 1, text: 3, complete: 2, notes: 2, delete: 0.7 });
      try {
        if (kind === 'add') {
          const id = `${prefix}${random.uuid()}`;
          const item = { id, text: `${client.name} text ${++token}`, complete: false, notes: null };
          await client.table.insert(item);
          intents.set(id, { owner: client.name, deleted: false, fields: { ...item } });
          mayFailRepeatedly(id);
        } else {
          const [id, intent] = random.pick(own);
          if (kind === 'delete') {
            await client.table.del(id);
            intent.deleted = true;
          } else {
            const value =
              kind === 'text'
                ? `${client.name} text ${++token}`
                : kind === 'complete'
                  ? !intent.fields.complete
                  : `${client.name} notes ${++token}`;
            await client.table.update({ id, [kind]: value });
            intent.fields[kind] = value;
          }
          mayFailRepeatedly(id);
        }
        stats.edits++;
      } catch (error) {
        note('unexpected-error', `${client.name} ${kind} failed: ${outcomeOf(error).errorMessage}`);
      }
    }

    const snapshot = async (): Promise<Map<string, ServerTodo>> =>
      new Map((await listSliceRows(options.serverUrl, prefix)).map((row) => [row.id, row]));
    // The pass pulls the whole table: rows of other runs on the same server are left out.
    const localOf = (client: SyncClient): Map<string, TodoItem> =>
      new Map(
        client
          .localTodos()
          .filter((row) => row.id.startsWith(prefix))
          .map((row) => [row.id, row]),
      );

    /** The app's sync pass, checked: whatever the push left for later, the rest arrived. */
    async function pass(client: SyncClient): Promise<void> {
      stats.passes++;
      const before = await snapshot();
      const localBefore = localOf(client);
      const result = await runSyncPass(client.context, { tables: [todoTable], pull: true });
      const after = await snapshot();
      if (!result.ok) {
        note(
          'unexpected-error',
          `${client.name}'s sync pass failed: ${result.error?.code} ${result.error?.message}`,
        );
        return;
      }
      if (result.retrying > 0) stats.passesRetrying++;
      const waiting = new Set([
        ...client.store.operations.list().map((op) => op.recordId),
        ...client.issues().map((issue) => issue.recordId),
      ]);
      const local = localOf(client);
      const stale: string[] = [];
      for (const id of new Set([...before.keys(), ...after.keys()])) {
        const then = before.get(id);
        const now = after.get(id);
        if (waiting.has(id) || then?.version !== now?.version || !now) continue;
        const mine = local.get(id);
        if (now.deleted) {
          if (mine) stale.push(`${id} is deleted on the server but still here`);
          continue;
        }
        const difference = mine ? differs(mine, now) : 'missing here';
        if (difference) stale.push(`${id} ${difference}`);
        else if (result.retrying > 0) {
          const had = localBefore.get(id);
          if (!had || differs(had, now)) stats.arrivedWhileRetrying++;
        }
      }
      if (stale.length > 0) {
        note(
          'diverged',
          `after a pass of ${client.name} (retrying ${result.retrying}), rows that did not change during it are not the server's: ${stale.slice(0, 5).join('; ')}`,
        );
      }
    }

    for (let step = 0; step < options.steps; step++) {
      const client = random.pick(clients);
      if (random.weighted({ edit: 3, pass: 2 }) === 'edit') {
        for (let i = random.int(1, 3); i > 0; i--) await edit(client);
      } else {
        await pass(client);
      }
    }

    // The 500s stop; the person retries what was refused, until nothing is pending anywhere.
    faultsOn = false;
    for (let round = 0; round < MAX_SETTLING_ROUNDS && !converged; round++) {
      stats.settlingRounds++;
      for (const client of clients) {
        for (const issue of client.issues()) {
          if (issue.kind === 'conflict') {
            note(
              'unexpected-error',
              `${client.name} got a conflict on its own record ${issue.recordId}: ${issue.message}`,
            );
            await client.context.resolveConflict(issue.id, 'mine');
          } else {
            await client.context.retryIssue(issue.id);
            stats.refusalsRetried++;
          }
        }
        await pass(client);
      }
      converged = clients.every((c) => c.pendingOperations() === 0 && c.issues().length === 0);
    }
    if (!converged) {
      const left = clients.map(
        (c) => `${c.name}: ${c.pendingOperations()} pending, ${c.issues().length} issues`,
      );
      note('stuck', `not settled after ${MAX_SETTLING_ROUNDS} rounds without 500s (${left.join('; ')})`);
    }
    for (const client of clients) await pass(client);

    // ------------------------------------------------------------ judging
    const server = await snapshot();
    for (const id of server.keys()) {
      if (!intents.has(id)) {
        duplicates++;
        note('duplicate', `the server holds ${id}, which nobody created`);
      }
    }
    for (const [id, intent] of intents) {
      const row = server.get(id);
      const lost = (what: string): void => {
        lostEdits++;
        note(
          'lost-edit',
          `${intent.owner}'s ${what} of ${id} did not land (server: ${JSON.stringify(row ?? null)})`,
        );
      };
      // A todo deleted here before it was ever sent rightly never reaches the server.
      if (!row) {
        if (!intent.deleted) lost('new todo');
      } else if (intent.deleted) {
        if (!row.deleted) lost('deletion');
      } else if (row.deleted) lost('todo (deleted on the server)');
      else {
        for (const field of TODO_FIELDS) {
          if ((row[field] ?? null) !== (intent.fields[field] ?? null))
            lost(`${field} = ${JSON.stringify(intent.fields[field])}`);
        }
      }
    }
    const live = [...server.values()].filter((row) => !row.deleted);
    for (const client of clients) {
      const local = localOf(client);
      const differences: string[] = [];
      for (const row of live) {
        const mine = local.get(row.id);
        const difference = mine ? differs(mine, row) : 'missing here';
        if (difference) differences.push(`${row.id} ${difference}`);
      }
      for (const id of local.keys()) {
        if (!live.some((row) => row.id === id)) differences.push(`${id} is local only`);
      }
      if (differences.length > 0) {
        converged = false;
        note(
          'diverged',
          `${client.name} differs from the server at the end: ${differences.slice(0, 5).join('; ')}`,
        );
      }
    }
  } finally {
    for (const client of clients) client.close();
    await proxy.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { seed, replay, findings, converged, lostEdits, duplicates, stats };
}
