/**
 * What a person reads when a request or a sync fails: sentences without the code's field names,
 * zod's jargon or HTTP status codes (issue 13 item 11).
 */
import { describe, expect, it } from 'vitest';
import { settingsPatchSchema, todoUpdateSchema, newTodoSchema } from '../../../common/ipc-contract';
import { describeZodIssues, knownErrorPayload, zodIssuesForLog } from '../../../main/ipc/errors';
import { describeDuration, PurgeRefusedError, TimeoutError } from '../../../main/sync/errors';

const INTERNAL_WORDS =
  /backendUrl|syncIntervalMinutes|conflictPolicy|authToken|changes\.|\btext:|\(\d{3}\)|expected|Too big|Too small|Invalid input|Unrecognized/;

function issuesOf(result: { success: boolean; error?: unknown }): string[] {
  if (result.success) throw new Error('expected the schema to refuse');
  return describeZodIssues(result.error as Parameters<typeof describeZodIssues>[0]);
}

describe('describeZodIssues', () => {
  it('keeps the schema’s own sentence and drops the field path', () => {
    const issues = issuesOf(settingsPatchSchema.safeParse({ backendUrl: 'javascript:alert(1)' }));
    expect(issues).toEqual([
      expect.stringMatching(/^The backend address must be an http:\/\/ or https:\/\//),
    ]);
    expect(issues.join(' ')).not.toMatch(INTERNAL_WORDS);
  });

  it('puts zod’s own messages into words with the field as the form names it', () => {
    expect(issuesOf(newTodoSchema.safeParse({ text: 'x'.repeat(10_001) }))).toEqual([
      'The text can be at most 10,000 characters long.',
    ]);
    expect(issuesOf(settingsPatchSchema.safeParse({ syncIntervalMinutes: 0 }))).toEqual([
      'The sync interval must be at least 1.',
    ]);
    expect(issuesOf(settingsPatchSchema.safeParse({ conflictPolicy: 'coin-flip' }))).toEqual([
      'The choice for conflicts must be one of the offered choices.',
    ]);
    expect(issuesOf(settingsPatchSchema.safeParse({ workOffline: 'yes' }))).toEqual([
      '“Work offline” is missing or is not the right kind of value.',
    ]);
  });

  it('nested and unknown fields read as sentences too, and each problem is said once', () => {
    const issues = issuesOf(
      todoUpdateSchema.safeParse({ id: 'a', changes: { text: '   ', colour: 'red' }, extra: 1 }),
    );
    expect(issues).toEqual([
      'A todo needs some text',
      'The request holds something this version of Todo Sync does not know.',
    ]);
    for (const issue of issues) expect(issue).not.toMatch(INTERNAL_WORDS);
  });

  it('the log keeps the technical form', () => {
    const result = settingsPatchSchema.safeParse({ syncIntervalMinutes: 0 });
    if (result.success) throw new Error('expected a refusal');
    expect(zodIssuesForLog(result.error)).toEqual([expect.stringMatching(/^syncIntervalMinutes: /)]);
  });

  it('a zod error thrown by a service crosses with the readable sentence as its message', () => {
    const result = settingsPatchSchema.safeParse({ syncIntervalMinutes: 100_000 });
    if (result.success) throw new Error('expected a refusal');
    expect(knownErrorPayload(result.error)).toEqual({
      code: 'invalid-request',
      message: 'The sync interval can be at most 1,440.',
      issues: ['The sync interval can be at most 1,440.'],
    });
  });
});

describe('sync error sentences', () => {
  const request = { method: 'GET', path: '/tables/todoitem' };

  it.each([
    [500, '500 milliseconds'],
    [1000, '1 second'],
    [1500, '1.5 seconds'],
    [15_000, '15 seconds'],
    [30_000, '30 seconds'],
    [90_000, '90 seconds'],
    [180_000, '3 minutes'],
    [150_000, '2.5 minutes'],
  ])('a %d ms wait is "%s"', (ms, words) => {
    expect(describeDuration(ms)).toBe(words);
  });

  it('a timeout names the wait that was really configured', () => {
    expect(new TimeoutError(request, 500).message).toBe(
      'The server did not answer within 500 milliseconds. Syncing will try again.',
    );
    expect(new TimeoutError(request, 15_000).message).toContain('within 15 seconds');
  });

  it('a refused purge does not name the table or an internal option', () => {
    expect(new PurgeRefusedError('todoitem', 1).message).toBe(
      '1 change not synced yet would be lost. Sync first, or confirm that they may be discarded.',
    );
    expect(new PurgeRefusedError('todoitem', 3).message).not.toMatch(/todoitem|force|\(s\)/);
  });
});
