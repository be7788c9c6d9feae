/**
 * A reduced run of the 500s-mixed-with-good-operations case (the full one is `npm run
 * reliability`): the proxy answers 500 to a random subset of records' writes again and again
 * while other requests go through; each sync pass still brings other installations' changes,
 * and once the 500s stop every acknowledged edit lands. Replay a failure with
 * `npm run reliability -- --only mixed-500 --seeds <seed>`.
 */
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../support/backend';
import { describeFinding } from './support/findings';
import { runMixed500 } from './support/mixed-500';

const SEEDS = [401, 402];

let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend();
});

afterAll(async () => {
  await backend.stop();
});

describe('500s on some operations while others go through', () => {
  it.each(SEEDS)(
    'seed %i: changes keep arriving meanwhile, and every acknowledged edit lands',
    async (seed) => {
      const outcome = await runMixed500({
        seed,
        serverUrl: backend.url,
        workDir: os.tmpdir(),
        steps: 30,
        clientTimeoutMs: 5_000,
      });
      expect(outcome.findings.map(describeFinding)).toEqual([]);
      // The case did what it says: writes failed and others went through, passes left
      // operations for later and still brought rows, some records failed up to the limit.
      expect(outcome.stats.failedWrites).toBeGreaterThan(3);
      expect(outcome.stats.goodWrites).toBeGreaterThan(3);
      expect(outcome.stats.passesRetrying).toBeGreaterThan(0);
      expect(outcome.stats.arrivedWhileRetrying).toBeGreaterThan(0);
      expect(outcome.lostEdits).toBe(0);
      expect(outcome.duplicates).toBe(0);
      expect(outcome.converged).toBe(true);
    },
    60_000,
  );
});
