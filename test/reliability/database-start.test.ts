/**
 * A corrupt, locked or read-only database at start: a clear message, and the file preserved.
 * The checks live in support/database-start.ts so `npm run reliability` runs the same ones.
 */
import { describe, expect, it } from 'vitest';
import { DATABASE_START_CHECKS, runDatabaseStartCheck } from './support/database-start';

describe('database file at start', () => {
  it.each(DATABASE_START_CHECKS)('%s: clear message, file preserved', async (name) => {
    const result = await runDatabaseStartCheck(name);
    expect(result.detail).not.toBe('');
    expect(result, result.detail).toMatchObject({ passed: true });
  });
});
