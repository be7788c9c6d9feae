/**
 * The benchmark's raw baselines (scripts/bench/raw-http.ts) against the real server through the
 * delay line, which counts connections: a chain of requests keeps one keep-alive connection
 * (Node's fetch opens a second one for a request sent before the previous reply's connection is
 * back in its pool), and k requests in flight use k connections, never more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelayLine, type DelayLine } from '../../scripts/bench/delay-line';
import { newTodos } from '../../scripts/bench/push-scenarios';
import {
  rawInsertsInFlight,
  rawPaging,
  rawPagingInFlight,
  rawSequentialInserts,
} from '../../scripts/bench/raw-http';
import { seedServerTodos } from '../../scripts/bench/server-data';
import { startTestBackend, type TestBackend } from '../support/backend';

let backend: TestBackend;
const lines: DelayLine[] = [];

beforeAll(async () => {
  backend = await startTestBackend();
  seedServerTodos(backend.dataDir, 2500);
}, 60_000);

afterAll(async () => {
  await Promise.all(lines.map((line) => line.stop()));
  await backend?.stop();
});

/** A fresh delay line (no delay) in front of the server, so its connection count starts at 0. */
async function freshLine(): Promise<DelayLine> {
  const line = await startDelayLine(backend.url, {
    rttMs: 0,
    bandwidthBitsPerSecond: null,
    rewriteHost: true,
  });
  lines.push(line);
  return line;
}

describe('raw baselines through the delay line', { timeout: 60_000 }, () => {
  it('page through every record, one after another, on one connection', async () => {
    const line = await freshLine();
    const result = await rawPaging(line.url, { pageSize: 1000 });
    expect(result.records).toBe(2500);
    expect(result.pages).toBe(3);
    expect((await line.counters()).connections).toBe(1);
  });

  it('insert one after another on one connection', async () => {
    const line = await freshLine();
    const versions = await rawSequentialInserts(line.url, newTodos(12, 'Sequential'));
    expect(versions.size).toBe(12);
    expect((await line.counters()).connections).toBe(1);
  });

  it('with k requests in flight, use no more than k connections', async () => {
    const line = await freshLine();
    const versions = await rawInsertsInFlight(line.url, newTodos(24, 'Parallel'), 4);
    expect(versions.size).toBe(24);
    const afterInserts = (await line.counters()).connections;
    expect(afterInserts).toBeLessThanOrEqual(4);

    const paged = await rawPagingInFlight(line.url, { pageSize: 500, inFlight: 3 });
    // 2500 seeded plus what the inserts above added (the previous test's and this one's).
    expect(paged.records).toBe(2500 + 12 + 24);
    expect(paged.pages).toBe(Math.ceil((2500 + 12 + 24) / 500));
    // The pool already holds four idle connections: paging reuses them.
    expect((await line.counters()).connections).toBe(afterInserts);
  });
});
