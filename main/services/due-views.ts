/**
 * The Today, Upcoming and Overdue views as store conditions. Only todos not done belong in
 * them: a finished task is neither late nor coming up. `now` is passed in so that the day
 * boundaries follow the caller's clock (tests, and a list left open over midnight).
 */
import { dueViewBounds, type DueView } from '../../common/due-dates';
import type { TodoItem } from '../../common/todo-table';
import type { Where } from '../store/types';

export function dueViewCondition(view: DueView, now: Date): Where<TodoItem> {
  const { today, tomorrow, todayTimed, nowMinute } = dueViewBounds(now);
  switch (view) {
    case 'today':
      return { complete: false, dueDate: { ge: today, lt: tomorrow } };
    case 'upcoming':
      return { complete: false, dueDate: { ge: tomorrow } };
    case 'overdue':
      // A plain day is late once it is over; a time is late once it has passed. "Not done"
      // is repeated inside each branch: then each branch is one range of the (complete,
      // dueDate) index. With it outside, SQLite read every active todo's index entry to test
      // the OR: 2.4 ms of the list's 3.7 ms at 100,000 todos.
      return {
        $or: [
          { complete: false, dueDate: { lt: today } },
          { complete: false, dueDate: { ge: todayTimed, lt: nowMinute } },
        ],
      };
  }
}

export function isDueView(filter: string): filter is DueView {
  return filter === 'today' || filter === 'upcoming' || filter === 'overdue';
}
