/**
 * Malformed IPC payloads through the real dispatcher and handlers: each gets its typed error,
 * writes nothing, and the process keeps answering. The same suite runs in `npm run reliability`.
 */
import { describe, expect, it } from 'vitest';
import { runBadInput } from './support/bad-input';
import { describeFinding } from './support/findings';

describe('malformed IPC payloads', () => {
  it('every one of at least 200 gets a typed error, changes nothing and leaves the process healthy', async () => {
    const outcome = await runBadInput();
    expect(outcome.cases).toBeGreaterThanOrEqual(200);
    expect(Object.keys(outcome.byKind).sort()).toEqual(
      [
        'exotic-value',
        'extra-field',
        'foreign-sender',
        'huge-string',
        'missing-field',
        'out-of-range',
        'prototype-key',
        'sql-in-name',
        'sql-in-value',
        'unknown-channel',
        'unknown-id',
        'wrong-type',
      ].sort(),
    );
    expect(outcome.findings.map(describeFinding)).toEqual([]);
    expect(outcome.passed).toBe(outcome.cases);
    expect(outcome.hostileValidChecks).toBeGreaterThan(0);
  });
});
