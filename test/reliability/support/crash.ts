/**
 * Crash recovery: the store + sync engine run in a child process (children/crash-worker.ts)
 * that is killed with SIGKILL at seeded points, restarted on the same database file, killed
 * again, and finally allowed to settle on a fault-free path. Kill points:
 *
 * - write: in the middle of a burst of local edits (on the k-th edit's intent);
 * - push-before-send: a write request reached the proxy; it is dropped as the process dies;
 * - push-after-apply: the server applied a write; the process dies before the reply arrives;
 * - push-after-reply: the reply was delivered; the process dies while committing it;
 * - pull-after-page: a page of a pull was delivered; the process dies while applying it.
 *
 * Judged at the end against the real server:
 * - every acknowledged edit is there: for each record and field, the server holds the value
 *   of the last acknowledged edit, or of an edit that was in flight when the process died
 *   (it may or may not have committed); an acknowledged deletion is a deleted or absent row,
 *   and an acknowledged new todo exists unless a later deletion was asked;
 * - exactly once, no duplicates: every server row has an id the worker created, and no two
 *   rows come from the same new todo;
 * - the local store equals the server, with nothing left pending.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ConflictPolicy } from '../../../common/sync-types';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { tick } from './clock';
import { FAULT_KINDS, startFaultProxy, type ExchangeRecord, type FaultKind } from './fault-proxy';
import type { Finding } from './findings';
import { createRandom, type Random } from './random';
import { BACKEND_KEY_ENV, backendKeyFor } from '../../support/backend';
import { ServerClient, type ServerTodo } from '../../support/server';
import { MESSAGE_PREFIX, type CrashWorkerArgs, type PlannedEdit, type WorkerMessage } from './crash-protocol';

export const KILL_POINTS = [
  'write',
  'push-before-send',
  'push-after-apply',
  'push-after-reply',
  'pull-after-page',
] as const;
export type KillPoint = (typeof KILL_POINTS)[number];

export interface CrashOptions {
  seed: number;
  serverUrl: string;
  workDir: string;
  /** SIGKILLs to deliver before the final settling run. */
  kills: number;
  faultRate: number;
  clientTimeoutMs: number;
  /** Script steps per run of the worker. */
  steps: number;
  policy: ConflictPolicy;
}

export interface CrashOutcome {
  seed: number;
  policy: ConflictPolicy;
  replay: string;
  kills: number;
  killsByPoint: Record<KillPoint, number>;
  findings: Finding[];
  lostEdits: number;
  duplicates: number;
  processCrashes: number;
  faults: Record<FaultKind, number>;
  faultsInjected: number;
  acknowledgedEdits: number;
  /** Conflicts or refusals a single installation showed its person after crashes alone. */
  issuesShown: string[];
  requests: number;
  /** Each run of the worker: where it was to be killed, and what happened. */
  runs: string[];
  /** For each record a finding names: the worker's messages and the requests about it, in order. */
  timelines: Record<string, string[]>;
  /** What the worker printed besides its messages (errors), for the report. */
  stderr: string;
}

const WORKER = path.join(__dirname, 'children', 'crash-worker.ts');
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const WRITE_METHODS = new Set(['POST', 'PATCH', 'DELETE']);

interface WorkerRun {
  child: ChildProcess;
  messages: AsyncIterable<WorkerMessage>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
  killedByUs: boolean;
  /** The worker hung and the watchdog killed it. */
  hung: boolean;
  kill(): Promise<void>;
}

function startWorker(args: CrashWorkerArgs): WorkerRun {
  // The key goes in the environment: a command line is visible to every local user.
  const key = backendKeyFor(args.backendUrl);
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(args)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(key === null ? {} : { [BACKEND_KEY_ENV]: key }) },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  async function* parse(): AsyncIterable<WorkerMessage> {
    for await (const line of lines) {
      if (line.startsWith(MESSAGE_PREFIX))
        yield JSON.parse(line.slice(MESSAGE_PREFIX.length)) as WorkerMessage;
    }
  }
  const run: WorkerRun = {
    child,
    messages: parse(),
    exited,
    stderr: () => stderr,
    killedByUs: false,
    hung: false,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        run.killedByUs = true;
        child.kill('SIGKILL');
      }
      await exited;
    },
  };
  // A worker that hangs is killed too; it then counts as stuck, not as a crash point.
  const watchdog = setTimeout(() => {
    run.hung = true;
    child.kill('SIGKILL');
  }, 120_000);
  void exited.then(() => clearTimeout(watchdog));
  return run;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface TrackedEdit extends PlannedEdit {
  acked: boolean;
}

