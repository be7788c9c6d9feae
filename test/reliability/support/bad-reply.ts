/**
 * Malformed server replies, each kind against each kind of request: the engine records an
 * error (a failed sync with a typed code, or a sync issue the person can see), keeps its
 * queue intact (the change is still pending, the local row untouched, a pull applies nothing
 * and keeps its watermark), and once the server answers properly the change lands exactly once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { todoTable } from '../../../common/todo-table';
import { MALFORMED_REPLY_FAULTS, startFaultProxy } from './fault-proxy';
import type { Finding } from './findings';
import { ServerClient, type ServerTodo } from '../../support/server';
import { openSyncClient, type SyncClient } from './sync-client';

export const REPLY_TARGETS = ['insert', 'update', 'delete', 'pull'] as const;
export type ReplyTarget = (typeof REPLY_TARGETS)[number];
export type MalformedReply = (typeof MALFORMED_REPLY_FAULTS)[number];

export interface BadReplyCase {
  fault: MalformedReply;
  target: ReplyTarget;
}

export const BAD_REPLY_CASES: readonly BadReplyCase[] = MALFORMED_REPLY_FAULTS.flatMap((fault) =>
  REPLY_TARGETS.map((target) => ({ fault, target })),
);

export interface BadReplyOutcome {
  name: string;
  passed: boolean;
  findings: Finding[];
  /** What the engine did with the broken reply, for the report. */
  recordedAs: string;
}

const METHOD_OF: Record<ReplyTarget, string> = {
  insert: 'POST',
  update: 'PATCH',
  delete: 'DELETE',
  pull: 'GET',
};

function localState(client: SyncClient): string {
  return JSON.stringify({
    rows: client.localTodos(),
    operations: client.store.operations.list().map(({ tableName, recordId, action, version }) => ({
      tableName,
      recordId,
      action,
      version,
    })),
  });
}

