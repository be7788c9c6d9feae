/**
 * Each kind of malformed server reply (truncated, not JSON, wrong shape, no ETag/version, an
 * HTML 502) to each kind of request: recorded as an error a person can read, the queue intact,
 * and the change lands exactly once when the server answers properly again.
 */
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBackend, type TestBackend } from '../support/backend';
import { BAD_REPLY_CASES, runBadReplyCase } from './support/bad-reply';
import { describeFinding } from './support/findings';

let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend();
});

afterAll(async () => {
  await backend.stop();
});

describe('malformed server replies', () => {
  it.each(BAD_REPLY_CASES.map((badCase, index) => ({ ...badCase, index: index + 1 })))(
    '$fault reply to $target: recorded as an error, queue intact',
    async ({ fault, target, index }) => {
      const outcome = await runBadReplyCase(
        { fault, target },
        { serverUrl: backend.url, workDir: os.tmpdir(), index },
      );
      expect(outcome.findings.map(describeFinding)).toEqual([]);
      expect(outcome.recordedAs).not.toMatch(/^nothing/);
    },
  );
});
