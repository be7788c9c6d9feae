import { describe, expect, it } from 'vitest';
import { fieldLabelsOf, userColumnsOf } from '../../common/table-fields';
import { column, defineTable } from '../../common/table-schema';
import * as tableZod from '../../common/table-zod';
import { todoTable } from '../../common/todo-table';

describe('table-fields', () => {
  it('lists the user columns in declaration order', () => {
    expect(userColumnsOf(todoTable)).toEqual(['text', 'complete', 'notes', 'dueDate', 'reminderAt']);
  });

  it('is the one definition the zod schemas use', () => {
    expect(tableZod.userColumnsOf).toBe(userColumnsOf);
  });

  it('labels each field as declared, by its name when the declaration gives no label', () => {
    const table = defineTable('sample', {
      title: column('string', { defaultValue: '', label: 'Title' }),
      rank: column('integer', { nullable: true }),
    });
    expect(fieldLabelsOf(table)).toEqual([
      { field: 'title', label: 'Title' },
      { field: 'rank', label: 'rank' },
    ]);
    expect(fieldLabelsOf(todoTable).map(({ label }) => label)).toEqual([
      'Text',
      'Status',
      'Notes',
      'Due',
      'Reminder',
    ]);
  });
});
