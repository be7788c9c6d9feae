/**
 * A reduced run of the ties-during-pull case (the full one is `npm run reliability`): a tie of
 * rows sharing one updatedAt, written into the server's file, is pulled in small pages, one at
 * a time and several in flight, while another writer changes random rows of it between pages;
 * after a final pull the client holds exactly the server's rows and versions. Replay a failure
 * with `npm run reliability -- --only ties-during-pull --seeds <seed>`.
 */
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../support/backend';
import { describeFinding } from './support/findings';
import { runTiesDuringPull } from './support/ties-during-pull';

const SEEDS = [301, 302];

let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend();
});

afterAll(async () => {
  await backend.stop();
});

describe('a timestamp tie updated while it is pulled', () => {
  it.each(SEEDS.flatMap((seed) => [1, 4].map((pagesInFlight) => [seed, pagesInFlight] as const)))(
    'seed %i, %i page(s) in flight: nothing lost, nothing stale after the final pull',
    async (seed, pagesInFlight) => {
      const outcome = await runTiesDuringPull({
        seed,
        pagesInFlight,
        serverUrl: backend.url,
        serverDataDir: backend.dataDir,
        workDir: os.tmpdir(),
        rows: [40, 80],
        rounds: 2,
        clientTimeoutMs: 5_000,
      });
      expect(outcome.findings.map(describeFinding)).toEqual([]);
      // The writer really acted during the pulls, and the pulls really took many pages.
      expect(outcome.writes.patch + outcome.writes.restamp).toBeGreaterThan(2);
      expect(outcome.pageRequests).toBeGreaterThan(outcome.tieRows / outcome.pageSize);
      expect(outcome.lost).toBe(0);
      expect(outcome.stale).toBe(0);
    },
    60_000,
  );
});
