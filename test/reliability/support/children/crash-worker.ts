/**
 * The app's main-process data path (store + sync engine) in a process of its own, so the
 * crash suite can SIGKILL it anywhere. It runs a seeded script of local edits, pushes and
 * pulls, and tells the parent about each edit before starting it (intent) and once it is
 * committed (ack), synchronously on stdout, before doing anything else: what the parent saw
 * acknowledged is what a person saw on screen.
 *
 *   node --import tsx crash-worker.ts '<json CrashWorkerArgs>'
 *
 * mode "work" runs the script; mode "finish" settles what is left on a fault-free path (as
 * a person would: keep mine for conflicts, retry refused changes) and reports the local todos.
 */
import { writeSync } from 'node:fs';
import {
  MESSAGE_PREFIX,
  type CrashWorkerArgs,
  type EditKind,
  type PlannedEdit,
  type WorkerMessage,
} from '../crash-protocol';
import { BACKEND_KEY_ENV } from '../../../../common/local-backend';
import { createRandom } from '../random';
import { openSyncClient, type SyncClient } from '../sync-client';

function send(message: WorkerMessage): void {
  // writeSync: the line is in the pipe before the next statement runs, so a kill right
  // after an ack cannot lose the ack.
  writeSync(1, `${MESSAGE_PREFIX}${JSON.stringify(message)}\n`);
}

async function runScript(client: SyncClient, args: CrashWorkerArgs): Promise<void> {
  const random = createRandom(args.scriptSeed);
  let counter = 0;
  let token = 0;
  const label = (): string => `k${args.segment}.${++token}`;

  async function burst(): Promise<void> {
    const count = random.int(3, 12);
    for (let i = 0; i < count; i++) {
      const rows = client.localTodos();
      const kind: EditKind =
        rows.length === 0 ? 'add' : random.weighted({ add: 3, text: 3, complete: 2, notes: 2, delete: 1 });
      const key = `${args.segment}-${++counter}`;
      let edit: PlannedEdit;
      if (kind === 'add') {
        const id = `${args.idPrefix}${random.uuid()}`;
        edit = {
          key,
          kind,
          id,
          fields: {
            text: `add ${label()}`,
            complete: random.chance(0.3),
            notes: random.chance(0.5) ? null : `note ${label()}`,
          },
        };
      } else {
        const target = random.pick(rows);
        const fields: PlannedEdit['fields'] =
          kind === 'text'
            ? { text: `edit ${label()}` }
            : kind === 'complete'
              ? { complete: !target.complete }
              : kind === 'notes'
                ? { notes: random.chance(0.2) ? null : `note ${label()} ${'🙂'.repeat(random.int(0, 3))}` }
                : {};
        edit = { key, kind, id: target.id, fields };
      }
      send({ t: 'intent', edit });
      if (edit.kind === 'add') await client.table.insert({ id: edit.id, ...edit.fields });
      else if (edit.kind === 'delete') await client.table.del(edit.id);
      else await client.table.update({ id: edit.id, ...edit.fields });
      send({ t: 'ack', key });
    }
  }

  for (let step = 0; step < args.steps; step++) {
    const phase = step === 0 ? 'write' : random.weighted({ write: 3, push: 2, pull: 1.5, sync: 2 });
    send({ t: 'begin', phase, step });
    if (phase === 'write') {
      await burst();
      send({ t: 'end', phase, ok: true, error: null });
      continue;
    }
    const outcome = await client[phase]();
    send({
      t: 'end',
      phase,
      ok: outcome.ok,
      error: outcome.ok ? null : `${outcome.errorCode}: ${outcome.errorMessage}`,
    });
  }
}

async function finish(client: SyncClient): Promise<void> {
  for (let round = 0; round < 12; round++) {
    for (const issue of client.issues()) {
      send({
        t: 'shown',
        kind: issue.kind,
        recordId: issue.recordId,
        action: issue.action,
        message: issue.message,
      });
      if (issue.kind === 'conflict') await client.context.resolveConflict(issue.id, 'mine');
      else await client.context.retryIssue(issue.id);
    }
    const outcome = await client.sync();
    send({
      t: 'end',
      phase: 'sync',
      ok: outcome.ok,
      error: outcome.ok ? null : `${outcome.errorCode}: ${outcome.errorMessage}`,
    });
    if (outcome.ok && client.pendingOperations() === 0 && client.issues().length === 0) break;
  }
  const pulled = await client.pull();
  send({ t: 'end', phase: 'pull', ok: pulled.ok, error: pulled.errorMessage });
  send({
    t: 'final',
    todos: client
      .localTodos()
      .map(({ id, text, complete, notes, version }) => ({ id, text, complete, notes, version })),
    pending: client.pendingOperations(),
    issues: client.issues().length,
  });
}

async function main(): Promise<void> {
  const raw = process.argv[2];
  if (!raw) throw new Error('crash-worker needs its arguments as JSON');
  const args = JSON.parse(raw) as CrashWorkerArgs;
  const client = await openSyncClient({
    name: `worker-${args.segment}`,
    dbPath: args.dbPath,
    backendUrl: args.backendUrl,
    backendKey: process.env[BACKEND_KEY_ENV] ?? null,
    policy: args.policy,
    idPrefix: args.idPrefix,
    timeoutMs: args.timeoutMs,
    pullPageSize: 3,
  });
  send({
    t: 'ready',
    pending: client.pendingOperations(),
    issues: client.issues().length,
    ids: client.localTodos().map((row) => row.id),
  });
  if (args.mode === 'work') await runScript(client, args);
  else await finish(client);
  client.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    send({
      t: 'fatal',
      error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error),
    });
    process.exit(1);
  },
);
