/** The pure three-way helpers of main/sync/merge.ts: no server, no store. */
import { describe, expect, it } from 'vitest';
import { editAgainstBase } from '../../../main/sync/merge';

describe('editAgainstBase: an edit made against what an editor showed', () => {
  const base = { text: 'Buy milk', complete: false, notes: null };

  it('takes the edit when nobody changed the field meanwhile', () => {
    expect(editAgainstBase(base, { ...base }, { text: 'Buy oat milk' })).toEqual({
      changes: { text: 'Buy oat milk' },
      conflictingFields: [],
    });
  });

  it('a change to another field that arrived meanwhile merges: it is not part of the write', () => {
    const current = { ...base, notes: 'From the corner shop', complete: true };
    expect(editAgainstBase(base, current, { text: 'Buy oat milk' })).toEqual({
      changes: { text: 'Buy oat milk' },
      conflictingFields: [],
    });
  });

  it('the same field changed meanwhile to another value is a conflict, carrying the edit', () => {
    const current = { ...base, text: 'Buy milk and eggs' };
    expect(editAgainstBase(base, current, { text: 'Buy oat milk' })).toEqual({
      changes: { text: 'Buy oat milk' },
      conflictingFields: ['text'],
    });
  });

  it('the same field changed meanwhile to what the person typed needs nothing', () => {
    const current = { ...base, text: 'Buy oat milk' };
    expect(editAgainstBase(base, current, { text: 'Buy oat milk' })).toEqual({
      changes: {},
      conflictingFields: [],
    });
  });

  it('an unchanged value is no write; a field without a base value takes the edit', () => {
    expect(editAgainstBase(base, { ...base }, { text: 'Buy milk', complete: true })).toEqual({
      changes: { complete: true },
      conflictingFields: [],
    });
    expect(editAgainstBase({}, { ...base, text: 'Other' }, { text: 'Mine' })).toEqual({
      changes: { text: 'Mine' },
      conflictingFields: [],
    });
  });

  it('compares across representations (a Date and its ISO string, null and undefined)', () => {
    const at = new Date('2026-12-01T10:00:00.000Z');
    const current = { reminderAt: at, notes: undefined };
    expect(
      editAgainstBase({ reminderAt: at.toISOString(), notes: null }, current, {
        reminderAt: null,
        notes: 'x',
      }),
    ).toEqual({ changes: { reminderAt: null, notes: 'x' }, conflictingFields: [] });
  });
});
