import { column, defineTable, type RecordOf } from './table-schema';

/** The todo table, declared once: the store, the sync engine and the UI all derive from it. */
export const todoTable = defineTable(
  'todoitem',
  {
    text: column('string', { defaultValue: '', caseInsensitive: true }),
    complete: column('boolean', { defaultValue: false }),
    notes: column('string', { nullable: true, caseInsensitive: true }),
  },
  {
    indexes: [['complete', 'createdAt'], ['updatedAt']],
  },
);

export type TodoItem = RecordOf<typeof todoTable>;
