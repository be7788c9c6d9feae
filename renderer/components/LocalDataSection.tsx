/**
 * Settings' "Local data": reset removes the todos stored on this computer (the next sync brings
 * the server's back). With changes that have not reached the server it says so first and offers
 * to export them; main refuses a plain reset that would lose some, which asks the same.
 */
import { useState } from 'preact/hooks';
import { AppError, describeError, todoSync } from '../api';
import { useUnsyncedExport } from '../hooks/useUnsyncedExport';
import { FormProblem } from './FieldMessages';
import { ConfirmGroup, ExportUnsyncedButton, unsyncedLead } from './UnsyncedExport';

type ResetStep = 'closed' | 'confirm' | 'confirm-unsynced';

interface LocalDataSectionProps {
  pendingChanges: number;
  /** After a reset: the list is empty and a sync brings the server's todos back. */
  onReset(): void;
}

function useLocalDataReset(onReset: () => void) {
  const [step, setStep] = useState<ResetStep>('closed');
  const [problem, setProblem] = useState<string | null>(null);
  const { exported, exportUnsynced } = useUnsyncedExport(setProblem);

  const reset = async (discardUnsyncedChanges: boolean) => {
    setProblem(null);
    try {
      await todoSync.resetLocalData({ discardUnsyncedChanges });
      setStep('closed');
      onReset();
    } catch (error) {
      if (error instanceof AppError && error.code === 'refused') setStep('confirm-unsynced');
      setProblem(describeError(error));
    }
  };

  return {
    step,
    problem,
    exported,
    ask: () => setStep('confirm'),
    cancel: () => {
      setStep('closed');
      setProblem(null);
    },
    exportUnsynced: () => {
      setProblem(null);
      void exportUnsynced();
    },
    reset: (discardUnsyncedChanges: boolean) => void reset(discardUnsyncedChanges),
  };
}

export function LocalDataSection({ pendingChanges, onReset }: LocalDataSectionProps) {
  const reset = useLocalDataReset(onReset);
  const unsynced = pendingChanges > 0 || reset.step === 'confirm-unsynced';
  return (
    <section class="danger-zone" aria-labelledby="reset-heading">
      <h3 id="reset-heading">Local data</h3>
      {reset.step === 'closed' ? (
        <div class="danger-row">
          <p class="field-hint">
            Remove the todos stored on this computer. The next sync downloads them from the server again.
          </p>
          <button type="button" class="button button-quiet-danger" onClick={reset.ask}>
            Reset local data…
          </button>
        </div>
      ) : (
        <ConfirmGroup
          label="Confirm reset"
          exported={reset.exported}
          message={
            unsynced ? (
              <p class="warning-text">
                {unsyncedLead(pendingChanges, 'Some changes have not reached the server yet. ')}
                Resetting deletes them for good. Export them first to keep a copy.
              </p>
            ) : (
              <p>Remove every todo stored on this computer? Todos on the server are not touched.</p>
            )
          }
        >
          {unsynced ? (
            <>
              <ExportUnsyncedButton onExport={reset.exportUnsynced} />
              <button type="button" class="button button-danger" onClick={() => reset.reset(true)}>
                Delete them and reset
              </button>
            </>
          ) : (
            <button type="button" class="button button-danger" onClick={() => reset.reset(false)}>
              Reset
            </button>
          )}
          <button type="button" class="button" onClick={reset.cancel}>
            Cancel
          </button>
        </ConfirmGroup>
      )}
      <FormProblem message={reset.step === 'confirm-unsynced' ? null : reset.problem} />
    </section>
  );
}
