/**
 * The longest text and notes a todo may have. main's IPC schemas refuse longer values and the
 * UI limits its fields and shows a counter against these, so both read them from here. This
 * module has no zod in it: the renderer imports it without pulling the schemas into its bundle.
 *
 * Why these numbers: a default azure-mobile-apps backend parses request bodies with Express's
 * default JSON limit, 100 kB (102,400 bytes), and refuses a larger record ("request entity too
 * large"), so a longer note could never sync. What counts is the size of the JSON sent: UTF-8,
 * with quotes and control characters escaped. Text and notes may each take 50,000 such bytes;
 * together with the other fields a record stays under 101 kB, inside what any default backend
 * takes. For plain ASCII that is 50,000 characters of notes; other scripts get fewer.
 */
export const TODO_LIMITS = {
  textMaxLength: 10_000,
  textMaxBytes: 50_000,
  /** Characters of plain ASCII notes: the bytes below are the real limit. */
  notesMaxLength: 50_000,
  notesMaxBytes: 50_000,
} as const;

const encoder = new TextEncoder();

/** The bytes `value` takes inside a JSON request body (UTF-8, escapes included, no quotes). */
export function encodedLength(value: string): number {
  return encoder.encode(JSON.stringify(value)).length - 2;
}

/** How much more fits in the notes, in bytes (the same as plain characters for ASCII). */
export function notesRoomLeft(notes: string): number {
  return TODO_LIMITS.notesMaxBytes - encodedLength(notes);
}
