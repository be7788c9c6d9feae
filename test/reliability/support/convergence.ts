/**
 * Convergence: three installations edit the same records offline (add, edit text and notes,
 * complete, delete) and sync in a seeded random interleaving through the fault proxy, under
 * one conflict policy. Then the faults stop and each "person" settles what is listed for
 * them (keep mine, take the server's, or choose per field; retry refused changes) until
 * nothing is pending. Judged at the end:
 *
 * - converged: every installation's local todos equal the server's live rows (fields and version);
 * - no duplicates: every row on the server (deleted ones too) has an id some installation created;
 * - no edit vanished silently: each installation's final intention per record and field (the
 *   value of its last edit of that field; its deletion; its creation) is accounted for by
 *   ground truth from the proxy log:
 *     a. the server applied a write from that installation carrying the value, after the edit; or
 *     b. the server held that value (or the deletion) at some point after the edit; or
 *     c. a sync issue about that record was listed to that installation after the edit
 *        (the person saw it and decided); or
 *     d. policy server-wins, and the server answered that installation's write with a real
 *        conflict: the server's copy had been written by another installation.
 *   A conflict with one's own earlier write (a reply lost in transit) does not count for d.
 * - listed: under policy "ask", every real conflict answer is followed by an issue listed for
 *   the person (or the server already held exactly what was sent).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConflictPolicy } from '../../../common/sync-types';
import { todoTable, type TodoItem } from '../../../common/todo-table';
import type { ConflictChoice, SyncIssueDetails } from '../../../main/sync';
import { tick } from './clock';
import { ExchangeEvidence, TODO_FIELDS, type TodoField } from './exchange-evidence';
import { FAULT_KINDS, startFaultProxy, type FaultKind } from './fault-proxy';
import type { Finding } from './findings';
import { createRandom, type Random } from './random';
import type { ServerTodo } from '../../support/server';
import { listSliceRows } from './server-rows';
import { openSyncClient, outcomeOf, type StepOutcome, type SyncClient } from './sync-client';

export interface ConvergenceOptions {
  seed: number;
  policy: ConflictPolicy;
  /** The real server (each run keeps to its own id prefix on it). */
  serverUrl: string;
  workDir: string;
  /** Random steps before the fault-free settling rounds. */
  steps: number;
  faultRate: number;
  clientTimeoutMs: number;
  /**
   * The server's maxTop, when it was started lower than the protocol's 1,000: the judge reads
   * its rows in pages that size. The installations are not told; they learn it from the 400.
   */
  serverMaxTop?: number;
  /** Todos A creates for everyone at the start (default 4); more make the first pulls page. */
  initialTodos?: number;
}

export interface ConvergenceOutcome {
  seed: number;
  policy: ConflictPolicy;
  replay: string;
  converged: boolean;
  findings: Finding[];
  lostEdits: number;
  duplicates: number;
  faults: Record<FaultKind, number>;
  faultsInjected: number;
  /** For each record a finding names: every edit, request and sighting about it, in order. */
  timelines: Record<string, string[]>;
  stats: {
    edits: number;
    syncSteps: number;
    failedSyncSteps: number;
    issuesListed: number;
    resolutions: number;
    settlingRounds: number;
    /** Conflicts an installation had with its own earlier write (a lost reply). */
    selfConflicts: number;
    realConflicts: number;
    /** Pull pages the server refused for asking more rows than its maxTop allows. */
    pageLimitRefusals: number;
    /** The most rows one pull reply carried. */
    largestPage: number;
  };
}

const CLIENT_NAMES = ['A', 'B', 'C'] as const;
const MAX_SETTLING_ROUNDS = 15;

interface FieldIntent {
  value: unknown;
  tick: number;
  /**
   * The value equals the record's base (what this installation last had from the server
   * before its pending edits): a change undone, which a three-way merge rightly ignores.
   */
  revert: boolean;
}

interface RecordIntent {
  created: number | null;
  deleted: number | null;
  fields: Partial<Record<TodoField, FieldIntent>>;
}

/** One look at the issue list: what the person was shown, and when. */
interface IssueSighting {
  client: string;
  issueId: number;
  recordId: string;
  kind: 'conflict' | 'rejected';
  action: 'insert' | 'update' | 'delete';
  /** The local record as the issue shows it to the person. */
  shown: Record<string, unknown> | null;
  tick: number;
}

