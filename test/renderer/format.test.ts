import { describe, expect, it } from 'vitest';
import { describePhase, plural, relativeTime } from '../../renderer/format';

describe('relativeTime', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it.each([
    ['2026-03-01T11:59:30Z', 'just now'],
    ['2026-03-01T11:58:00Z', '2 min ago'],
    ['2026-03-01T09:00:00Z', '3 h ago'],
    ['2026-02-28T10:00:00Z', 'yesterday'],
    ['2026-03-01T12:00:05Z', 'just now'],
  ])('%s is "%s"', (iso, expected) => {
    expect(relativeTime(iso, now)).toBe(expected);
  });
  it('says so when the time cannot be read', () => {
    expect(relativeTime('not a date', now)).toBe('at an unknown time');
  });
});

describe('describePhase', () => {
  it('is null when idle', () => {
    expect(describePhase({ kind: 'idle' })).toBeNull();
  });
  it('counts records of the total during a pull', () => {
    expect(describePhase({ kind: 'pulling', table: 'todoitem', received: 2500, total: 10000 })).toEqual({
      text: `Syncing… ${(2500).toLocaleString()} of ${(10000).toLocaleString()} records`,
      fraction: 0.25,
    });
  });
  it('has no fraction while the total is unknown', () => {
    expect(describePhase({ kind: 'pulling', table: 'todoitem', received: 1, total: null })).toEqual({
      text: 'Syncing… 1 record received',
      fraction: null,
    });
  });
  it('counts changes sent during a push', () => {
    expect(describePhase({ kind: 'pushing', done: 1, total: 4 })?.text).toBe('Sending changes… 1 of 4');
  });
});

describe('plural', () => {
  it('picks the form by count', () => {
    expect(plural(1, 'change', 'changes')).toBe('1 change');
    expect(plural(0, 'change', 'changes')).toBe('0 changes');
  });
});
