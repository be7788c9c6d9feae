/**
 * Push: sends queued operations in queue order, a record's operations strictly one after
 * the other, and writes each server reply locally in the transaction that removes the
 * operation.
 *
 * Failures answered by the server go to the push handler (onConflict for 409/412 and for an
 * update of a record deleted on the server, onError otherwise; push-error.ts), and its
 * decision is applied once it has returned (push-resolution.ts). What the handler leaves
 * unhandled is persisted as a sync issue: the operation stays queued but is skipped until the
 * person resolves it, while other records' operations continue. A failure to reach the
 * server (network, timeout, 401, 502-504) stops the push with the queue intact; a garbled
 * success reply or a 500 keeps the operation for the next sync too (push-plan.ts
 * classifyFailure). Up to `concurrency` operations are in flight at once; push-remote.ts is the
 * server as the push sees it. The replies and marks of one turn of the event loop are written
 * in one transaction (GroupCommit).
 */
import type { OperationRecord, Store, SyncIssueRecord } from '../store/types';
import { SyncError, SyncHttpError } from './errors';
import { keepAbsentFields, type ColumnSupport } from './column-support';
import type { ProtocolClient } from './protocol-client';
import { KEEP_ATTEMPTS, rearm } from './operation-queue';
import { DEFAULT_PUSH_CONCURRENCY, nextToSend, planSend, recordKey } from './push-plan';
import { callConflictHandler, PushError, type PushHandler } from './push-error';
import { protocolRemote, type PushRemote } from './push-remote';
import { applyResolution } from './push-resolution';
import {
  toSnapshot,
  type LocalRecord,
  type RecordShape,
  type RecordSnapshot,
  type ServerRecord,
} from './records';
import type { StatusTracker } from './status';

export interface PushEnvironment {
  store: Store;
  protocol: ProtocolClient;
  status: StatusTracker;
  shapeOf(tableName: string): RecordShape;
  handlerFor(tableName: string): PushHandler;
  /** Server-answered failures of one operation before it is left to the person. */
  maxAttempts: number;
  /** Columns the backend does not store (column-support.ts); tests of push alone may leave it out. */
  columns?: ColumnSupport;
  /** Operations in flight at once (DEFAULT_PUSH_CONCURRENCY when unset). */
  concurrency?: number;
  /** The server; built from `protocol` when unset (tests give their own). */
  remote?: PushRemote;
}

export interface PushResult {
  /** Operations the server accepted (or already had). */
  pushed: number;
  /** Operations a handler cancelled. */
  cancelled: number;
  /** Issues this push left for the person. */
  issues: SyncIssueRecord[];
  /** Operations not sent because their record waits on an unresolved issue. */
  skipped: number;
  /**
   * Operations kept for the next sync after an answer that said nothing about them (a 500,
   * a garbled success reply); they do not stop the push of other records, nor the pull.
   */
  deferred: number;
  /** The first such answer of this push, to show the person; null when there was none. */
  deferredError: SyncError | null;
}

export const DEFAULT_MAX_PUSH_ATTEMPTS = 5;

const RELAXED = { durability: 'relaxed' } as const;

/** What became of one operation; `deferred` carries the answer that left it for the next sync. */
type Outcome = 'pushed' | 'cancelled' | 'blocked' | 'gone' | 'withdrawn' | { deferred: SyncError };

/** An operation marked as being sent, with what it sends and the local record a handler is shown. */
interface Prepared {
  operation: OperationRecord;
  shape: RecordShape;
  body: RecordSnapshot;
  clientRecord: LocalRecord | null;
}

/** What preparing an operation gave: ready to send, gone from the queue, or not sent as the push stops. */
type Ready = Prepared | 'gone' | 'withdrawn';

/** Thrown out of one operation's push when the whole push must stop (or slow down). */
class StopPush extends Error {
  constructor(
    readonly reason: unknown,
    readonly slowDown: boolean,
  ) {
    super('The push stopped.');
  }
}

/** Operations queued during a push join it at most this many times (a person typing on). */
const MAX_REFILLS = 20;

type WriteOutcome = { value: unknown } | { error: unknown };

/** Server replies written in one transaction at most (the in-flight limit keeps batches far smaller). */
const MAX_GROUP_COMMIT = 64;

