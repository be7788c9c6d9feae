/**
 * Oversize records: two installations on a server that parses bodies up to 100 kB (Express's
 * default, `bodyLimit: '100kb'`) add and edit their todos through the engine's API, which,
 * unlike the IPC contract, does not refuse long notes. Some inserts and edits carry notes
 * beyond what the server takes (in bytes: ASCII, accents, symbols, emoji, escaped characters;
 * some under 100,000 characters yet over the limit); all others stay within
 * common/todo-limits.ts's limits, up to its extremes. The app's sync pass runs between.
 * Judged:
 *
 * - each oversize insert or edit ends as exactly one refused change (a rejected sync issue)
 *   whose message is plain words (no HTTP status, no server jargon);
 * - nothing else is held back: after every pass no record within the limits is pending or
 *   listed, and the other installation receives it;
 * - the person then shortens the notes and retries, or discards the change; at the end both
 *   installations equal the server, every acknowledged edit within the limits is on it, and
 *   the server holds no record nobody created, each once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { encodedLength, TODO_LIMITS } from '../../../common/todo-limits';
import { todoTable, type TodoItem } from '../../../common/todo-table';
import { runSyncPass, type SyncIssueDetails } from '../../../main/sync';
import type { ServerTodo } from '../../support/server';
import { TODO_FIELDS, type TodoField } from './exchange-evidence';
import type { Finding } from './findings';
import { createRandom, type Random } from './random';
import { listSliceRows } from './server-rows';
import { openSyncClient, outcomeOf, type SyncClient } from './sync-client';

/** The server's body limit in this case, as Express counts '100kb'. */
export const OVERSIZE_BODY_LIMIT_BYTES = 100 * 1024;

export interface OversizeRecordsOptions {
  seed: number;
  /** A server started with `bodyLimit: '100kb'`. */
  serverUrl: string;
  workDir: string;
  steps: number;
  clientTimeoutMs: number;
}

export interface OversizeRecordsOutcome {
  seed: number;
  replay: string;
  findings: Finding[];
  converged: boolean;
  lostEdits: number;
  duplicates: number;
  stats: {
    edits: number;
    /** Inserts and edits whose notes exceed the server's limit. */
    oversizeEdits: number;
    /** Of those, ones under 100,000 characters (over the limit only in bytes). */
    oversizeByBytesOnly: number;
    /** Refused changes listed for them. */
    refusals: number;
    /** Edits at the extremes of todo-limits.ts (notes of exactly its bytes, the longest text). */
    atLimitEdits: number;
    shortenedAndRetried: number;
    discarded: number;
    passes: number;
  };
}

const CLIENT_NAMES = ['A', 'B'] as const;
const MAX_SETTLING_ROUNDS = 8;

type Piece = { text: string; weight: number };
const PLAIN: readonly Piece[] = [
  { text: 'a', weight: 6 },
  { text: 'Z', weight: 2 },
  { text: ' ', weight: 2 },
  { text: 'é', weight: 1 },
  { text: '€', weight: 1 },
  { text: '🚀', weight: 0.5 },
  { text: '"', weight: 0.3 },
  { text: '\n', weight: 0.3 },
];
/** Notes may hold what JSON escapes longest, too. */
const NOTES: readonly Piece[] = [...PLAIN, { text: '\\', weight: 0.2 }, { text: '\u0001', weight: 0.1 }];
const HEAVY: readonly Piece[] = [
  { text: '€', weight: 3 },
  { text: 'ü', weight: 1 },
  { text: '🚀', weight: 1 },
];

/** A string of exactly `bytes` JSON-encoded bytes when `maxUnits` allows it, else shorter. */
export function stringOfBytes(
  random: Random,
  pieces: readonly Piece[],
  bytes: number,
  maxUnits: number,
): string {
  const total = pieces.reduce((sum, piece) => sum + piece.weight, 0);
  const costs = new Map(pieces.map((piece) => [piece, encodedLength(piece.text)]));
  const parts: string[] = [];
  let used = 0;
  let units = 0;
  for (;;) {
    let roll = random.next() * total;
    const piece = pieces.find((p) => (roll -= p.weight) < 0) ?? (pieces[0] as Piece);
    const cost = costs.get(piece) as number;
    if (used + cost > bytes || units + piece.text.length > maxUnits) break;
    parts.push(piece.text);
    used += cost;
    units += piece.text.length;
  }
  parts.push('a'.repeat(Math.max(0, Math.min(bytes - used, maxUnits - units))));
  return parts.join('');
}

