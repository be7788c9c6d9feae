/**
 * Push with several operations in flight, against the real server behind the fault proxy
 * (which sees each exchange start and end): a record's operations never overlap, the handler
 * is never called twice at once, a failure that stops the push is reported once with the
 * queue intact, and counts stay right.
 */
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { NetworkError, type PushHandler } from '../../../main/sync';
import { startTestBackend, type TestBackend } from '../../support/backend';
import { startFaultProxy, type FaultProxy } from '../../reliability/support/fault-proxy';
import { serverRows, syncTest as it } from './helpers';

let backend: TestBackend;
let proxy: FaultProxy;
beforeAll(async () => {
  backend = await startTestBackend({ rejectText: '#refuse' });
  proxy = await startFaultProxy({ target: backend.url, seed: 3, faultRate: 0, clientTimeoutMs: 10_000 });
});
afterAll(async () => {
  await proxy.stop();
  await backend.stop();
});
afterEach(() => {
  proxy.setHooks(undefined);
});

/** Reads, and the OPTIONS requests that open connections, are not watched. */
const isWrite = (method: string): boolean => method !== 'GET' && method !== 'OPTIONS';

/** Watches the exchanges through the proxy: how many at once, and per record. */
function watchExchanges(): { maxInFlight: number; overlaps: string[]; order: string[] } {
  const seen = { maxInFlight: 0, overlaps: [] as string[], order: [] as string[] };
  const perRecord = new Map<string, number>();
  let inFlight = 0;
  proxy.setHooks({
    async beforeForward(exchange) {
      if (!exchange.path.startsWith('/tables/todoitem') || !isWrite(exchange.method)) return;
      const id = exchange.recordId ?? '?';
      inFlight++;
      seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
      if ((perRecord.get(id) ?? 0) > 0) seen.overlaps.push(id);
      perRecord.set(id, (perRecord.get(id) ?? 0) + 1);
      seen.order.push(`${exchange.method} ${id}`);
      // Hold each request a little so that others really are in flight meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 15));
    },
    afterDelivery(exchange) {
      if (!exchange.path.startsWith('/tables/todoitem') || !isWrite(exchange.method)) return;
      const id = exchange.recordId ?? '?';
      inFlight--;
      perRecord.set(id, (perRecord.get(id) ?? 1) - 1);
    },
  });
  return seen;
}

