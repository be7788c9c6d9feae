/**
 * Reading the fault proxy's log as ground truth: what each installation sent, what the real
 * server applied (whether or not the reply got back), and who wrote each version of a record.
 * The oracles judge the engine with this, never with what the engine says about itself.
 */
import type { ExchangeRecord } from './fault-proxy';

export type TodoField = 'text' | 'complete' | 'notes';
export const TODO_FIELDS: readonly TodoField[] = ['text', 'complete', 'notes'];

interface RecordLike {
  id: string;
  version?: unknown;
  deleted?: unknown;
  [field: string]: unknown;
}

function isRecordLike(value: unknown): value is RecordLike {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'DELETE']);

function isSuccess(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

/** The records an exchange's reply shows as the server's state (never a 409 echo of an insert). */
export function serverRecordsIn(exchange: ExchangeRecord): RecordLike[] {
  const status = exchange.serverStatus;
  if (status === null) return [];
  const trustworthy = isSuccess(status) || status === 412 || (status === 409 && exchange.method === 'PATCH');
  if (!trustworthy) return [];
  const body = exchange.serverBody;
  if (Array.isArray(body)) return body.filter(isRecordLike);
  if (isRecordLike(body)) return [body];
  if (typeof body === 'object' && body !== null && Array.isArray((body as { results?: unknown }).results)) {
    return ((body as { results: unknown[] }).results ?? []).filter(isRecordLike);
  }
  return [];
}

export class ExchangeEvidence {
  /** "<recordId>\u0000<version>" → the installation whose write produced it. */
  private readonly writers = new Map<string, string | null>();

  constructor(private readonly log: readonly ExchangeRecord[]) {
    for (const exchange of log) {
      if (!WRITE_METHODS.has(exchange.method) || !isSuccess(exchange.serverStatus)) continue;
      for (const record of serverRecordsIn(exchange)) {
        if (typeof record.version === 'string') {
          this.writers.set(`${record.id}\u0000${record.version}`, exchange.installationId);
        }
      }
    }
  }

  /** Which installation wrote this version of the record, if a write through the proxy did. */
  writerOf(recordId: string, version: unknown): string | null | undefined {
    return typeof version === 'string' ? this.writers.get(`${recordId}\u0000${version}`) : undefined;
  }

  /** A write from `installationId` after `tick` that the server applied, carrying field = value. */
  appliedWriteCarrying(
    installationId: string,
    recordId: string,
    field: TodoField,
    value: unknown,
    tick: number,
  ): boolean {
    return this.log.some(
      (e) =>
        e.at > tick &&
        e.installationId === installationId &&
        e.recordId === recordId &&
        (e.method === 'POST' || e.method === 'PATCH') &&
        isSuccess(e.serverStatus) &&
        typeof e.requestBody === 'object' &&
        e.requestBody !== null &&
        field in e.requestBody &&
        (e.requestBody as Record<string, unknown>)[field] === value,
    );
  }

  /** A DELETE from `installationId` after `tick` that the server applied or found already done. */
  appliedDelete(installationId: string, recordId: string, tick: number): boolean {
    return this.log.some(
      (e) =>
        e.at > tick &&
        e.installationId === installationId &&
        e.recordId === recordId &&
        e.method === 'DELETE' &&
        (e.serverStatus === 200 || e.serverStatus === 404),
    );
  }

  /** Whether the server showed the record with field = value (live) at some point after `tick`. */
  serverHeldAfter(recordId: string, field: TodoField, value: unknown, tick: number): boolean {
    return this.log.some(
      (e) =>
        e.at > tick &&
        serverRecordsIn(e).some((r) => r.id === recordId && r.deleted !== true && r[field] === value),
    );
  }

  /** Whether the server showed the record deleted at some point after `tick`. */
  serverShowedDeletedAfter(recordId: string, tick: number): boolean {
    return this.log.some(
      (e) => e.at > tick && serverRecordsIn(e).some((r) => r.id === recordId && r.deleted === true),
    );
  }

  /**
   * Conflict answers (409/412, or 404 to an update) the server gave `installationId` about
   * the record after `tick`, each with whether it was "real": the server's copy had been
   * written by another installation, not by this one's own earlier attempt.
   */
  conflictAnswers(
    installationId: string,
    recordId: string,
    tick: number,
  ): { exchange: ExchangeRecord; real: boolean }[] {
    const answers: { exchange: ExchangeRecord; real: boolean }[] = [];
    for (const e of this.log) {
      if (e.at <= tick || e.installationId !== installationId || e.recordId !== recordId) continue;
      const status = e.serverStatus;
      const isConflict =
        status === 412 || (status === 409 && e.method !== 'GET') || (status === 404 && e.method === 'PATCH');
      if (!isConflict) continue;
      answers.push({ exchange: e, real: this.conflictIsReal(e) });
    }
    return answers;
  }

  private conflictIsReal(e: ExchangeRecord): boolean {
    const recordId = e.recordId ?? '';
    if (e.serverStatus === 404) {
      // Deleted on the server: real when someone else's DELETE did it.
      return this.log.some(
        (d) =>
          d.method === 'DELETE' &&
          d.recordId === recordId &&
          isSuccess(d.serverStatus) &&
          d.installationId !== e.installationId,
      );
    }
    let current: RecordLike | undefined;
    if (e.serverStatus === 412 || (e.serverStatus === 409 && e.method === 'PATCH')) {
      current = serverRecordsIn(e)[0];
    } else {
      // A 409 to an insert echoes our own item; the engine then reads the server's copy.
      const lookup = this.log.find(
        (l) => l.at > e.at && l.method === 'GET' && serverRecordsIn(l).some((r) => r.id === recordId),
      );
      current = lookup ? serverRecordsIn(lookup).find((r) => r.id === recordId) : undefined;
    }
    if (!current) return true;
    const writer = this.writerOf(recordId, current.version);
    return writer !== e.installationId;
  }
}