/** Within todo-limits.ts for the text. */
function withinTextLimits(text: string): boolean {
  return text.length <= TODO_LIMITS.textMaxLength && encodedLength(text) <= TODO_LIMITS.textMaxBytes;
}

function withinNotesLimits(notes: string | null): boolean {
  return (
    notes === null ||
    (notes.length <= TODO_LIMITS.notesMaxLength && encodedLength(notes) <= TODO_LIMITS.notesMaxBytes)
  );
}

/** A refusal a person can read: no status code, no protocol or server jargon. */
export function isPlainRefusal(message: string): boolean {
  return /too large/i.test(message) && !/\b\d{3}\b|http|status|entity|payload|request/i.test(message);
}

interface Intent {
  owner: string;
  /** Gone on purpose: deleted, or a never-sent insert discarded. */
  gone: boolean;
  fields: Record<TodoField, unknown>;
  /** Its notes are over the server's limit and it waits for the person. */
  held: boolean;
}

function differs(local: TodoItem, server: ServerTodo): string | null {
  for (const field of TODO_FIELDS) {
    const mine = local[field] ?? null;
    const theirs = server[field] ?? null;
    if (mine !== theirs) {
      return `${field}: local ${JSON.stringify(mine).slice(0, 60)} vs server ${JSON.stringify(theirs).slice(0, 60)}`;
    }
  }
  return local.version === server.version
    ? null
    : `version: local ${local.version} vs server ${server.version}`;
}

