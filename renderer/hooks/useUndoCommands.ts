/** Undo and redo as commands: they run the history and say what became of it. */
import { useMemo } from 'preact/hooks';
import type { UndoOutcome } from '../undo-history';
import type { Feedback } from './feedback';
import { useLatest } from './useLatest';
import type { TodoUndo } from './useUndo';

export interface UndoCommands {
  runUndo(): void;
  runRedo(): void;
}

function report(outcome: UndoOutcome, verb: 'Undid' | 'Redid', feedback: Feedback): void {
  if (outcome.kind === 'empty') {
    feedback.announce(verb === 'Undid' ? 'Nothing to undo.' : 'Nothing to redo.');
    return;
  }
  if (outcome.kind === 'failed') {
    feedback.showError(
      `Could not ${verb === 'Undid' ? 'undo' : 'redo'} “${outcome.entry.label}”.`,
      outcome.error,
    );
    return;
  }
  const text = `${verb}: ${outcome.entry.label}.`;
  feedback.announce(text);
  feedback.showToast({ tone: 'info', text }, 3000);
}

/** Stable while the feedback callbacks are; always runs the undo history of the latest render. */
export function useUndoCommands(undo: TodoUndo, { announce, showToast, showError }: Feedback): UndoCommands {
  const latestUndo = useLatest(undo);
  return useMemo(() => {
    const feedback = { announce, showToast, showError };
    return {
      runUndo: () => void latestUndo.current.undo().then((outcome) => report(outcome, 'Undid', feedback)),
      runRedo: () => void latestUndo.current.redo().then((outcome) => report(outcome, 'Redid', feedback)),
    };
  }, [announce, showToast, showError]);
}