function sameTodo(local: TodoItem, server: ServerTodo): string | null {
  for (const field of TODO_FIELDS) {
    const mine = local[field] ?? null;
    const theirs = server[field] ?? null;
    if (mine !== theirs) return `${field}: local ${JSON.stringify(mine)} vs server ${JSON.stringify(theirs)}`;
  }
  if (local.version !== server.version) return `version: local ${local.version} vs server ${server.version}`;
  return null;
}

export async function runConvergence(options: ConvergenceOptions): Promise<ConvergenceOutcome> {
  const { seed, policy } = options;
  const replay = `convergence seed ${seed} policy ${policy}`;
  const random = createRandom(seed).fork(policy);
  const prefix = `c${seed}-${policy}-`;
  const findings: Finding[] = [];
  const note = (category: Finding['category'], detail: string): void => {
    findings.push({ suite: 'convergence', replay, category, detail });
  };
  const dir = path.join(options.workDir, `convergence-${seed}-${policy}`);
  fs.mkdirSync(dir, { recursive: true });

  const proxy = await startFaultProxy({
    target: options.serverUrl,
    seed: random.int(0, 2 ** 31 - 1),
    faultRate: options.faultRate,
    clientTimeoutMs: options.clientTimeoutMs,
    maxLifetimeMs: 10 * 60_000,
  });
  const clients: SyncClient[] = [];
  const intents = new Map<string, Map<string, RecordIntent>>();
  const sightings: IssueSighting[] = [];
  const issuesSeen = new Set<string>();
  const createdIds = new Set<string>();
  const stats: ConvergenceOutcome['stats'] = {
    edits: 0,
    syncSteps: 0,
    failedSyncSteps: 0,
    issuesListed: 0,
    resolutions: 0,
    settlingRounds: 0,
    selfConflicts: 0,
    realConflicts: 0,
    pageLimitRefusals: 0,
    largestPage: 0,
  };
  const events: { tick: number; recordId: string | null; text: string }[] = [];
  const log = (recordId: string | null, text: string): void => {
    events.push({ tick: tick(), recordId, text });
  };
  const timelines: Record<string, string[]> = {};
  let converged = false;
  let lostEdits = 0;
  let duplicates = 0;

  try {
    for (const name of CLIENT_NAMES) {
      const client = await openSyncClient({
        name,
        dbPath: path.join(dir, `${name}.sqlite`),
        backendUrl: proxy.url,
        policy,
        idPrefix: prefix,
        timeoutMs: options.clientTimeoutMs,
      });
      clients.push(client);
      intents.set(name, new Map());
    }

    const intentOf = (client: SyncClient, id: string): RecordIntent => {
      const perClient = intents.get(client.name) as Map<string, RecordIntent>;
      let intent = perClient.get(id);
      if (!intent) {
        intent = { created: null, deleted: null, fields: {} };
        perClient.set(id, intent);
      }
      return intent;
    };

    let token = 0;
    const newText = (client: SyncClient): string => `${client.name}${seed} text ${++token}`;
    const newNotes = (client: SyncClient): string | null =>
      random.chance(0.2)
        ? null
        : `${client.name}${seed} notes ${++token} ${random.chance(0.1) ? '✓ émoji 🚀 עברית' : ''}`;

    async function edit(client: SyncClient): Promise<void> {
      const rows = client.localTodos();
      const kind =
        rows.length === 0
          ? 'add'
          : random.weighted({ add: rows.length < 4 ? 4 : 1.5, text: 3, complete: 3, notes: 2, delete: 1.2 });
      try {
        if (kind === 'add') {
          const id = `${prefix}${random.uuid()}`;
          const item = { id, text: newText(client), complete: random.chance(0.3), notes: newNotes(client) };
          await client.table.insert(item);
          const t = tick();
          createdIds.add(id);
          const intent = intentOf(client, id);
          intent.created = t;
          for (const field of TODO_FIELDS)
            intent.fields[field] = { value: item[field], tick: t, revert: false };
          log(id, `${client.name} adds ${JSON.stringify(item)} @${t}`);
        } else {
          const target = random.pick(rows);
          if (kind === 'delete') {
            await client.table.del(target.id);
            intentOf(client, target.id).deleted = tick();
            log(target.id, `${client.name} deletes`);
          } else {
            const field: TodoField = kind;
            const value =
              field === 'text' ? newText(client) : field === 'complete' ? !target.complete : newNotes(client);
            await client.table.update({ id: target.id, [field]: value });
            const pending = client.store.operations.forRecord(todoTable.name, target.id);
            const base = pending[pending.length - 1]?.base ?? null;
            const revert = base !== null && (base[field] ?? null) === value;
            intentOf(client, target.id).fields[field] = { value, tick: tick(), revert };
            log(target.id, `${client.name} sets ${field} = ${JSON.stringify(value)}`);
          }
        }
        stats.edits++;
      } catch (error) {
        const outcome = outcomeOf(error);
        note(
          'unexpected-error',
          `${client.name} ${kind} failed: ${outcome.errorCode} ${outcome.errorMessage}`,
        );
      }
    }

    function observeIssues(client: SyncClient): SyncIssueDetails[] {
      const issues = client.issues();
      const now = tick();
      for (const issue of issues) {
        sightings.push({
          client: client.name,
          issueId: issue.id,
          recordId: issue.recordId,
          kind: issue.kind,
          action: issue.action,
          shown: issue.clientRecord,
          tick: now,
        });
        const key = `${client.name}:${issue.id}`;
        if (!issuesSeen.has(key)) {
          issuesSeen.add(key);
          stats.issuesListed++;
          log(
            issue.recordId,
            `${client.name} is shown ${issue.kind} #${issue.id} (${issue.action}, ${issue.httpStatus}): ${issue.message} ` +
              `client=${JSON.stringify(issue.clientRecord)} server=${JSON.stringify(issue.serverRecord)}`,
          );
        }
      }
      return issues;
    }

    async function settle(client: SyncClient, issue: SyncIssueDetails, person: Random): Promise<void> {
      try {
        if (issue.kind === 'rejected') {
          await client.context.retryIssue(issue.id);
          log(issue.recordId, `${client.name} retries #${issue.id}`);
        } else {
          const local = await client.table.lookup(issue.recordId);
          const serverLive = issue.serverRecord !== null && !issue.serverRecord.deleted;
          const canPickFields = serverLive && local !== null && issue.action !== 'delete';
          const choice = person.weighted(
            canPickFields ? { mine: 2, server: 2, fields: 1 } : { mine: 2, server: 2, fields: 0 },
          );
          const resolution: ConflictChoice =
            choice === 'fields'
              ? {
                  fieldChoices: Object.fromEntries(
                    TODO_FIELDS.map((field) => [field, person.chance(0.5) ? 'mine' : 'server']),
                  ) as Record<string, 'mine' | 'server'>,
                }
              : choice;
          await client.context.resolveConflict(issue.id, resolution);
          log(issue.recordId, `${client.name} resolves #${issue.id} with ${JSON.stringify(resolution)}`);
        }
        stats.resolutions++;
      } catch (error) {
        const outcome = outcomeOf(error);
        note(
          'unexpected-error',
          `${client.name} could not settle issue ${issue.id} (${issue.kind}): ${outcome.errorMessage}`,
        );
      }
    }

    async function syncStep(client: SyncClient, kind: 'push' | 'pull' | 'sync'): Promise<StepOutcome> {
      stats.syncSteps++;
      log(null, `${client.name} ${kind} starts`);
      const outcome = await client[kind]();
      log(
        null,
        `${client.name} ${kind} ${outcome.ok ? 'ok' : `failed: ${outcome.errorCode} ${outcome.errorMessage}`}`,
      );
      if (!outcome.ok) stats.failedSyncSteps++;
      if (outcome.errorCode === 'unexpected' || outcome.errorCode === 'internal') {
        note('unexpected-error', `${client.name} ${kind} threw: ${outcome.errorMessage}`);
      }
      observeIssues(client);
      return outcome;
    }

    // A shared start: A creates a few todos and everyone pulls them (through the faults).
    const [first] = clients as [SyncClient, ...SyncClient[]];
    for (let i = 0; i < (options.initialTodos ?? 4); i++) {
      const id = `${prefix}${random.uuid()}`;
      const item = { id, text: newText(first), complete: false, notes: null };
      await first.table.insert(item);
      const t = tick();
      createdIds.add(id);
      const intent = intentOf(first, id);
      intent.created = t;
      for (const field of TODO_FIELDS) intent.fields[field] = { value: item[field], tick: t, revert: false };
      log(id, `${first.name} adds ${JSON.stringify(item)}`);
    }
    for (const client of clients) {
      for (let attempt = 0; attempt < 8; attempt++) {
        if ((await syncStep(client, 'sync')).ok) break;
      }
    }

    // The random interleaving.
    for (let step = 0; step < options.steps; step++) {
      const client = random.pick(clients);
      const action = random.weighted({ edit: 5, push: 1.5, pull: 1.5, sync: 2, settle: 0.8 });
      if (action === 'edit') {
        const count = random.int(1, 3);
        for (let i = 0; i < count; i++) await edit(client);
      } else if (action === 'settle') {
        for (const issue of observeIssues(client)) {
          if (random.chance(0.6)) await settle(client, issue, random);
        }
      } else {
        await syncStep(client, action);
      }
    }

    // Faults stop; people settle what is listed until nothing is pending anywhere.
    proxy.setFaultRate(0);
    for (let round = 0; round < MAX_SETTLING_ROUNDS && !converged; round++) {
      stats.settlingRounds++;
      for (const client of random.shuffle(clients)) {
        for (const issue of observeIssues(client)) await settle(client, issue, random);
        await syncStep(client, 'sync');
      }
      const quiet = clients.every((c) => c.pendingOperations() === 0 && c.issues().length === 0);
      if (quiet) {
        for (const client of clients) await syncStep(client, 'pull');
        converged = true;
      }
    }
    if (!converged) {
      const left = clients.map(
        (c) => `${c.name}: ${c.pendingOperations()} pending, ${c.issues().length} issues`,
      );
      note('stuck', `still not settled after ${MAX_SETTLING_ROUNDS} fault-free rounds (${left.join('; ')})`);
    }

    // ------------------------------------------------------------ judging
    const serverRows = await listSliceRows(options.serverUrl, prefix, options.serverMaxTop);
    const serverById = new Map(serverRows.map((row) => [row.id, row]));
    const live = serverRows.filter((row) => !row.deleted);

    for (const client of clients) {
      const local = client.localTodos();
      const localIds = new Set(local.map((row) => row.id));
      const differences: string[] = [];
      for (const row of local) {
        const server = serverById.get(row.id);
        if (!server || server.deleted) differences.push(`${row.id} is local only`);
        else {
          const diff = sameTodo(row, server);
          if (diff) differences.push(`${row.id} ${diff}`);
        }
        if (!createdIds.has(row.id)) {
          duplicates++;
          note('duplicate', `${client.name} holds ${row.id}, which nobody created`);
        }
      }
      for (const row of live) if (!localIds.has(row.id)) differences.push(`${row.id} is missing locally`);
      if (differences.length > 0) {
        converged = false;
        note('diverged', `${client.name} differs from the server: ${differences.slice(0, 5).join('; ')}`);
      }
    }
    for (const row of serverRows) {
      if (!createdIds.has(row.id)) {
        duplicates++;
        note('duplicate', `the server holds ${row.id}, which nobody created`);
      }
    }

    const evidence = new ExchangeEvidence(proxy.log);
    /** The person was shown an issue about the record after `t` (showing `field` = `value`, when given). */
    const listedAfter = (
      client: SyncClient,
      recordId: string,
      t: number,
      shows?: { field: TodoField; value: unknown } | { action: 'delete' },
    ): boolean =>
      sightings.some((s) => {
        if (s.client !== client.name || s.recordId !== recordId || s.tick <= t) return false;
        if (!shows) return true;
        if ('action' in shows) return s.action === 'delete';
        return s.shown !== null && (s.shown[shows.field] ?? null) === shows.value;
      });
    const realConflictAfter = (client: SyncClient, recordId: string, t: number): boolean =>
      evidence.conflictAnswers(client.installationId, recordId, t).some((answer) => answer.real);

    for (const client of clients) {
      for (const [recordId, intent] of intents.get(client.name) ?? []) {
        const server = serverById.get(recordId);
        const lost = (what: string): void => {
          lostEdits++;
          note(
            'lost-edit',
            `${client.name}'s ${what} of ${recordId} vanished (server now: ${JSON.stringify(server ?? null)})`,
          );
        };
        if (intent.deleted !== null) {
          const t = intent.deleted;
          const kept =
            !server ||
            server.deleted ||
            evidence.appliedDelete(client.installationId, recordId, t) ||
            evidence.serverShowedDeletedAfter(recordId, t) ||
            listedAfter(client, recordId, t, { action: 'delete' }) ||
            (policy === 'server-wins' && realConflictAfter(client, recordId, t));
          if (!kept) lost('deletion');
          continue;
        }
        if (intent.created !== null && !server && !listedAfter(client, recordId, intent.created)) {
          lost('new todo');
          continue;
        }
        for (const field of TODO_FIELDS) {
          const wanted = intent.fields[field];
          if (!wanted || wanted.revert) continue;
          const { value, tick: t } = wanted;
          const kept =
            (server !== undefined && !server.deleted && (server[field] ?? null) === value) ||
            evidence.appliedWriteCarrying(client.installationId, recordId, field, value, t) ||
            evidence.serverHeldAfter(recordId, field, value, t) ||
            listedAfter(client, recordId, t, { field, value }) ||
            (policy === 'server-wins' && realConflictAfter(client, recordId, t));
          if (!kept) lost(`${field} = ${JSON.stringify(value)}`);
        }
      }
    }

    for (const client of clients) {
      for (const recordId of new Set(
        proxy.log.filter((e) => e.recordId !== null).map((e) => e.recordId as string),
      )) {
        for (const answer of evidence.conflictAnswers(client.installationId, recordId, 0)) {
          if (answer.real) stats.realConflicts++;
          else stats.selfConflicts++;
          if (policy !== 'ask' || !answer.real) continue;
          const sent = answer.exchange.requestBody as Record<string, unknown> | null;
          const current = answer.exchange.serverBody as Record<string, unknown> | null;
          const alreadyThere =
            sent !== null &&
            current !== null &&
            typeof current === 'object' &&
            TODO_FIELDS.every((field) => !(field in sent) || sent[field] === current[field]);
          if (!alreadyThere && !listedAfter(client, recordId, answer.exchange.at)) {
            note(
              'unlisted-conflict',
              `${client.name} got ${answer.exchange.serverStatus} for ${answer.exchange.method} ${recordId} under "ask" and nothing was listed`,
            );
          }
        }
      }
    }
    const namesOf = new Map(clients.map((c) => [c.installationId, c.name]));
    for (const finding of findings) {
      for (const recordId of finding.detail.match(new RegExp(`${prefix}[0-9a-f-]{36}`, 'g')) ?? []) {
        if (timelines[recordId]) continue;
        const lines: { tick: number; text: string }[] = [];
        for (const e of events) {
          if (e.recordId === recordId || (e.recordId === null && lines.length > 0)) lines.push(e);
        }
        for (const x of proxy.log) {
          const inReply = JSON.stringify(x.serverBody ?? null).includes(recordId);
          if (x.recordId !== recordId && !inReply) continue;
          const body = x.recordId === recordId ? JSON.stringify(x.requestBody) : '';
          const reply = JSON.stringify(
            Array.isArray(x.serverBody)
              ? x.serverBody.filter((r: unknown) => JSON.stringify(r).includes(recordId))
              : x.serverBody,
          );
          lines.push({
            tick: x.at,
            text: `  ${namesOf.get(x.installationId ?? '') ?? '?'} ${x.method} ${x.path.slice(0, 60)} ${body} -> ${x.serverStatus}${
              x.fault ? ` [fault ${x.fault}]` : ''
            } ${reply}`,
          });
        }
        timelines[recordId] = lines.sort((a, b) => a.tick - b.tick).map((l) => `@${l.tick} ${l.text}`);
      }
    }
  } finally {
    for (const client of clients) client.close();
    await proxy.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  for (const exchange of proxy.log) {
    if (exchange.method !== 'GET' || !exchange.path.startsWith('/tables/')) continue;
    if (
      exchange.serverStatus === 400 &&
      /cannot request more than/i.test(JSON.stringify(exchange.serverBody))
    ) {
      stats.pageLimitRefusals++;
    }
    const body = exchange.serverBody as { results?: unknown } | unknown[] | null;
    const rows = Array.isArray(body) ? body : Array.isArray(body?.results) ? body.results : [];
    stats.largestPage = Math.max(stats.largestPage, rows.length);
  }
  const faults = { ...proxy.counts };
  return {
    seed,
    policy,
    replay,
    converged: converged && !findings.some((f) => f.category === 'diverged' || f.category === 'stuck'),
    findings,
    lostEdits,
    duplicates,
    faults,
    faultsInjected: FAULT_KINDS.reduce((sum, kind) => sum + faults[kind], 0),
    timelines,
    stats,
  };
}
