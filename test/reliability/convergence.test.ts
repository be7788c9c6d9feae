/**
 * A reduced convergence run (the full one is `npm run reliability`): three installations edit
 * the same todos offline and sync through the fault proxy in a seeded interleaving, under each
 * conflict policy; afterwards all equal the server, and no edit vanished without a conflict
 * policy or the person deciding. Replay a failure with
 * `npm run reliability -- --only convergence --seeds <seed> --policies <policy>`.
 */
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFLICT_POLICIES } from '../../common/sync-types';
import { startTestBackend, type TestBackend } from '../support/backend';
import { runConvergence } from './support/convergence';
import { describeFinding } from './support/findings';

const SEED = 201;

let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend();
});

afterAll(async () => {
  await backend.stop();
});

describe('convergence of three installations', () => {
  it.each(CONFLICT_POLICIES)(
    `seed ${SEED} under %s: everyone equals the server, nothing vanished silently`,
    async (policy) => {
      const outcome = await runConvergence({
        seed: SEED,
        policy,
        serverUrl: backend.url,
        workDir: os.tmpdir(),
        steps: 25,
        faultRate: 0.15,
        clientTimeoutMs: 800,
      });
      const report = [
        ...outcome.findings.map(describeFinding),
        ...Object.values(outcome.timelines)
          .flat()
          .map((line) => line.slice(0, 300)),
      ];
      expect(outcome.stats.edits).toBeGreaterThan(10);
      expect(report).toEqual([]);
      expect(outcome.converged).toBe(true);
    },
    120_000,
  );
});
