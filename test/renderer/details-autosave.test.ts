import { describe, expect, it } from 'vitest';
import { TODO_LIMITS } from '../../common/todo-limits';
import { detailsEdit } from '../../renderer/hooks/useDetailsAutosave';

describe('detailsEdit', () => {
  const saved = { text: 'Buy milk', notes: '' };

  it('sends nothing when the fields match what the store holds', () => {
    expect(detailsEdit(saved, saved)).toBeNull();
    // Spaces around the text are not an edit, and empty text keeps the old text.
    expect(detailsEdit({ text: '  Buy milk ', notes: '' }, saved)).toBeNull();
    expect(detailsEdit({ text: '   ', notes: '' }, saved)).toBeNull();
  });

  it('sends the trimmed text with the text it replaces as the base', () => {
    expect(detailsEdit({ text: ' Buy oat milk ', notes: '' }, saved)).toEqual({
      changes: { text: 'Buy oat milk' },
      base: { text: 'Buy milk' },
      next: { text: 'Buy oat milk', notes: '' },
    });
  });

  it('sends notes as typed, empty notes as null', () => {
    expect(detailsEdit({ text: 'Buy milk', notes: 'two litres' }, saved)).toEqual({
      changes: { notes: 'two litres' },
      base: { notes: null },
      next: { text: 'Buy milk', notes: 'two litres' },
    });
    expect(detailsEdit({ text: 'Buy milk', notes: '' }, { text: 'Buy milk', notes: 'old' })).toEqual({
      changes: { notes: null },
      base: { notes: 'old' },
      next: { text: 'Buy milk', notes: '' },
    });
  });

  it('holds back notes over the server’s limit but still sends the text', () => {
    const long = 'x'.repeat(TODO_LIMITS.notesMaxBytes + 1);
    expect(detailsEdit({ text: 'Buy milk', notes: long }, saved)).toBeNull();
    expect(detailsEdit({ text: 'Milk', notes: long }, saved)).toEqual({
      changes: { text: 'Milk' },
      base: { text: 'Buy milk' },
      next: { text: 'Milk', notes: '' },
    });
  });
});
