/**
 * A reduced run of the oversize-records case (the full one is `npm run reliability`): on a
 * server that takes bodies up to 100 kB, inserts and edits with longer notes (through the
 * engine's API, which the IPC contract would have refused) each end as one plainly worded
 * refused change while everything within common/todo-limits.ts syncs, nothing duplicated.
 * Replay a failure with `npm run reliability -- --only oversize-records --seeds <seed>`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todoTable } from '../../common/todo-table';
import { runSyncPass, type SyncIssueDetails } from '../../main/sync';
import { startTestBackend, type TestBackend } from '../support/backend';
import type { ServerTodo } from '../support/server';
import { describeFinding } from './support/findings';
import { isPlainRefusal, runOversizeRecords } from './support/oversize-records';
import { listSliceRows } from './support/server-rows';
import { openSyncClient } from './support/sync-client';

const SEEDS = [501, 502];

let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend({ bodyLimit: '100kb' });
});

afterAll(async () => {
  await backend.stop();
});

describe('records over the server’s body limit', () => {
  it('a refusal reads plainly only without codes or jargon', () => {
    expect(
      isPlainRefusal('This todo is too large for the server to store. Shorten its notes, then try again.'),
    ).toBe(true);
    expect(isPlainRefusal('The server refused this change: request entity too large')).toBe(false);
    expect(isPlainRefusal('HTTP 413: too large')).toBe(false);
  });

  // What seed 501 found, alone: Edit and retry shortens the notes, the person edits the todo
  // once more before the next sync, and that sync must send the shortened todo, not the
  // refused body the first attempt fixed.
  it('a refused todo shortened with Edit and retry, then edited again, syncs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oversize-retry-'));
    const client = await openSyncClient({
      name: 'A',
      dbPath: path.join(dir, 'a.sqlite'),
      backendUrl: backend.url,
      policy: 'ask',
      idPrefix: 'retry-',
      timeoutMs: 10_000,
    });
    try {
      const pass = () => runSyncPass(client.context, { tables: [todoTable], pull: true });
      await client.table.insert({
        id: 'retry-1',
        text: 'long one',
        complete: false,
        notes: 'x'.repeat(150_000),
      });
      expect((await pass()).rejected).toBe(1);
      const [refused] = client.issues();
      await client.context.retryIssue((refused as SyncIssueDetails).id, { notes: 'short now' });
      await client.table.update({ id: 'retry-1', complete: true });
      await pass();
      expect(client.issues().map((issue) => issue.message)).toEqual([]);
      expect(client.pendingOperations()).toBe(0);
      const [row] = (await listSliceRows(backend.url, 'retry-')) as ServerTodo[];
      expect({ notes: row?.notes, complete: row?.complete }).toEqual({ notes: 'short now', complete: true });
    } finally {
      client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(SEEDS)(
    'seed %i: each oversize change is one plain refusal, the rest syncs, nothing duplicated',
    async (seed) => {
      const outcome = await runOversizeRecords({
        seed,
        serverUrl: backend.url,
        workDir: os.tmpdir(),
        steps: 30,
        clientTimeoutMs: 10_000,
      });
      expect(outcome.findings.map(describeFinding)).toEqual([]);
      expect(outcome.stats.oversizeEdits).toBeGreaterThan(1);
      expect(outcome.stats.refusals).toBe(outcome.stats.oversizeEdits);
      expect(outcome.stats.edits - outcome.stats.oversizeEdits).toBeGreaterThan(5);
      expect(outcome.lostEdits).toBe(0);
      expect(outcome.duplicates).toBe(0);
      expect(outcome.converged).toBe(true);
    },
    60_000,
  );
});
