/**
 * Reminders as system notifications. main/services/reminders.ts decides when; this module
 * only shows them and reports clicks. Missed reminders (the app was closed) come as one batch
 * at start: a few are shown one by one, more become one summary so the screen is not flooded.
 */
import { Notification } from 'electron';
import { describeDueDate } from '../../common/due-dates';
import { MAX_SEPARATE_MISSED, type DueReminder } from '../services/reminders';

export interface ReminderNotifier {
  show(reminders: readonly DueReminder[], missed: boolean): void;
}

export function createReminderNotifier(options: {
  /** The person clicked the notification of this todo. */
  onClick(todoId: string): void;
  now?: () => Date;
}): ReminderNotifier {
  const now = options.now ?? (() => new Date());
  // Electron drops a notification's click handler once the object is garbage-collected.
  const live = new Set<Notification>();

  const raise = (title: string, body: string, todoId: string): void => {
    const notification = new Notification({ title, body });
    live.add(notification);
    notification.on('click', () => {
      live.delete(notification);
      options.onClick(todoId);
    });
    notification.on('close', () => live.delete(notification));
    notification.show();
  };

  const bodyOf = (reminder: DueReminder, missed: boolean): string => {
    const due = reminder.dueDate ? `Due ${describeDueDate(reminder.dueDate, now())}` : 'Reminder';
    return missed ? `${due} · missed while Todo Sync was closed` : due;
  };

  return {
    show(reminders, missed) {
      if (reminders.length === 0 || !Notification.isSupported()) return;
      if (missed && reminders.length > MAX_SEPARATE_MISSED) {
        const first = reminders[0] as DueReminder;
        const names = reminders
          .slice(0, MAX_SEPARATE_MISSED)
          .map((reminder) => reminder.text)
          .join(', ');
        raise(
          `${reminders.length} reminders you missed`,
          `${names} and ${reminders.length - MAX_SEPARATE_MISSED} more`,
          first.id,
        );
        return;
      }
      for (const reminder of reminders) raise(reminder.text, bodyOf(reminder, missed), reminder.id);
    },
  };
}
