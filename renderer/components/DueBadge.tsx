/** A row's due date ("Tomorrow 9:00", red once overdue) and a bell when a reminder is set. */
import { describeDueDate, isOverdue } from '../../common/due-dates';
import type { TodoListItem } from '../../common/ipc-contract';

export function DueBadge({ item }: { item: TodoListItem }) {
  if (!item.dueDate && !item.reminderAt) return null;
  const now = new Date();
  const late = item.dueDate !== null && !item.complete && isOverdue(item.dueDate, now);
  return (
    <span class={late ? 'due-badge is-overdue' : 'due-badge'} data-testid="due-badge">
      {item.dueDate ? (
        <>
          <span class="sr-only">{late ? 'Overdue, was due ' : 'Due '}</span>
          {describeDueDate(item.dueDate, now)}
        </>
      ) : null}
      {item.reminderAt ? (
        <span class="due-badge-bell" title={`Reminder ${new Date(item.reminderAt).toLocaleString()}`}>
          <svg class="due-badge-bell-icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
            <path
              d="M8 1.5a4 4 0 0 0-4 4v2.6L2.6 10.5a.6.6 0 0 0 .5.9h9.8a.6.6 0 0 0 .5-.9L12 8.1V5.5a4 4 0 0 0-4-4Zm-1.7 11a1.8 1.8 0 0 0 3.4 0Z"
              fill="currentColor"
            />
          </svg>
          <span class="sr-only">, reminder set</span>
        </span>
      ) : null}
    </span>
  );
}
