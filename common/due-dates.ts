/**
 * Due dates as the todo table keeps them: "2026-12-02" (a day) or "2026-12-02T09:00" (a day
 * and a time) on the person's own calendar. Both forms compare correctly as text, and a timed
 * due date sorts after its plain day ("2026-12-02" < "2026-12-02T09:00" < "2026-12-03"), which
 * is what lets the Today / Upcoming / Overdue views run as plain comparisons in SQL.
 * Shared by main (the views, the reminders) and the renderer (the chip, the row).
 */

export const DUE_DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d)?$/;

/** The views that filter by due date. */
export const DUE_VIEWS = ['today', 'upcoming', 'overdue'] as const;
export type DueView = (typeof DUE_VIEWS)[number];

const pad = (value: number): string => String(value).padStart(2, '0');

/** The local calendar day of `date`, "YYYY-MM-DD". */
export function localDay(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The local minute of `date`, "YYYY-MM-DDTHH:mm". */
export function localMinute(date: Date): string {
  return `${localDay(date)}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A due date for `date`: with its local time, or only its day. */
export function toDueDate(date: Date, withTime: boolean): string {
  return withTime ? localMinute(date) : localDay(date);
}

export function hasDueTime(dueDate: string): boolean {
  return dueDate.includes('T');
}

/** The local moment a due date stands for (midnight for a plain day); null for bad text. */
export function dueDateToDate(dueDate: string): Date | null {
  if (!DUE_DATE_PATTERN.test(dueDate)) return null;
  const [day, time] = dueDate.split('T') as [string, string | undefined];
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const [hours, minutes] = (time ?? '00:00').split(':').map(Number) as [number, number];
  const result = new Date(year, month - 1, date, hours, minutes);
  // 2026-02-31 passes the pattern but is not a day: Date rolls it over into March.
  return result.getDate() === date ? result : null;
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

/**
 * The bounds of each view at `now`, as due-date text: Today is any due date on today's day;
 * Upcoming starts tomorrow; Overdue is a day before today or a time before now.
 */
export function dueViewBounds(now: Date): {
  today: string;
  tomorrow: string;
  /** Everything of today with a time sorts at or after this. */
  todayTimed: string;
  nowMinute: string;
} {
  const today = localDay(now);
  return { today, tomorrow: localDay(addDays(now, 1)), todayTimed: `${today}T`, nowMinute: localMinute(now) };
}

/** Whether a due date is past at `now` (a plain day is past once the day is over). */
export function isOverdue(dueDate: string, now: Date): boolean {
  const bounds = dueViewBounds(now);
  return hasDueTime(dueDate) ? dueDate < bounds.nowMinute : dueDate < bounds.today;
}

const WEEKDAY = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const DAY_MONTH = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const DAY_MONTH_YEAR = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});
const TIME = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

/** "Today", "Tomorrow 09:00", "Fri", "5 Dec", "5 Dec 2027" — what a chip or a row shows. */
export function describeDueDate(dueDate: string, now: Date): string {
  const date = dueDateToDate(dueDate);
  if (!date) return dueDate;
  const day = localDay(date);
  const { today, tomorrow } = dueViewBounds(now);
  const yesterday = localDay(addDays(now, -1));
  const inAWeek = localDay(addDays(now, 6));
  let label: string;
  if (day === today) label = 'Today';
  else if (day === tomorrow) label = 'Tomorrow';
  else if (day === yesterday) label = 'Yesterday';
  else if (day > today && day <= inAWeek) label = WEEKDAY.format(date);
  else if (date.getFullYear() === now.getFullYear()) label = DAY_MONTH.format(date);
  else label = DAY_MONTH_YEAR.format(date);
  return hasDueTime(dueDate) ? `${label} ${TIME.format(date)}` : label;
}