export async function runBadReplyCase(
  badCase: BadReplyCase,
  options: { serverUrl: string; workDir: string; index: number },
): Promise<BadReplyOutcome> {
  const name = `${badCase.fault} reply to ${badCase.target}`;
  const replay = `bad-reply ${name}`;
  const findings: Finding[] = [];
  const note = (category: Finding['category'], detail: string): void => {
    findings.push({ suite: 'bad-reply', replay, category, detail });
  };
  const prefix = `r${options.index}-${badCase.fault}-${badCase.target}-`;
  const dir = path.join(options.workDir, `bad-reply-${options.index}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const proxy = await startFaultProxy({
    target: options.serverUrl,
    seed: options.index,
    faultRate: 0,
    clientTimeoutMs: 2000,
  });
  const client = await openSyncClient({
    name: 'bad-reply',
    dbPath: path.join(dir, 'client.sqlite'),
    backendUrl: proxy.url,
    policy: 'merge',
    idPrefix: prefix,
    timeoutMs: 2000,
  });
  let recordedAs = 'nothing';
  try {
    // A todo both sides know, and one local change waiting (except for the pull case, where
    // a change on another todo waits and the server has something new to send).
    const shared = `${prefix}shared`;
    await client.table.insert({ id: shared, text: 'shared', complete: false, notes: null });
    const first = await client.sync();
    if (!first.ok || client.pendingOperations() !== 0)
      throw new Error(`setup sync failed: ${first.errorMessage}`);

    let changedId = shared;
    let expectOnServer: ((rows: ServerTodo[]) => string | null) | undefined;
    switch (badCase.target) {
      case 'insert':
        changedId = `${prefix}new`;
        await client.table.insert({ id: changedId, text: 'new one', complete: false, notes: 'n' });
        expectOnServer = (rows) =>
          rows.filter((r) => r.id === changedId && !r.deleted && r.text === 'new one').length === 1
            ? null
            : 'the new todo is not on the server exactly once';
        break;
      case 'update':
        await client.table.update({ id: shared, text: 'shared, edited', complete: true });
        expectOnServer = (rows) =>
          rows.some((r) => r.id === shared && r.text === 'shared, edited' && r.complete)
            ? null
            : 'the edit is not on the server';
        break;
      case 'delete':
        await client.table.del(shared);
        expectOnServer = (rows) =>
          rows.some((r) => r.id === shared && r.deleted) ? null : 'the deletion is not on the server';
        break;
      case 'pull':
        await client.table.update({ id: shared, notes: 'waiting' });
        await new ServerClient(options.serverUrl).insert({
          id: `${prefix}from-elsewhere`,
          text: 'from elsewhere',
          complete: false,
        });
        expectOnServer = (rows) =>
          rows.some((r) => r.id === shared && r.notes === 'waiting')
            ? null
            : 'the waiting edit is not on the server';
        break;
    }
    const pendingBefore = client.store.operations.list();
    // A pull pushes first: that push goes through untouched, only the page gets the broken reply.
    if (badCase.target === 'pull') {
      const pushed = await client.push();
      if (!pushed.ok) throw new Error(`setup push failed: ${pushed.errorMessage}`);
    }
    const before = localState(client);
    const watermarkBefore = JSON.stringify(
      client.store.watermarks.get(todoTable.name, `reliability-${prefix}`) ?? null,
    );

    const method = METHOD_OF[badCase.target];
    proxy.forceNext(
      badCase.fault,
      (m, p) => m === method && (method !== 'GET' || p.includes('%24filter=%28%28id')),
    );
    const outcome = badCase.target === 'pull' ? await client.pull() : await client.push();
    if (proxy.counts[badCase.fault] !== 1) throw new Error('the broken reply was never sent');

    const issues = client.issues();
    const lastError = client.context.getStatus().lastError;
    if (!outcome.ok) recordedAs = `sync failed (${outcome.errorCode}): ${outcome.errorMessage}`;
    else if (issues.length > 0) recordedAs = `issue listed (${issues[0]?.kind}): ${issues[0]?.message}`;
    else recordedAs = `nothing recorded (last error: ${JSON.stringify(lastError)})`;
    if (outcome.errorCode === 'unexpected' || outcome.errorCode === 'internal') {
      note('unexpected-error', `${name}: ${outcome.errorMessage}`);
    }
    if (outcome.ok && issues.length === 0)
      note('wrong-error', `${name}: the broken reply was taken as a success`);
    // The person reads this message: a proxy's error page is not a sentence.
    const shown = [
      outcome.errorMessage ?? '',
      ...issues.map((issue) => issue.message),
      lastError?.message ?? '',
    ];
    const markup = shown.find((message) => /<\/?(?:!doctype|html|head|body|center|h1)\b/i.test(message));
    if (markup)
      note(
        'wrong-error',
        `${name}: the message shows the server's HTML to the person: ${markup.slice(0, 200)}`,
      );

    if (badCase.target === 'pull') {
      if (localState(client) !== before)
        note('queue-damaged', `${name}: the pull changed local data or the queue`);
      const watermarkAfter = JSON.stringify(
        client.store.watermarks.get(todoTable.name, `reliability-${prefix}`) ?? null,
      );
      if (watermarkAfter !== watermarkBefore)
        note('queue-damaged', `${name}: the watermark moved past a broken page`);
    } else {
      const pendingAfter = client.store.operations.list();
      const kept = pendingBefore.every((op) =>
        pendingAfter.some((after) => after.recordId === op.recordId && after.action === op.action),
      );
      if (!kept) note('queue-damaged', `${name}: the pending change left the queue after a broken reply`);
    }

    // The server answers properly again; the person retries what is listed.
    for (let round = 0; round < 5; round++) {
      for (const issue of client.issues()) {
        if (issue.kind === 'rejected') await client.context.retryIssue(issue.id);
        else await client.context.resolveConflict(issue.id, 'mine');
      }
      const settled = await client.sync();
      if (settled.ok && client.pendingOperations() === 0 && client.issues().length === 0) break;
    }
    if (client.pendingOperations() > 0 || client.issues().length > 0) {
      note(
        'stuck',
        `${name}: ${client.pendingOperations()} pending, ${client.issues().length} issues after recovery`,
      );
    }
    const rows = (await new ServerClient(options.serverUrl).all()).filter((r) => r.id.startsWith(prefix));
    const missing = expectOnServer?.(rows);
    if (missing) note('lost-edit', `${name}: ${missing}: ${JSON.stringify(rows)}`);
    const live = rows
      .filter((r) => !r.deleted)
      .map((r) => `${r.id}|${r.text}|${r.complete}|${r.notes}|${r.version}`);
    const local = client.localTodos().map((r) => `${r.id}|${r.text}|${r.complete}|${r.notes}|${r.version}`);
    if (JSON.stringify(live.sort()) !== JSON.stringify(local.sort())) {
      note('diverged', `${name}: local ${JSON.stringify(local)} vs server ${JSON.stringify(live)}`);
    }
  } catch (error) {
    note('unexpected-error', `${name}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    client.close();
    await proxy.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { name, passed: findings.length === 0, findings, recordedAs };
}
