/** What the add field reads from typed and pasted text (renderer/quick-entry.ts). */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDateParser, parseEntry, pastedLines } from '../../renderer/quick-entry';

// A Wednesday, 10:30 local time.
const NOW = new Date(2026, 11, 2, 10, 30);

beforeAll(async () => {
  await loadDateParser();
});

describe('parseEntry', () => {
  it('takes a day and a time out of the text; a time also sets the reminder', () => {
    const entry = parseEntry('Call Sam tomorrow 9am', NOW);
    expect(entry.text).toBe('Call Sam');
    expect(entry.matched).toBe('tomorrow 9am');
    expect(entry.schedule?.dueDate).toBe('2026-12-03T09:00');
    expect(entry.schedule?.reminderAt?.getTime()).toBe(new Date(2026, 11, 3, 9, 0).getTime());
  });

  it('a day alone is a due date without a reminder; "at" before a time goes too', () => {
    expect(parseEntry('Water the plants today', NOW).schedule).toEqual({
      dueDate: '2026-12-02',
      reminderAt: null,
    });
    expect(parseEntry('Dentist at 3pm', NOW)).toMatchObject({
      text: 'Dentist',
      schedule: { dueDate: '2026-12-02T15:00' },
    });
  });

  it('text without a date is left alone, and a date alone keeps its words as the text', () => {
    expect(parseEntry('  Buy 2 apples ', NOW)).toEqual({
      text: 'Buy 2 apples',
      schedule: null,
      matched: null,
    });
    expect(parseEntry('tomorrow', NOW)).toMatchObject({
      text: 'tomorrow',
      schedule: { dueDate: '2026-12-03' },
    });
  });
});

describe('pastedLines', () => {
  it('one entry per non-blank line, bullets, numbers and boxes removed', () => {
    expect(
      pastedLines('- Buy milk\r\n* Call Sam\n\n  3. Pay rent  \n[ ] Renew passport\n• Book flights\n'),
    ).toEqual(['Buy milk', 'Call Sam', 'Pay rent', 'Renew passport', 'Book flights']);
    expect(pastedLines('just one line')).toEqual(['just one line']);
    expect(pastedLines('\n \n')).toEqual([]);
  });
});
