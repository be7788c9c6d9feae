/** The one issue or settings dialog open at a time, as chosen in useSyncIssues. */
import type { SyncIssues } from '../hooks/useSyncIssues';
import { ConflictDialog } from './ConflictDialog';
import { RejectedPanel } from './RejectedPanel';
import { SettingsDialog } from './SettingsDialog';

interface AppDialogsProps {
  issues: SyncIssues;
  pendingChanges: number;
  /** Local data was reset from Settings (which closes first). */
  onReset(): void;
}

export function AppDialogs({ issues, pendingChanges, onReset }: AppDialogsProps) {
  const { dialog, setDialog } = issues;
  const close = () => setDialog('none');
  return (
    <>
      {dialog === 'conflicts' && issues.conflicts.length > 0 ? (
        <ConflictDialog conflicts={issues.conflicts} onResolve={issues.resolveConflict} onClose={close} />
      ) : null}
      {dialog === 'rejected' ? (
        <RejectedPanel
          rejected={issues.rejected}
          onRetry={issues.retryRejected}
          onDiscard={issues.discardRejected}
          onClose={close}
        />
      ) : null}
      {dialog === 'settings' ? (
        <SettingsDialog
          pendingChanges={pendingChanges}
          onClose={close}
          onReset={() => {
            close();
            onReset();
          }}
        />
      ) : null}
    </>
  );
}
