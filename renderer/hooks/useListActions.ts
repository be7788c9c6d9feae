/**
 * What the list and the add field ask of the app: complete, edit, delete with undo, open a
 * row's issue or details, the selection's bulk actions, and adding a todo. Every change goes
 * through the undo history, and is shown in the row at once while it is saved.
 */
import { useCallback, useMemo } from 'preact/hooks';
import type { SyncIssue, TodoEditBase, TodoListItem } from '../../common/ipc-contract';
import { todoSync } from '../api';
import type { ListActions } from '../components/TodoList';
import type { TodoSchedule } from '../quick-entry';
import type { Feedback } from './feedback';
import type { DeleteWithUndo } from './useDeleteWithUndo';
import type { EverydayFeatures } from './useEverydayFeatures';
import type { SyncIssues } from './useSyncIssues';
import type { TodoWindow } from './useTodoWindow';

interface ListActionOptions extends Feedback {
  data: TodoWindow;
  bumpData(): void;
  everyday: EverydayFeatures;
  deletes: DeleteWithUndo;
  issues: Pick<SyncIssues, 'openConflicts' | 'openRejected'>;
}

/**
 * An inline edit saved while a sync brought another device's change to the same text: say what
 * became of it. The conflict policy decided in main; under Merge or Ask me the person chooses.
 */
async function reportEditMeanwhile(
  edit: { item: TodoListItem; text: string; base: TodoEditBase; saved: { text: string } },
  { showToast }: Pick<Feedback, 'showToast'>,
  openConflicts: (firstId: string) => Promise<void>,
): Promise<void> {
  const { item, text, base, saved } = edit;
  if (saved.text !== text) {
    showToast(
      {
        tone: 'info',
        text: `“${base.text ?? text}” was changed on another device while you were editing it; your conflict setting kept that version, “${saved.text}”.`,
      },
      8000,
    );
    return;
  }
  // A conflict this row already had is not news; the list may not show the arrived text yet.
  if (item.issue === 'conflict') return;
  const listed = await todoSync.listConflicts().catch(() => [] as SyncIssue[]);
  if (!listed.some((conflict) => conflict.recordId === item.id)) return;
  showToast(
    {
      tone: 'info',
      text: `“${text}” was also changed on another device while you were editing it. Choose which version to keep.`,
      action: { label: 'Review', run: () => void openConflicts(item.id) },
    },
    8000,
  );
}

export function useListActions(options: ListActionOptions): ListActions {
  const { data, bumpData, everyday, deletes, issues, announce, showToast, showError } = options;
  return useMemo<ListActions>(
    () => ({
      toggle: (item) => {
        data.patchRow(item.id, { complete: !item.complete, pending: true });
        everyday.undo.edit(item, { complete: !item.complete }).then(
          () => announce(`${item.complete ? 'Reopened' : 'Completed'} “${item.text}”.`),
          (error: unknown) => {
            showError(`“${item.text}” could not be updated.`, error);
            void data.refresh();
          },
        );
      },
      saveEdit: async (item, text, base) => {
        data.patchRow(item.id, { text, pending: true });
        try {
          const saved = await everyday.undo.edit(item, { text }, undefined, base);
          void reportEditMeanwhile({ item, text, base, saved }, { showToast }, issues.openConflicts);
        } catch (error) {
          showError('The change was not saved.', error);
        }
        bumpData();
      },
      remove: (item) => deletes.remove(item),
      undoRemove: () => deletes.undoByHand(),
      openIssue: (item) => {
        if (item.issue === 'conflict') void issues.openConflicts(item.id);
        else if (item.issue === 'rejected') void issues.openRejected();
      },
      openDetails: (item) => everyday.details.open(item),
      toggleSelected: () => everyday.toggleSelected(),
      removeSelected: () => everyday.deleteSelected(),
      clearCompleted: () => everyday.clearCompleted(),
    }),
    [data, bumpData, everyday, deletes.remove, deletes.undoByHand, issues, announce, showToast, showError],
  );
}

/** Adds a todo as one undo step; its dates cross IPC as ISO text (the dispatcher takes plain data only). */
export function useAddTodo(
  everyday: EverydayFeatures,
): (text: string, schedule: TodoSchedule | null) => Promise<void> {
  const { add } = everyday.undo;
  const { announce } = everyday.announcer;
  return useCallback(
    async (text: string, schedule: TodoSchedule | null) => {
      await add(
        text,
        schedule
          ? { dueDate: schedule.dueDate, reminderAt: schedule.reminderAt?.toISOString() ?? null }
          : undefined,
      );
      announce(`Added “${text}”.`);
    },
    [add, announce],
  );
}
