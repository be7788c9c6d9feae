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
          <span aria-hidden="true"> 🔔</span>
          <span class="sr-only">, reminder set</span>
        </span>
      ) : null}
    </span>
  );
}
