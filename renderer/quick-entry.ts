/**
 * What the add field understands: a date or time in plain words ("Call Sam tomorrow 9am"),
 * and a paste of several lines (one todo per line). Parsing only proposes: the field shows
 * the date as a chip the person can remove before saving, so a misread word costs one click.
 */
import { toDueDate } from '../common/due-dates';

type DateParser = typeof import('chrono-node/en');
let parser: DateParser | null = null;
let loading: Promise<DateParser> | null = null;

/**
 * The English parser is loaded on its own, after the first paint: it is most of the add
 * field's code, and the list of 10,000 todos must not wait for it. Until it is there, text
 * is taken as typed.
 */
export function loadDateParser(): Promise<DateParser> {
  loading ??= import('chrono-node/en').then((module) => (parser = module));
  return loading;
}

export interface TodoSchedule {
  /** See common/due-dates.ts: a day, or a day and a time. */
  dueDate: string;
  /** Set when a time was said: the reminder fires then. */
  reminderAt: Date | null;
}

export interface ParsedEntry {
  /** The text without the date words (the whole text if nothing else would be left). */
  text: string;
  schedule: TodoSchedule | null;
  /** The words that were read as the date, as typed. */
  matched: string | null;
}

export function parseEntry(input: string, now: Date): ParsedEntry {
  const text = input.trim();
  const result = parser?.parse(text, now, { forwardDate: true })[0];
  if (!result) return { text, schedule: null, matched: null };
  const rest = `${text.slice(0, result.index)} ${text.slice(result.index + result.text.length)}`
    .replace(/\s+/g, ' ')
    // "Dentist at 3pm" leaves "Dentist at" when chrono takes only "3pm".
    .replace(/\s+(?:on|at|by|due)$/i, '')
    .trim();
  const date = result.start.date();
  const withTime = result.start.isCertain('hour');
  return {
    text: rest === '' ? text : rest,
    schedule: { dueDate: toDueDate(date, withTime), reminderAt: withTime ? date : null },
    matched: result.text,
  };
}

/** The lines of a paste worth a todo each: blank lines dropped, list bullets and boxes removed. */
export function pastedLines(pasted: string): string[] {
  return pasted
    .split(/\r\n|\r|\n/)
    .map((line) =>
      line
        .trim()
        .replace(/^(?:[-*•+]\s+|\d+[.)]\s+|\[[ xX]?\]\s*)/, '')
        .replace(/^(?:\[[ xX]?\]\s*)/, '')
        .trim(),
    )
    .filter((line) => line !== '');
}