export async function runOversizeRecords(options: OversizeRecordsOptions): Promise<OversizeRecordsOutcome> {
  const { seed } = options;
  const replay = `oversize-records seed ${seed}`;
  const random = createRandom(seed).fork('oversize');
  const prefix = `o${seed}-`;
  const findings: Finding[] = [];
  const note = (category: Finding['category'], detail: string): void => {
    findings.push({ suite: 'oversize-records', replay, category, detail });
  };
  const dir = path.join(options.workDir, `oversize-${seed}`);
  fs.mkdirSync(dir, { recursive: true });
  const stats: OversizeRecordsOutcome['stats'] = {
    edits: 0,
    oversizeEdits: 0,
    oversizeByBytesOnly: 0,
    refusals: 0,
    atLimitEdits: 0,
    shortenedAndRetried: 0,
    discarded: 0,
    passes: 0,
  };
  const clients: SyncClient[] = [];
  const intents = new Map<string, Intent>();
  /** Issue ids already counted, per installation. */
  const refusalsSeen = new Set<string>();
  let converged = false;
  let lostEdits = 0;
  let duplicates = 0;
  let token = 0;

  const oversizeNotes = (): string => {
    // Over the limit in bytes while well under it in characters, or simply long.
    if (random.chance(0.4)) {
      stats.oversizeByBytesOnly++;
      return stringOfBytes(random, HEAVY, random.int(OVERSIZE_BODY_LIMIT_BYTES + 2_000, 250_000), 99_000);
    }
    return stringOfBytes(random, NOTES, random.int(OVERSIZE_BODY_LIMIT_BYTES + 1_000, 300_000), 1_000_000);
  };
  const fittingNotes = (): string | null => {
    if (random.chance(0.15)) return null;
    if (random.chance(0.15)) {
      stats.atLimitEdits++;
      return stringOfBytes(random, NOTES, TODO_LIMITS.notesMaxBytes, TODO_LIMITS.notesMaxLength);
    }
    return stringOfBytes(random, NOTES, random.int(1, TODO_LIMITS.notesMaxBytes), TODO_LIMITS.notesMaxLength);
  };
  const fittingText = (client: SyncClient): string => {
    const label = `${client.name} ${++token} `;
    if (random.chance(0.15)) {
      stats.atLimitEdits++;
      return (
        label +
        stringOfBytes(
          random,
          PLAIN,
          TODO_LIMITS.textMaxBytes - label.length,
          TODO_LIMITS.textMaxLength - label.length,
        )
      );
    }
    return label + stringOfBytes(random, PLAIN, random.int(0, 400), 400);
  };

  try {
    for (const name of CLIENT_NAMES) {
      clients.push(
        await openSyncClient({
          name,
          dbPath: path.join(dir, `${name}.sqlite`),
          backendUrl: options.serverUrl,
          policy: 'ask',
          idPrefix: prefix,
          timeoutMs: options.clientTimeoutMs,
        }),
      );
    }

    async function edit(client: SyncClient): Promise<void> {
      const own = [...intents.entries()].filter(([, i]) => i.owner === client.name && !i.gone && !i.held);
      const kind =
        own.length === 0
          ? random.weighted({ add: 3, addOversize: 1 })
          : random.weighted({ add: 2, addOversize: 1, notes: 2, notesOversize: 1.2, text: 2, complete: 1 });
      try {
        if (kind === 'add' || kind === 'addOversize') {
          const id = `${prefix}${random.uuid()}`;
          const oversize = kind === 'addOversize';
          const item = {
            id,
            text: fittingText(client),
            complete: random.chance(0.3),
            notes: oversize ? oversizeNotes() : fittingNotes(),
          };
          await client.table.insert(item);
          intents.set(id, { owner: client.name, gone: false, held: oversize, fields: { ...item } });
          if (oversize) stats.oversizeEdits++;
        } else {
          const [id, intent] = random.pick(own);
          const value =
            kind === 'notes'
              ? fittingNotes()
              : kind === 'notesOversize'
                ? oversizeNotes()
                : kind === 'text'
                  ? fittingText(client)
                  : !intent.fields.complete;
          const field: TodoField = kind === 'notesOversize' ? 'notes' : kind;
          await client.table.update({ id, [field]: value });
          intent.fields[field] = value;
          if (kind === 'notesOversize') {
            intent.held = true;
            stats.oversizeEdits++;
          }
        }
        stats.edits++;
      } catch (error) {
        note(
          'unexpected-error',
          `${client.name} ${kind} failed: ${outcomeOf(error).errorMessage?.slice(0, 300)}`,
        );
      }
    }

    const localOf = (client: SyncClient): Map<string, TodoItem> =>
      new Map(
        client
          .localTodos()
          .filter((row) => row.id.startsWith(prefix))
          .map((row) => [row.id, row]),
      );

    /** The app's sync pass, then: every oversize change listed, plainly, and nothing else held. */
    async function pass(client: SyncClient): Promise<SyncIssueDetails[]> {
      stats.passes++;
      const result = await runSyncPass(client.context, { tables: [todoTable], pull: true });
      if (!result.ok) {
        note(
          'unexpected-error',
          `${client.name}'s sync pass failed: ${result.error?.code} ${result.error?.message}`,
        );
      }
      const issues = client.issues().filter((issue) => issue.recordId.startsWith(prefix));
      const listed = new Set(issues.map((issue) => issue.recordId));
      for (const issue of issues) {
        const intent = intents.get(issue.recordId);
        if (!intent?.held || issue.kind !== 'rejected') {
          const row = localOf(client).get(issue.recordId);
          const ops = client.store.operations.forRecord(todoTable.name, issue.recordId);
          note(
            'wrong-error',
            `${client.name} lists a ${issue.kind} for ${issue.recordId}, a record within the limits ` +
              `(text ${encodedLength(row?.text ?? '')} B, notes ${encodedLength(row?.notes ?? '')} B, ` +
              `operations ${ops.map((op) => `${op.action}${op.sent ? ' sent' : ''}`).join(', ')}): ${issue.message}`,
          );
        } else if (!isPlainRefusal(issue.message)) {
          note(
            'wrong-error',
            `${client.name}'s refusal of ${issue.recordId} does not read plainly: "${issue.message}"`,
          );
        }
        const key = `${client.name}:${issue.id}`;
        if (!refusalsSeen.has(key)) {
          refusalsSeen.add(key);
          stats.refusals++;
        }
      }
      for (const [id, intent] of intents) {
        if (intent.owner === client.name && intent.held && !listed.has(id)) {
          note('unlisted-conflict', `${client.name}'s oversize change of ${id} is not listed after a pass`);
        }
      }
      const blocked = client.store.operations
        .list()
        .filter((op) => op.recordId.startsWith(prefix) && !listed.has(op.recordId));
      if (blocked.length > 0) {
        note(
          'stuck',
          `${client.name} still has ${blocked.length} changes within the limits pending after a pass: ${blocked
            .map((op) => op.recordId)
            .slice(0, 3)
            .join(', ')}`,
        );
      }
      return issues;
    }

    /** The person acts on a refusal: shorter notes and retry, or let the change go. */
    async function settle(client: SyncClient, issue: SyncIssueDetails): Promise<void> {
      const intent = intents.get(issue.recordId);
      if (!intent) return;
      try {
        if (random.chance(0.7)) {
          const notes = fittingNotes();
          await client.context.retryIssue(issue.id, { notes });
          intent.fields.notes = notes;
          stats.shortenedAndRetried++;
        } else {
          await client.context.discardIssue(issue.id);
          // What the record is now is the server's last state (or nothing, for an insert).
          const now = localOf(client).get(issue.recordId);
          if (now) for (const field of TODO_FIELDS) intent.fields[field] = now[field] ?? null;
          else intent.gone = true;
          stats.discarded++;
        }
        intent.held = false;
      } catch (error) {
        note(
          'unexpected-error',
          `${client.name} could not settle ${issue.id}: ${outcomeOf(error).errorMessage}`,
        );
      }
    }

    for (let step = 0; step < options.steps; step++) {
      const client = random.pick(clients);
      const action = random.weighted({ edit: 4, pass: 2, settle: 1 });
      if (action === 'edit') await edit(client);
      else if (action === 'pass') await pass(client);
      else for (const issue of await pass(client)) if (random.chance(0.6)) await settle(client, issue);
    }

    for (let round = 0; round < MAX_SETTLING_ROUNDS && !converged; round++) {
      for (const client of clients) {
        for (const issue of await pass(client)) await settle(client, issue);
      }
      converged = clients.every((c) => c.pendingOperations() === 0 && c.issues().length === 0);
    }
    if (!converged) note('stuck', `not settled after ${MAX_SETTLING_ROUNDS} rounds`);
    for (const client of clients) await pass(client);

    // ------------------------------------------------------------ judging
    const server = new Map((await listSliceRows(options.serverUrl, prefix)).map((row) => [row.id, row]));
    for (const [id, row] of server) {
      if (!intents.has(id)) {
        duplicates++;
        note('duplicate', `the server holds ${id}, which nobody created`);
      }
      if (!withinNotesLimits(row.notes) || !withinTextLimits(row.text)) {
        note(
          'wrote-data',
          `the server holds ${id} beyond the limits (${encodedLength(row.notes ?? '')} bytes of notes)`,
        );
      }
    }
    for (const [id, intent] of intents) {
      const row = server.get(id);
      const lost = (what: string): void => {
        lostEdits++;
        note('lost-edit', `${intent.owner}'s ${what} of ${id} did not land`);
      };
      if (intent.gone) continue;
      if (!row || row.deleted) {
        lost('todo');
        continue;
      }
      for (const field of TODO_FIELDS) {
        if ((row[field] ?? null) !== (intent.fields[field] ?? null)) lost(field);
      }
    }
    if (stats.refusals !== stats.oversizeEdits) {
      note('unlisted-conflict', `${stats.oversizeEdits} oversize changes, ${stats.refusals} refusals listed`);
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
      for (const id of local.keys())
        if (!server.get(id) || server.get(id)?.deleted) differences.push(`${id} is local only`);
      if (differences.length > 0) {
        converged = false;
        note('diverged', `${client.name} differs from the server: ${differences.slice(0, 5).join('; ')}`);
      }
    }
  } finally {
    for (const client of clients) client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { seed, replay, findings, converged, lostEdits, duplicates, stats };
}
