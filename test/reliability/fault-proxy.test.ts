/**
 * The fault proxy itself: each fault kind does what the oracles assume (reaches the server or
 * not, delivers a reply or not), and a seed replays the same faults.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendHeaders, startTestBackend, type TestBackend } from '../support/backend';
import {
  APPLIED_FAULTS,
  FAULT_KINDS,
  startFaultProxy,
  type FaultKind,
  type FaultProxy,
} from './support/fault-proxy';
import { ServerClient } from '../support/server';

const CLIENT_TIMEOUT_MS = 400;

let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend();
});

afterAll(async () => {
  await backend.stop();
});

interface Outcome {
  status: number | null;
  etag: string | null;
  body: unknown;
  bodyError: 'unreadable' | 'not-json' | null;
  requestError: boolean;
}

async function postThrough(proxy: FaultProxy, id: string): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(`${proxy.url}/tables/todoitem`, {
      method: 'POST',
      headers: {
        'ZUMO-API-VERSION': '2.0.0',
        'content-type': 'application/json',
        ...backendHeaders(proxy.url),
      },
      body: JSON.stringify({ id, text: `proxy ${id}` }),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
  } catch {
    return { status: null, etag: null, body: null, bodyError: null, requestError: true };
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    return { status: response.status, etag: null, body: null, bodyError: 'unreadable', requestError: false };
  }
  const etag = response.headers.get('etag');
  try {
    return {
      status: response.status,
      etag,
      body: JSON.parse(text) as unknown,
      bodyError: null,
      requestError: false,
    };
  } catch {
    return { status: response.status, etag, body: text, bodyError: 'not-json', requestError: false };
  }
}

function isRecordWithVersion(body: unknown, id: string): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { id?: unknown }).id === id &&
    typeof (body as { version?: unknown }).version === 'string'
  );
}

describe('fault proxy', () => {
  it.each(FAULT_KINDS)(
    '%s reaches the server only when it should and breaks the reply',
    async (kind: FaultKind) => {
      const proxy = await startFaultProxy({
        target: backend.url,
        seed: 1,
        faultRate: 0,
        clientTimeoutMs: CLIENT_TIMEOUT_MS,
      });
      try {
        const id = randomUUID();
        proxy.forceNext(kind);
        const outcome = await postThrough(proxy, id);
        const onServer = (await new ServerClient(backend.url).all()).some((row) => row.id === id);

        expect(proxy.counts[kind]).toBe(1);
        expect(proxy.totalFaults()).toBe(1);
        expect(onServer).toBe(APPLIED_FAULTS.has(kind));
        expect(proxy.log[0]?.fault).toBe(kind);
        expect(proxy.log[0]?.serverStatus).toBe(APPLIED_FAULTS.has(kind) ? 201 : null);
        // Whatever arrived, it is not a usable reply for the insert.
        const usable =
          outcome.status === 201 && outcome.etag !== null && isRecordWithVersion(outcome.body, id);
        expect(usable).toBe(false);
      } finally {
        await proxy.stop();
      }
    },
  );

  it('passes requests through untouched when no fault is drawn', async () => {
    const proxy = await startFaultProxy({
      target: backend.url,
      seed: 2,
      faultRate: 0,
      clientTimeoutMs: 1000,
    });
    try {
      const id = randomUUID();
      const outcome = await postThrough(proxy, id);
      expect(outcome.status).toBe(201);
      expect(outcome.etag).toMatch(/^"/);
      expect(isRecordWithVersion(outcome.body, id)).toBe(true);
      expect(proxy.totalFaults()).toBe(0);
      expect(proxy.log[0]?.delivered).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it('replays the same faults from the same seed, and stops injecting at maxFaults', async () => {
    async function faultSequence(seed: number, maxFaults?: number): Promise<(FaultKind | null)[]> {
      const proxy = await startFaultProxy({
        target: backend.url,
        seed,
        faultRate: 0.5,
        kinds: ['http-500', 'http-503', 'non-json-body', 'drop'],
        clientTimeoutMs: 1000,
        maxFaults,
      });
      try {
        for (let i = 0; i < 30; i++) {
          try {
            const response = await fetch(`${proxy.url}/tables/todoitem?$top=1`, {
              headers: { 'ZUMO-API-VERSION': '2.0.0', ...backendHeaders(proxy.url) },
              signal: AbortSignal.timeout(2000),
            });
            await response.text();
          } catch {
            // Dropped connections are expected here.
          }
        }
        return proxy.log.map((exchange) => exchange.fault);
      } finally {
        await proxy.stop();
      }
    }
    const first = await faultSequence(42);
    const again = await faultSequence(42);
    const other = await faultSequence(43);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first.filter((f) => f !== null).length).toBeGreaterThan(5);

    const capped = await faultSequence(42, 3);
    expect(capped.filter((f) => f !== null)).toHaveLength(3);
  });
});
