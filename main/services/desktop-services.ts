/**
 * The services behind the desktop integration, without Electron: the reminder scheduler over
 * the current account's store, and the one-time sentence when a backend does not store some
 * columns. The shell (main/shell/desktop.ts) gives the sinks that show things.
 *
 * The store and the sync context may be replaced (signing in switches accounts), so each data
 * change checks whether they are still the ones the reminders and the notice listener use.
 */
import type { DataChanged } from '../../common/ipc-contract';
import { todoTable, type TodoItem } from '../../common/todo-table';
import type { Store } from '../store/types';
import type { SyncContext } from '../sync';
import type { LocalOnlyColumnsNotice } from '../sync/column-support';
import type { Logger } from './logger';
import { ReminderScheduler, type DueReminder, type ReminderClock } from './reminders';

export interface DesktopServicesHost {
  readonly parts: { readonly store: Store; readonly syncContext: SyncContext };
  onDataChanged(listener: (change: DataChanged) => void): () => void;
}

export interface DesktopSinks {
  showReminders(reminders: DueReminder[], missed: boolean): void;
  /** A sentence for the person, shown once. */
  notice(message: string): void;
}

export interface DesktopServices {
  /** The todo a clicked reminder names, if it still exists. */
  lookupTodo(id: string): TodoItem | undefined;
  stop(): void;
}

/** How the person knows each column. */
const FIELD_WORDS: Record<string, string> = { dueDate: 'due dates', reminderAt: 'reminders', notes: 'notes' };

export function localOnlyMessage(notice: LocalOnlyColumnsNotice): string {
  const words = notice.columns.map((column) => FIELD_WORDS[column] ?? column);
  const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : (words[0] ?? '');
  return `This server doesn't store ${list}; they stay on this computer.`;
}

/** Notices learned in one burst (one refused column per request) become one sentence. */
export const NOTICE_GATHER_MS = 1500;

export function startDesktopServices(
  host: DesktopServicesHost,
  sinks: DesktopSinks,
  options: { clock?: ReminderClock; logger?: Pick<Logger, 'warn' | 'error'> } = {},
): DesktopServices {
  let store: Store | undefined;
  let reminders: ReminderScheduler | undefined;
  let context: SyncContext | undefined;
  let stopNotices: (() => void) | undefined;
  const gathered = new Map<string, LocalOnlyColumnsNotice>();
  let gatherTimer: ReturnType<typeof setTimeout> | undefined;
  const gather = (notice: LocalOnlyColumnsNotice): void => {
    gathered.set(notice.tableName, notice);
    if (gatherTimer) return;
    gatherTimer = setTimeout(() => {
      gatherTimer = undefined;
      for (const each of gathered.values()) sinks.notice(localOnlyMessage(each));
      gathered.clear();
    }, NOTICE_GATHER_MS);
  };

  const follow = (): void => {
    const parts = host.parts;
    if (parts.store !== store) {
      reminders?.stop();
      store = parts.store;
      reminders = new ReminderScheduler({
        store,
        clock: options.clock,
        logger: options.logger,
        notify: (due, missed) => sinks.showReminders(due, missed),
      });
      reminders.start();
    } else {
      reminders?.refresh();
    }
    if (parts.syncContext !== context) {
      stopNotices?.();
      context = parts.syncContext;
      stopNotices = context.columnSupport.onLocalOnly(gather);
    }
  };

  follow();
  const stopData = host.onDataChanged(({ tables }) => {
    if (tables.includes(todoTable.name)) follow();
  });

  return {
    lookupTodo: (id) => store?.table(todoTable).lookup(id),
    stop() {
      stopData();
      stopNotices?.();
      if (gatherTimer) clearTimeout(gatherTimer);
      reminders?.stop();
    },
  };
}
