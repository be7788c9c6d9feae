import { describe, expect, it } from 'vitest';
import { rowLabel } from '../../renderer/row-label';

const base = { text: 'Call the plumber', complete: false, notes: null, pending: true, issue: null } as const;

describe('rowLabel', () => {
  it('says the state, the text and the sync state once', () => {
    expect(rowLabel(base)).toBe('Not done: Call the plumber, not synced');
    expect(rowLabel({ ...base, complete: true, pending: false })).toBe('Done: Call the plumber, synced');
  });

  it('mentions notes, issues and selection', () => {
    expect(rowLabel({ ...base, notes: 'Leak under the sink' })).toBe(
      'Not done: Call the plumber, has notes, not synced',
    );
    expect(rowLabel({ ...base, issue: 'conflict' })).toBe('Not done: Call the plumber, conflict, needs you');
    expect(rowLabel({ ...base, issue: 'rejected' })).toBe(
      'Not done: Call the plumber, refused by the server',
    );
    expect(rowLabel(base, { selected: true })).toBe('Selected. Not done: Call the plumber, not synced');
  });
});
