/**
 * A reduced crash run (the full one is `npm run reliability`): the store + engine process is
 * killed with SIGKILL at seeded write, push and pull points, restarted and settled; every
 * acknowledged edit is on the server exactly once and the local store equals the server.
 * Replay a failure with `npm run reliability -- --only crash --seeds <seed> --policies <policy>`.
 */
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../support/backend';
import { runCrashSeed } from './support/crash';
import { describeFinding } from './support/findings';

let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend();
});

afterAll(async () => {
  await backend.stop();
});

describe('crash recovery', () => {
  it.each([
    { seed: 101, policy: 'merge' as const },
    { seed: 102, policy: 'server-wins' as const },
  ])(
    'seed $seed ($policy): nothing acknowledged is lost or doubled after SIGKILLs',
    async ({ seed, policy }) => {
      const outcome = await runCrashSeed({
        seed,
        policy,
        serverUrl: backend.url,
        workDir: os.tmpdir(),
        kills: 3,
        faultRate: 0.15,
        clientTimeoutMs: 800,
        steps: 8,
      });
      const report = [
        ...outcome.findings.map(describeFinding),
        ...Object.values(outcome.timelines)
          .flat()
          .map((line) => line.slice(0, 300)),
      ];
      expect(outcome.kills, outcome.runs.join('\n')).toBe(3);
      expect(outcome.acknowledgedEdits).toBeGreaterThan(0);
      expect(report).toEqual([]);
      expect({
        lost: outcome.lostEdits,
        duplicates: outcome.duplicates,
        crashes: outcome.processCrashes,
      }).toEqual({
        lost: 0,
        duplicates: 0,
        crashes: 0,
      });
    },
    180_000,
  );
});
