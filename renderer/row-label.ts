/**
 * What a screen reader says for a focused row, once: its state, its text and its sync state
 * ("Not done: Call the plumber, not synced"). The row's own children are hidden from the
 * accessible name, so the text is not read three or four times.
 */
import type { TodoListItem } from '../common/ipc-contract';

export function syncStateWords(item: Pick<TodoListItem, 'pending' | 'issue'>): string {
  if (item.issue === 'conflict') return 'conflict, needs you';
  if (item.issue === 'rejected') return 'refused by the server';
  return item.pending ? 'not synced' : 'synced';
}

export function rowLabel(
  item: Pick<TodoListItem, 'text' | 'complete' | 'notes' | 'pending' | 'issue'>,
  options: { selected?: boolean } = {},
): string {
  const state = item.complete ? 'Done' : 'Not done';
  const notes = item.notes ? ', has notes' : '';
  const label = `${state}: ${item.text}${notes}, ${syncStateWords(item)}`;
  return options.selected ? `Selected. ${label}` : label;
}