type Field = 'text' | 'complete' | 'notes';
const FIELDS: readonly Field[] = ['text', 'complete', 'notes'];

export async function runCrashSeed(options: CrashOptions): Promise<CrashOutcome> {
  const { seed } = options;
  const replay = `crash seed ${seed} policy ${options.policy}`;
  const random = createRandom(seed);
  const prefix = `k${seed}-`;
  const dir = path.join(options.workDir, `crash-${seed}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const dbPath = path.join(dir, 'worker.sqlite');
  const findings: Finding[] = [];
  const note = (category: Finding['category'], detail: string): void => {
    findings.push({ suite: 'crash', replay, category, detail });
  };
  const killsByPoint = Object.fromEntries(KILL_POINTS.map((p) => [p, 0])) as Record<KillPoint, number>;
  const edits: TrackedEdit[] = [];
  const byKey = new Map<string, TrackedEdit>();
  const runs: string[] = [];
  const events: { tick: number; text: string; recordId: string | null }[] = [];
  const timelines: Record<string, string[]> = {};
  let kills = 0;
  let processCrashes = 0;
  const issuesShown: string[] = [];
  let stderr = '';
  let lostEdits = 0;
  let duplicates = 0;

  const proxy = await startFaultProxy({
    target: options.serverUrl,
    seed: random.int(0, 2 ** 31 - 1),
    faultRate: options.faultRate,
    clientTimeoutMs: options.clientTimeoutMs,
    maxLifetimeMs: 20 * 60_000,
  });

  const baseArgs = {
    dbPath,
    backendUrl: proxy.url,
    idPrefix: prefix,
    timeoutMs: options.clientTimeoutMs,
    steps: options.steps,
    policy: options.policy,
  };

  async function follow(
    run: WorkerRun,
    onMessage: (message: WorkerMessage) => Promise<void> | void,
  ): Promise<void> {
    for await (const message of run.messages) {
      const recordId =
        message.t === 'intent' ? message.edit.id : message.t === 'shown' ? message.recordId : null;
      const ackedId = message.t === 'ack' ? (byKey.get(message.key)?.id ?? null) : null;
      events.push({ tick: tick(), text: JSON.stringify(message), recordId: recordId ?? ackedId });
      if (message.t === 'intent') {
        const tracked: TrackedEdit = { ...message.edit, acked: false };
        edits.push(tracked);
        byKey.set(tracked.key, tracked);
      } else if (message.t === 'ack') {
        const tracked = byKey.get(message.key);
        if (tracked) tracked.acked = true;
      } else if (message.t === 'fatal') {
        note('process-crash', `the worker failed on its own: ${message.error.slice(0, 1500)}`);
      } else if (message.t === 'shown') {
        issuesShown.push(`${message.kind} on ${message.action} of ${message.recordId}: ${message.message}`);
      }
      await onMessage(message);
    }
  }

  function armKill(point: KillPoint, nth: number, run: () => WorkerRun, chooser: Random): void {
    let seen = 0;
    const matches = (exchange: ExchangeRecord, write: boolean): boolean =>
      (write ? WRITE_METHODS.has(exchange.method) : exchange.method === 'GET') && ++seen === nth;
    switch (point) {
      case 'push-before-send':
        proxy.setHooks({
          async beforeForward(exchange) {
            const worker = run();
            if (!worker || !matches(exchange, true)) return true;
            await worker.kill();
            return false;
          },
        });
        return;
      case 'push-after-apply':
        proxy.setHooks({
          async afterServerReply(exchange) {
            const worker = run();
            if (worker && matches(exchange, true)) await worker.kill();
          },
        });
        return;
      case 'push-after-reply':
      case 'pull-after-page': {
        const write = point === 'push-after-reply';
        proxy.setHooks({
          async afterDelivery(exchange) {
            const worker = run();
            if (!worker || !exchange.delivered || !matches(exchange, write)) return;
            await delay(chooser.int(0, 4));
            await worker.kill();
          },
        });
        return;
      }
      case 'write':
        proxy.setHooks(undefined);
        return;
    }
  }

  try {
    for (let segment = 1; kills < options.kills && segment <= options.kills * 3; segment++) {
      const point = random.pick(KILL_POINTS);
      const nth = random.int(1, point === 'write' ? 10 : 3);
      const chooser = random.fork(`segment-${segment}`);
      const worker = startWorker({
        ...baseArgs,
        mode: 'work',
        scriptSeed: random.int(0, 2 ** 31 - 1),
        segment,
      });
      armKill(point, nth, () => worker, chooser);
      let intents = 0;
      await follow(worker, async (message) => {
        if (point === 'write' && message.t === 'intent' && ++intents === nth) await worker.kill();
      });
      const { code, signal } = await worker.exited;
      proxy.setHooks(undefined);
      stderr += worker.stderr();
      events.push({
        tick: tick(),
        text: `--- run ${segment} ended (${worker.killedByUs ? `SIGKILL at ${point}` : code})`,
        recordId: null,
      });
      runs.push(
        `run ${segment}: kill at ${point} #${nth} → ${worker.killedByUs ? 'killed' : `exited ${signal ?? code}`} after edit ${
          edits[edits.length - 1]?.key ?? '-'
        }`,
      );
      if (worker.killedByUs && signal === 'SIGKILL') {
        kills++;
        killsByPoint[point]++;
      } else if (worker.hung) {
        note('stuck', `run ${segment} hung for two minutes and was stopped`);
      } else if (code !== 0) {
        processCrashes++;
        note(
          'process-crash',
          `run ${segment} exited with ${signal ?? code}: ${worker.stderr().slice(0, 1500)}`,
        );
      }
    }
    if (kills < options.kills) note('stuck', `only ${kills} of ${options.kills} kill points were reached`);

    // The end: no faults, no kills; the worker settles everything and reports its todos.
    proxy.setFaultRate(0);
    proxy.setHooks(undefined);
    const finisher = startWorker({ ...baseArgs, mode: 'finish', scriptSeed: 0, segment: 0 });
    let final: Extract<WorkerMessage, { t: 'final' }> | undefined;
    await follow(finisher, (message) => {
      if (message.t === 'final') final = message;
    });
    const { code } = await finisher.exited;
    stderr += finisher.stderr();
    if (finisher.hung) {
      note('stuck', 'the settling run hung for two minutes and was stopped');
    } else if (code !== 0) {
      processCrashes++;
      note('process-crash', `the settling run exited with ${code}: ${finisher.stderr().slice(0, 1500)}`);
    }

    // ---------------------------------------------------------------- judging
    const serverRows = (await new ServerClient(options.serverUrl).all()).filter((row) =>
      row.id.startsWith(prefix),
    );
    const serverById = new Map(serverRows.map((row) => [row.id, row]));
    const createdIds = new Set(edits.filter((e) => e.kind === 'add').map((e) => e.id));
    const editsById = new Map<string, TrackedEdit[]>();
    for (const edit of edits) {
      const list = editsById.get(edit.id) ?? [];
      list.push(edit);
      editsById.set(edit.id, list);
    }

    for (const row of serverRows) {
      if (!createdIds.has(row.id)) {
        duplicates++;
        note('duplicate', `the server holds ${row.id}, which the worker never created`);
      }
    }
    const rowsPerAddText = new Map<string, number>();
    for (const row of serverRows) {
      if (row.text.startsWith('add ')) rowsPerAddText.set(row.text, (rowsPerAddText.get(row.text) ?? 0) + 1);
    }
    for (const [text, count] of rowsPerAddText) {
      if (count > 1) {
        duplicates += count - 1;
        note('duplicate', `${count} server rows carry the new todo "${text}"`);
      }
    }

    for (const [id, list] of editsById) {
      const server: ServerTodo | undefined = serverById.get(id);
      const lost = (what: string): void => {
        lostEdits++;
        note(
          'lost-edit',
          `${id}: ${what}; server: ${JSON.stringify(server ?? null)}; edits: ${JSON.stringify(list)}`,
        );
      };
      const ackedDelete = list.some((e) => e.kind === 'delete' && e.acked);
      const anyDelete = list.some((e) => e.kind === 'delete');
      const live = server !== undefined && !server.deleted;
      if (ackedDelete) {
        if (live) lost('an acknowledged deletion did not happen');
        continue;
      }
      if (!live) {
        const ackedAdd = list.some((e) => e.kind === 'add' && e.acked);
        if (ackedAdd && !anyDelete)
          lost(server ? 'the todo was deleted without being asked' : 'an acknowledged new todo is missing');
        continue;
      }
      for (const field of FIELDS) {
        const touching = list.filter((e) => e.fields[field] !== undefined);
        let lastAcked = -1;
        touching.forEach((e, index) => {
          if (e.acked) lastAcked = index;
        });
        const allowed = touching.slice(Math.max(lastAcked, 0)).map((e) => e.fields[field] ?? null);
        const actual = server[field] ?? null;
        if (!allowed.some((value) => value === actual)) {
          lost(`${field} is ${JSON.stringify(actual)}, expected one of ${JSON.stringify(allowed)}`);
        }
      }
    }

    if (!final) {
      note('stuck', 'the settling run never reported its local todos');
    } else {
      if (final.pending > 0 || final.issues > 0) {
        note('stuck', `after settling: ${final.pending} pending operations, ${final.issues} issues`);
      }
      const live = serverRows.filter((row) => !row.deleted);
      const localById = new Map(final.todos.map((todo) => [todo.id, todo]));
      const differences: string[] = [];
      for (const row of live) {
        const local = localById.get(row.id);
        if (!local) differences.push(`${row.id} missing locally`);
        else if (
          local.text !== row.text ||
          local.complete !== row.complete ||
          (local.notes ?? null) !== (row.notes ?? null) ||
          local.version !== row.version
        ) {
          differences.push(`${row.id} local ${JSON.stringify(local)} vs server ${JSON.stringify(row)}`);
        }
      }
      for (const todo of final.todos)
        if (!serverById.get(todo.id) || serverById.get(todo.id)?.deleted)
          differences.push(`${todo.id} is local only`);
      if (differences.length > 0)
        note('diverged', `local store differs from the server: ${differences.slice(0, 5).join('; ')}`);
    }
    for (const finding of findings) {
      for (const recordId of finding.detail.match(new RegExp(`${prefix}[0-9a-f-]{36}`, 'g')) ?? []) {
        if (timelines[recordId]) continue;
        const lines = events
          .filter((e) => e.recordId === recordId || (e.recordId === null && e.text.startsWith('---')))
          .map((e) => ({ tick: e.tick, text: e.text }));
        for (const x of proxy.log) {
          if (x.recordId !== recordId) continue;
          lines.push({
            tick: x.at,
            text: `  ${x.method} ${JSON.stringify(x.requestBody)} -> ${x.serverStatus}${x.fault ? ` [${x.fault}]` : ''} ${JSON.stringify(
              x.serverBody,
            )}`,
          });
        }
        timelines[recordId] = lines.sort((a, b) => a.tick - b.tick).map((l) => `@${l.tick} ${l.text}`);
      }
    }
  } finally {
    await proxy.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const faults = { ...proxy.counts };
  return {
    seed,
    policy: options.policy,
    replay,
    kills,
    killsByPoint,
    findings,
    lostEdits,
    duplicates,
    processCrashes,
    faults,
    faultsInjected: FAULT_KINDS.reduce((sum, kind) => sum + faults[kind], 0),
    acknowledgedEdits: edits.filter((e) => e.acked).length,
    issuesShown,
    requests: proxy.requestCount(),
    runs,
    timelines,
    stderr,
  };
}