describe('several operations in flight', () => {
  it('sends different records at once, each record’s operations one after another', async ({
    openClient,
  }) => {
    const client = await openClient(proxy.url);
    const ids: string[] = [];
    for (let index = 0; index < 24; index++) {
      ids.push((await client.todos.insert({ id: `c-${index}`, text: `todo ${index}` })).id);
    }
    const seen = watchExchanges();
    const pushing = client.context.push();
    // While the first round of inserts is in flight (c-0 to c-7, each held 15 ms): an edit of
    // one of them is queued after it, never collapsed into it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await client.todos.update({ id: 'c-0', text: 'edited while its insert was in flight' });
    await client.todos.del('c-20');
    const result = await pushing;
    await client.context.push();

    expect(result.pushed).toBeGreaterThanOrEqual(23);
    expect(seen.maxInFlight).toBeGreaterThan(1);
    expect(seen.maxInFlight).toBeLessThanOrEqual(8);
    expect(seen.overlaps).toEqual([]);
    // Queue order within a record: its insert before its update and its delete.
    expect(seen.order.indexOf('POST c-0')).toBeLessThan(seen.order.indexOf('PATCH c-0'));
    // c-20 had not left yet: its insert and delete cancelled out, nothing was sent for it.
    expect(seen.order.filter((entry) => entry.endsWith(' c-20'))).toEqual([]);
    const onServer = new Map((await serverRows(backend.url)).map((row) => [row.id, row]));
    expect(onServer.get('c-0')?.text).toBe('edited while its insert was in flight');
    expect(onServer.has('c-20')).toBe(false);
    expect(ids.filter((id) => id !== 'c-20' && !onServer.has(id))).toEqual([]);
    expect(client.context.getPendingOperations()).toEqual([]);
    expect(client.context.getStatus().phase).toEqual({ kind: 'idle' });
  });

  it('lists a long queue once per push, not once per answer, and still takes edits queued meanwhile', async ({
    openClient,
  }) => {
    const client = await openClient(backend.url);
    for (let index = 0; index < 200; index++)
      await client.todos.insert({ id: `q-${index}`, text: `queued ${index}` });
    const operations = client.store.operations;
    const list = operations.list.bind(operations);
    let listings = 0;
    operations.list = (filter) => {
      if (filter?.recordId === undefined) listings++;
      return list(filter);
    };
    const pushing = client.context.push();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await client.todos.insert({ id: 'q-late', text: 'queued during the push' });
    const result = await pushing;
    // One listing to start, one when the late insert joined; 200 answers did not re-read the queue.
    expect(listings).toBeLessThanOrEqual(3);
    expect(result.pushed).toBe(201);
    expect(client.context.getPendingOperations()).toEqual([]);
    expect((await serverRows(backend.url)).filter((row) => row.id.startsWith('q-'))).toHaveLength(201);
  });

  it('writes each answer with the next operation’s mark in one transaction, and removes an operation only with its reply', async ({
    openClient,
  }) => {
    const client = await openClient(proxy.url);
    const count = 40;
    for (let index = 0; index < count; index++)
      await client.todos.insert({ id: `g-${index}`, text: `grouped ${index}` });
    const { store } = client;
    const transaction = store.transaction.bind(store);
    let depth = 0;
    let transactions = 0;
    const broken: string[] = [];
    store.transaction = ((fn, options) => {
      if (depth === 0) transactions++;
      depth++;
      try {
        return transaction(fn, options);
      } finally {
        depth--;
        if (depth === 0) {
          // After every commit: a record whose operation is gone holds the server's reply.
          const pending = new Set(store.operations.list().map((operation) => operation.recordId));
          for (let index = 0; index < count; index++) {
            const id = `g-${index}`;
            if (!pending.has(id) && !store.tableByName('todoitem').lookup(id)?.version) broken.push(id);
          }
        }
      }
    }) as typeof store.transaction;
    const seen = watchExchanges();
    const result = await client.context.push();
    store.transaction = transaction;

    expect(result.pushed).toBe(count);
    expect(seen.maxInFlight).toBeGreaterThan(1);
    expect(broken).toEqual([]);
    // A transaction per reply and another per mark would be 2 * count.
    expect(transactions).toBeLessThanOrEqual(count + 2);
    expect(client.context.getPendingOperations()).toEqual([]);
    expect((await serverRows(backend.url)).filter((row) => row.id.startsWith('g-'))).toHaveLength(count);
  });

  it('sends a whole round at once to a server that answered, and probes alone after one that did not', async ({
    openClient,
  }) => {
    const client = await openClient(proxy.url);
    for (let index = 0; index < 24; index++)
      await client.todos.insert({ id: `w-${index}`, text: `warm ${index}` });
    const waitFor = async (done: () => boolean): Promise<void> => {
      const until = Date.now() + 3000;
      while (!done() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    let opened = 0;
    let posts = 0;
    let postsTogether = -1;
    let openedWhileFirstHeld = -1;
    let phase: 'cold' | 'probe' = 'cold';
    proxy.setHooks({
      async beforeForward(exchange) {
        if (exchange.method === 'OPTIONS') opened++;
        if (exchange.method !== 'POST' || ++posts !== 1) return;
        if (phase === 'cold') {
          // Hold the first insert: the others of its round arrive meanwhile, or never do. Then
          // it never reaches the server.
          await waitFor(() => posts >= 8);
          postsTogether = posts;
          return false;
        } else {
          // Hold the probe: the requests that arrive meanwhile came on other connections.
          await waitFor(() => opened >= 7);
          openedWhileFirstHeld = opened;
        }
      },
    });
    // This client has not seen the server fail: its first round goes at once (a request alone
    // first would cost every push a round trip).
    await expect(client.context.push()).rejects.toThrow();
    expect(postsTogether).toBe(8);
    expect(opened).toBe(0);
    expect(client.context.getStatus().connectivity).toBe('offline');
    const left = client.context.getPendingOperations().length;
    expect(left).toBeGreaterThanOrEqual(16);

    // After that failure the next push probes with one request; the seven others of its first
    // round find their connections open.
    phase = 'probe';
    posts = 0;
    opened = 0;
    const result = await client.context.push();
    expect(result.pushed).toBe(left);
    expect(openedWhileFirstHeld).toBe(7);
    expect(opened).toBe(7);
    expect(client.context.getPendingOperations()).toEqual([]);

    // A single operation has nothing to open connections for.
    await client.todos.insert({ id: 'w-alone', text: 'alone' });
    opened = 0;
    await client.context.push();
    expect(opened).toBe(0);
  });

  it('calls the push handler for one refusal at a time, and counts each once', async ({ openClient }) => {
    const client = await openClient(proxy.url);
    for (let index = 0; index < 10; index++) await client.todos.insert({ text: `refused ${index} #refuse` });
    for (let index = 0; index < 6; index++) await client.todos.insert({ text: `accepted ${index}` });
    let calls = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const handler: PushHandler = {
      async onError() {
        calls++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((resolve) => setTimeout(resolve, 10));
        concurrent--;
      },
    };
    client.context.pushHandler = handler;
    const result = await client.context.push();
    expect(calls).toBe(10);
    expect(maxConcurrent).toBe(1);
    expect(result).toMatchObject({ pushed: 6, skipped: 0, deferred: 0 });
    expect(result.issues).toHaveLength(10);
    expect(client.context.listIssues()).toHaveLength(10);
    expect(client.context.getPendingOperations()).toHaveLength(10);
  });

  it('a connection lost mid-push stops it once, with every unsent operation still queued and none marked', async ({
    openClient,
  }) => {
    const client = await openClient(proxy.url);
    for (let index = 0; index < 30; index++)
      await client.todos.insert({ id: `n-${index}`, text: `n ${index}` });
    let forwarded = 0;
    proxy.setHooks({
      beforeForward(exchange) {
        if (exchange.method !== 'POST') return;
        forwarded++;
        // The server vanishes after a few requests: the rest never arrive.
        return forwarded <= 5;
      },
    });
    await expect(client.context.push()).rejects.toBeInstanceOf(NetworkError);
    const landed = (await serverRows(backend.url)).filter((row) => row.id.startsWith('n-')).length;
    const pending = client.context.getPendingOperations();
    expect(landed).toBe(5);
    expect(pending).toHaveLength(25);
    expect(pending.every((operation) => !operation.pushing)).toBe(true);
    expect(client.context.listIssues()).toEqual([]);
    expect(client.context.getStatus()).toMatchObject({
      connectivity: 'offline',
      lastError: { code: 'network' },
    });

    proxy.setHooks(undefined);
    const healed = await client.context.push();
    // Requests dropped on the way may have been sent: those are recognised, none doubled.
    expect(healed.pushed).toBe(25);
    expect((await serverRows(backend.url)).filter((row) => row.id.startsWith('n-'))).toHaveLength(30);
  });
});