/**
 * Group commit: the writes of a push that come up in one turn of the event loop (server replies,
 * and marking the operations that start next) go in one transaction, flushed on the next turn
 * or once MAX_GROUP_COMMIT are waiting. A transaction per reply and another per start made the
 * main thread, not the server, the limit of a push on a fast link. Each write runs in its own
 * savepoint, so one that throws fails alone; a failed COMMIT fails them all. A write's promise
 * settles once it has committed.
 */
class GroupCommit {
  private waiting: {
    write: () => unknown;
    done: (value: unknown) => void;
    failed: (error: unknown) => void;
  }[] = [];
  private scheduled = false;

  constructor(private readonly store: Store) {}

  write<T>(write: () => T): Promise<T> {
    return new Promise<T>((done, failed) => {
      this.waiting.push({ write, done: done as (value: unknown) => void, failed });
      if (this.waiting.length >= MAX_GROUP_COMMIT) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    const { store } = this;
    let outcomes: WriteOutcome[];
    try {
      outcomes = store.transaction(
        () =>
          batch.map((entry): WriteOutcome => {
            try {
              return { value: store.transaction(entry.write) };
            } catch (error) {
              return { error: error ?? new Error('A push write failed.') };
            }
          }),
        RELAXED,
      );
    } catch (error) {
      for (const entry of batch) entry.failed(error);
      return;
    }
    batch.forEach((entry, index) => {
      const outcome = outcomes[index] as WriteOutcome;
      if ('error' in outcome) entry.failed(outcome.error);
      else entry.done(outcome.value);
    });
  }
}

interface ListedQueue {
  queue: OperationRecord[];
  head: number;
  untaken: number;
  newestId: number;
  withIssues: Set<number>;
}

/** The listed operations from `head` on (nextToSend reads only as far as it needs). */
function* fromHead(listed: ListedQueue): Generator<OperationRecord> {
  for (let index = listed.head; index < listed.queue.length; index++)
    yield listed.queue[index] as OperationRecord;
}

/** One push's bookkeeping while operations are in flight. */
interface PushRun {
  result: PushResult;
  /** Records with an operation in flight. */
  busy: Set<string>;
  /** Records waiting on an issue or the next sync. */
  blocked: Set<string>;
  /** Operations this push has taken (started or skipped). */
  taken: Set<number>;
  inFlight: Set<Promise<void>>;
  /**
   * Operations in flight whose answer is in and only waits to be written (group commit): their
   * place goes to the next operation, whose mark is written in the same transaction.
   */
  answered: number;
  /** Wakes the dispatch loop (something finished, or a place came free). */
  wake: (() => void) | undefined;
  /**
   * Operations allowed in flight at once: `ceiling`, except after a request that found no
   * server or was refused its sign-in; then one until the server answers (a server still down
   * or still signed out costs each retry one request, not a burst), then `ceiling`. A first
   * request alone every time would cost every push a round trip; with a whole round at once, a
   * failure still stops the push once.
   */
  limit: number;
  /** The most in flight; halves when the server asks for fewer. */
  ceiling: number;
  /** The connections opened for the others while the first request goes alone (see launch). */
  opening: Promise<void> | undefined;
  /** The failure that stops the push, thrown once the requests in flight have finished. */
  stop: unknown;
  /** The newest operation id this push takes; later ones wait for the next push. */
  horizon: number;
  /**
   * The due operations not yet taken, and the operations with an issue, as last listed. Listing
   * the queue after every answer made a 10,000-operation push read about 10^8 rows; the queue
   * is listed again only when something was queued since (its newest id moved). Taken
   * operations stay in `queue`: `head` is past the taken ones at its start, `untaken` counts
   * the rest, so an answer costs a few steps rather than a pass over the queue.
   */
  listed: ListedQueue | undefined;
  refills: number;
  total: number;
  done: number;
  tableName: string | undefined;
}

export class Pusher {
  private readonly newIssues: SyncIssueRecord[] = [];
  /** Push handlers are never called concurrently: each waits for the one before. */
  private handlerTurn: Promise<unknown> = Promise.resolve();
  private readonly remote: PushRemote;
  private readonly commits: GroupCommit;

  constructor(private readonly env: PushEnvironment) {
    this.remote = env.remote ?? protocolRemote(env.protocol);
    this.commits = new GroupCommit(env.store);
  }

  /**
   * Sends the queue with up to `concurrency` operations in flight: in queue order, a record's
   * operations one after another, records waiting on an issue skipped. A failure that stops
   * the push lets the requests in flight finish, then is thrown once; an overloaded server
   * (429/503) gets fewer requests at once.
   */
  async run(tableName?: string): Promise<PushResult> {
    const ceiling = Math.max(1, this.env.concurrency ?? DEFAULT_PUSH_CONCURRENCY);
    const run: PushRun = {
      result: {
        pushed: 0,
        cancelled: 0,
        issues: this.newIssues,
        skipped: 0,
        deferred: 0,
        deferredError: null,
      },
      busy: new Set(),
      blocked: new Set(),
      taken: new Set(),
      inFlight: new Set(),
      answered: 0,
      wake: undefined,
      limit: this.remote.serverAnswering?.() === false ? 1 : ceiling,
      ceiling,
      opening: undefined,
      stop: undefined,
      horizon: 0,
      listed: undefined,
      refills: -1,
      total: 0,
      done: 0,
      tableName,
    };
    for (;;) {
      this.launch(run);
      if (run.inFlight.size === 0) break;
      await new Promise<void>((resolve) => (run.wake = resolve));
    }
    await run.opening;
    if (run.stop !== undefined) throw run.stop instanceof Error ? run.stop : new Error(String(run.stop));
    return run.result;
  }

  /** Starts what may start now (see nextToSend). */
  private launch(run: PushRun): void {
    if (run.stop !== undefined) return;
    const listed = this.dueOperations(run);
    // Those whose answer is in count as done already (see start).
    const unanswered = run.inFlight.size - run.answered;
    run.total = Math.max(run.total, run.done + unanswered + listed.untaken);
    const step = nextToSend(fromHead(listed), {
      busy: run.busy,
      blocked: run.blocked,
      taken: run.taken,
      withIssues: listed.withIssues,
      room: run.limit - unanswered,
    });
    listed.untaken -= step.skip.length + step.start.length;
    for (const operation of step.skip) {
      run.taken.add(operation.id);
      run.blocked.add(recordKey(operation));
      run.result.skipped++;
      run.done++;
    }
    this.progress(run);
    for (const operation of step.start) this.start(run, operation);
    const first = step.start[0];
    if (first && run.limit < run.ceiling && run.opening === undefined && listed.untaken > 0) {
      // A probe after a failed sync goes alone; the connections the next ones need open
      // meanwhile (just after it, once its mark is written), so that they do not each cost a
      // round trip after it.
      const count = Math.min(run.ceiling - 1, listed.untaken);
      run.opening = this.commits
        .write(() => undefined)
        .then(() => this.remote.openConnections?.(first.tableName, count))
        .catch(() => undefined);
    }
  }

  /** The operations up to the horizon this push has not taken yet, in queue order. */
  private dueOperations(run: PushRun): ListedQueue {
    const { store } = this.env;
    const newestId = store.operations.newestId();
    if (!run.listed || newestId !== run.listed.newestId) {
      const queue = store.operations.list(run.tableName ? { tableName: run.tableName } : undefined);
      const newest = queue.reduce((max, operation) => Math.max(max, operation.id), 0);
      // Operations queued meanwhile join this push, a bounded number of times.
      if (newest > run.horizon && run.refills < MAX_REFILLS) {
        run.refills++;
        run.horizon = newest;
      }
      // A taken operation never comes back into this push (one slowed down is un-taken and listed again).
      const due = queue.filter((operation) => operation.id <= run.horizon && !run.taken.has(operation.id));
      run.listed = {
        queue: due,
        head: 0,
        untaken: due.length,
        newestId,
        withIssues: new Set(store.syncIssues.list().map((issue) => issue.operationId)),
      };
    }
    const listed = run.listed;
    while (
      listed.head < listed.queue.length &&
      run.taken.has((listed.queue[listed.head] as OperationRecord).id)
    ) {
      listed.head++;
    }
    return listed;
  }

  private start(run: PushRun, operation: OperationRecord): void {
    const key = recordKey(operation);
    run.taken.add(operation.id);
    run.busy.add(key);
    let answered = false;
    const onAnswer = (): void => {
      answered = true;
      run.answered++;
      // Done as far as the progress shows: its reply is written within the turn.
      run.done++;
      // The server answers: open up.
      run.limit = run.ceiling;
      this.wake(run);
    };
    const sending: Promise<void> = this.pushOne(run, operation.id, onAnswer)
      .then(
        (outcome) => this.settle(run, operation, outcome, answered),
        (error: unknown) => {
          if (answered) run.done--;
          this.fail(run, operation, error);
        },
      )
      .finally(() => {
        if (answered) run.answered--;
        // The record's next operation may start only now, after this one's reply is written.
        run.busy.delete(key);
        run.inFlight.delete(sending);
        this.progress(run);
        this.wake(run);
      });
    run.inFlight.add(sending);
  }

  private wake(run: PushRun): void {
    const wake = run.wake;
    run.wake = undefined;
    wake?.();
  }

  private settle(run: PushRun, operation: OperationRecord, outcome: Outcome, counted: boolean): void {
    const { result } = run;
    // Not sent: the push stopped before it left.
    if (outcome === 'withdrawn') return;
    // The server answers: open up.
    run.limit = run.ceiling;
    if (outcome === 'pushed') result.pushed++;
    else if (outcome === 'cancelled') result.cancelled++;
    else if (outcome === 'blocked') run.blocked.add(recordKey(operation));
    else if (typeof outcome === 'object') {
      run.blocked.add(recordKey(operation));
      result.deferred++;
      result.deferredError ??= outcome.deferred;
    }
    if (!counted) run.done++;
  }

  private fail(run: PushRun, operation: OperationRecord, error: unknown): void {
    if (error instanceof StopPush && error.slowDown && run.limit > 1) {
      // Fewer at once, and this operation goes again in this push.
      run.ceiling = Math.ceil(run.limit / 2);
      run.limit = run.ceiling;
      run.taken.delete(operation.id);
      run.listed = undefined; // list it again: the cached queue dropped it when it was taken
      return;
    }
    run.stop ??= error instanceof StopPush ? error.reason : error;
  }

  private progress(run: PushRun): void {
    this.env.status.setPhase({ kind: 'pushing', done: run.done, total: run.total });
  }

  /**
   * Marks the operation as being sent (committed before its request leaves), sends it, and
   * again after a retry, until it has an outcome. `onAnswer`: a success is in and only waits to
   * be written.
   */
  private async pushOne(run: PushRun, operationId: number, onAnswer: () => void): Promise<Outcome> {
    // A push that stopped meanwhile sends nothing more.
    let ready = await this.commits.write(() =>
      run.stop === undefined ? this.prepare(operationId) : 'withdrawn',
    );
    for (;;) {
      if (ready === 'gone' || ready === 'withdrawn') return ready;
      const outcome = await this.send(ready, onAnswer);
      if (outcome !== 'retry') return outcome;
      ready = await this.commits.write(() => this.prepare(operationId));
    }
  }

  /**
   * Reads an operation and its row, and marks it as being sent with the body it sends. Marking
   * and reading happen in one synchronous step: an edit can only come after, and then it is
   * queued behind this operation instead of collapsing into it. Written by the group commit,
   * which commits before the request is sent.
   * Relaxed durability: a power cut that undoes the mark also undoes every edit made after
   * it, and the retry then sends this same content again.
   */
  private prepare(operationId: number): Ready {
    const { store } = this.env;
    const operation = store.operations.get(operationId);
    if (!operation) return 'gone';
    const shape = this.env.shapeOf(operation.tableName);
    const table = store.tableByName(operation.tableName);
    const row =
      operation.action === 'delete'
        ? undefined
        : (table.lookup(operation.recordId) as LocalRecord | undefined);
    if (operation.action !== 'delete' && !row && operation.sent === null) {
      // The record was deleted locally before this operation ever left; the delete queued
      // after it covers the server side.
      store.operations.remove(operation.id);
      return 'gone';
    }
    const hasLater = store.operations
      .forRecord(operation.tableName, operation.recordId)
      .some((next) => next.id > operation.id);
    const plan = planSend(operation, row, hasLater, shape);
    // Without the columns this backend does not store (see column-support.ts).
    const body =
      operation.action === 'delete'
        ? plan.body
        : (this.env.columns?.forServer(operation.tableName, plan.body) ?? plan.body);
    store.operations.update(operation.id, {
      pushing: true,
      // A delete keeps the content an earlier update attempt may have left on the server.
      sent: operation.action === 'delete' && operation.sent ? operation.sent : body,
    });
    return { operation, shape, body, clientRecord: plan.clientRecord };
  }

  private async send(prepared: Prepared, onAnswer: () => void): Promise<Outcome | 'retry'> {
    const { store } = this.env;
    const { operation, shape, body, clientRecord } = prepared;
    const answer = await this.remote.send(operation, body);
    if (answer.kind === 'applied') {
      onAnswer();
      if (answer.record) this.env.columns?.learnFromReply(shape, body, answer.record);
      await this.commit(operation, answer.record);
      return 'pushed';
    }
    if (store.operations.get(operation.id)) store.operations.update(operation.id, { pushing: false });
    if (answer.kind === 'unreachable') throw new StopPush(answer.error, answer.slowDown);
    // A refusal naming a column the backend does not store: send again without it.
    if (this.env.columns?.learnFromRefusal(shape, body, answer.error)) return 'retry';
    if (answer.kind === 'inconclusive' && operation.attempts + 1 < this.env.maxAttempts) {
      store.operations.update(operation.id, { attempts: operation.attempts + 1 });
      return { deferred: answer.error };
    }
    return this.handleFailure(operation, clientRecord, body, answer.error, answer.kind === 'conflict');
  }

  /**
   * The server has the operation: record its reply and drop the operation, atomically.
   * Relaxed durability: if a power cut undoes this commit, the operation is sent again and
   * the server's answer (409 on insert, 412 on update, 404 on delete) shows it already holds
   * exactly this change, which handleFailure treats as done. Written with the other replies of
   * the same turn (GroupCommit); resolves once committed.
   */
  private async commit(operation: OperationRecord, server: ServerRecord | null): Promise<void> {
    const { store, status } = this.env;
    const shape = this.env.shapeOf(operation.tableName);
    await this.commits.write(() => {
      if (!store.operations.get(operation.id)) return;
      const table = store.tableByName(operation.tableName);
      const later = store.operations
        .forRecord(operation.tableName, operation.recordId)
        .filter((next) => next.id !== operation.id);
      if (server && operation.action !== 'delete') {
        if (later.length === 0) {
          table.upsertMany(keepAbsentFields(table, shape, [shape.fromServer(server)]));
        } else if (table.lookup(operation.recordId)) {
          // Edits made while this was in flight are newer than the reply: keep them, and
          // take only what the server owns.
          table.update(operation.recordId, {
            version: server.version,
            createdAt: server.createdAt,
            updatedAt: server.updatedAt,
          });
        }
      }
      if (server) {
        for (const next of later) store.operations.update(next.id, { version: server.version });
      }
      store.operations.remove(operation.id);
      store.syncIssues.removeForOperation(operation.id);
    });
    status.dataChanged(operation.tableName);
  }

  private async handleFailure(
    operation: OperationRecord,
    clientRecord: LocalRecord | null,
    sent: RecordSnapshot,
    error: SyncError,
    conflict: boolean,
  ): Promise<Outcome | 'retry'> {
    const { store } = this.env;
    const shape = this.env.shapeOf(operation.tableName);
    const httpStatus = error instanceof SyncHttpError ? error.status : null;
    let server: ServerRecord | null = null;
    if (conflict) {
      // A 409 on insert echoes our own item, and a 404 says nothing: ask for the real record.
      server =
        error instanceof SyncHttpError && error.serverRecord
          ? error.serverRecord
          : await this.remote.lookup(operation.tableName, operation.recordId);
      const landed = server ? await this.earlierAttemptLanded(operation, sent, server) : null;
      if (landed) return landed;
    }

    const attempts = operation.attempts + 1;
    store.operations.update(operation.id, { attempts });
    const serverRecord = server ? shape.fromServer(server) : null;
    const baseRecord = operation.base ? shape.fromSnapshot(operation.base) : null;
    const pushError = new PushError(operation, error, serverRecord, clientRecord, baseRecord, conflict);
    const handler = this.env.handlerFor(operation.tableName);
    const handlerFailure = await this.inHandlerTurn(async () => {
      try {
        if (conflict) await callConflictHandler(handler, serverRecord, clientRecord, pushError);
        else await handler.onError?.(pushError);
        return undefined;
      } catch (thrown) {
        pushError.discardResolution();
        return thrown ?? new Error('The push handler failed.');
      }
    });
    const resolution = pushError.takeResolution();
    if (!resolution) {
      const reason =
        handlerFailure === undefined
          ? error.message
          : `${error.message} (The ${conflict ? 'conflict' : 'error'} handler failed: ${
              handlerFailure instanceof Error ? handlerFailure.message : String(handlerFailure)
            })`;
      this.persistIssue(operation, conflict, httpStatus, reason, serverRecord, clientRecord);
      return 'blocked';
    }
    const outcome = applyResolution(
      { store, status: this.env.status, shape },
      operation,
      resolution,
      serverRecord,
    );
    if (outcome === 'retry' && attempts >= this.env.maxAttempts) {
      this.persistIssue(
        operation,
        conflict,
        httpStatus,
        `${error.message} Gave up after ${attempts} attempts.`,
        serverRecord,
        clientRecord,
      );
      return 'blocked';
    }
    return outcome;
  }

  /**
   * A conflict may be with our own earlier attempt, which landed but whose reply was lost (a
   * crash before the local commit, a dropped connection). 'pushed': the server holds exactly
   * this change (edits made since are queued after it, so they do not hide it). 'retry': it
   * holds the content of an earlier attempt (then the person edited or deleted the record while
   * its issue was listed), and the rest is sent against the version that attempt created.
   * null: the conflict is real.
   */
  private async earlierAttemptLanded(
    operation: OperationRecord,
    sent: RecordSnapshot,
    server: ServerRecord,
  ): Promise<'pushed' | 'retry' | null> {
    const { store } = this.env;
    const shape = this.env.shapeOf(operation.tableName);
    const holdsContent = (content: RecordSnapshot | null): boolean =>
      content !== null &&
      shape.userColumns.some((column) => column in content) &&
      !server.deleted &&
      shape.sameUserFields(server, shape.fromSnapshot(content));
    if (operation.action === 'delete' ? server.deleted : holdsContent(sent)) {
      await this.commit(operation, server);
      return 'pushed';
    }
    if (!holdsContent(operation.sent)) return null;
    store.transaction(() => {
      if (!store.operations.get(operation.id)) return;
      rearm(
        store,
        operation.id,
        {
          action: operation.action === 'delete' ? 'delete' : 'update',
          version: server.version,
          base: toSnapshot(shape.fromServer(server)),
        },
        KEEP_ATTEMPTS,
      );
    }, RELAXED);
    return 'retry';
  }

  /** Runs `step` after every handler call before it has finished. */
  private inHandlerTurn<T>(step: () => Promise<T>): Promise<T> {
    const turn = this.handlerTurn.then(step);
    this.handlerTurn = turn.catch(() => undefined);
    return turn;
  }

  private persistIssue(
    operation: OperationRecord,
    conflict: boolean,
    httpStatus: number | null,
    message: string,
    serverRecord: LocalRecord | null,
    clientRecord: LocalRecord | null,
  ): void {
    const { store, status } = this.env;
    const issue = store.transaction(() => {
      store.syncIssues.removeForOperation(operation.id);
      const fresh = store.operations.get(operation.id) ?? operation;
      return store.syncIssues.add({
        operationId: operation.id,
        kind: conflict ? 'conflict' : 'rejected',
        tableName: operation.tableName,
        recordId: operation.recordId,
        action: fresh.action,
        httpStatus,
        message,
        serverRecord: serverRecord ? toSnapshot(serverRecord) : null,
        clientRecord: clientRecord ? toSnapshot(clientRecord) : null,
        baseRecord: fresh.base,
      });
    });
    this.newIssues.push(issue);
    status.changed();
  }
}
