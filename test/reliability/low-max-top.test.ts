/**
 * A reduced run of the lower-maxTop case (the full one is `npm run reliability`): the
 * convergence scenario (three installations, the fault proxy, every conflict policy in the
 * full run) against servers that allow fewer rows per request than the protocol's 1,000.
 * The installations are not told: they ask for 1,000, get the server's 400, page within its
 * limit, and still all equal the server with nothing lost. Replay a failure with
 * `npm run reliability -- --only low-max-top --seeds <seed> --policies <policy>`.
 */
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../support/backend';
import { runConvergence } from './support/convergence';
import { describeFinding } from './support/findings';

const CASES = [
  { maxTop: 7, seed: 601, policy: 'ask' },
  { maxTop: 25, seed: 602, policy: 'server-wins' },
] as const;

const backends = new Map<number, TestBackend>();

beforeAll(async () => {
  for (const { maxTop } of CASES) backends.set(maxTop, await startTestBackend({ maxTop }));
});

afterAll(async () => {
  await Promise.all([...backends.values()].map((backend) => backend.stop()));
});

describe('convergence against a server with a lower maxTop', () => {
  it.each(CASES)(
    'maxTop $maxTop, seed $seed under $policy: everyone equals the server, nothing vanished',
    async ({ maxTop, seed, policy }) => {
      const backend = backends.get(maxTop) as TestBackend;
      const outcome = await runConvergence({
        seed,
        policy,
        serverUrl: backend.url,
        serverMaxTop: maxTop,
        // More todos than two pages: the first pull of B and C spans several.
        initialTodos: 2 * maxTop + 3,
        workDir: os.tmpdir(),
        steps: 25,
        faultRate: 0.15,
        clientTimeoutMs: 800,
      });
      expect([...outcome.findings.map(describeFinding), ...Object.values(outcome.timelines).flat()]).toEqual(
        [],
      );
      // Every installation asked for more than the limit and was told; replies were full
      // pages of the limit, never more.
      expect(outcome.stats.pageLimitRefusals).toBeGreaterThanOrEqual(3);
      expect(outcome.stats.largestPage).toBe(maxTop);
      expect(outcome.stats.edits).toBeGreaterThan(10);
      expect(outcome.converged).toBe(true);
    },
    60_000,
  );
});
