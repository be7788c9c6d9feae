import { column, defineTable, type RecordOf } from './table-schema';

/** The todo table, declared once: the store, the sync engine and the UI all derive from it. */
export const todoTable = defineTable(
  'todoitem',
  {
    text: column('string', { defaultValue: '', caseInsensitive: true, label: 'Text' }),
    complete: column('boolean', { defaultValue: false, label: 'Status' }),
    notes: column('string', { nullable: true, caseInsensitive: true, label: 'Notes' }),
    /**
     * "2026-12-02" (a day) or "2026-12-02T09:00" (a day and a time), on the person's own
     * calendar without a time zone: "due Friday" stays Friday on a trip. Both forms sort as
     * text, so the views compare them in SQL (see common/due-dates.ts).
     */
    dueDate: column('string', { nullable: true, label: 'Due' }),
    /** The moment a reminder is due: an instant, because a notification fires at one. */
    reminderAt: column('date', { nullable: true, label: 'Reminder' }),
  },
  {
    indexes: [['complete', 'createdAt'], ['updatedAt'], ['complete', 'dueDate'], ['reminderAt']],
  },
);

export type TodoItem = RecordOf<typeof todoTable>;
