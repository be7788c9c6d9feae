/**
 * Settings. Each changed field is saved on its own so a refusal from the main process lands
 * under the field it concerns, and the fields that were fine still take effect. Closing with
 * edits not saved asks first what to do with them.
 */
import { useState } from 'preact/hooks';
import { useSettingsForm } from '../hooks/useSettingsForm';
import { AccountSection } from './AccountSection';
import { DesktopSection } from './DesktopSection';
import { FormProblem } from './FieldMessages';
import { LocalDataSection } from './LocalDataSection';
import { Modal } from './Modal';
import { UnsavedChangesPrompt } from './SettingsExtras';
import { SettingsForm } from './SettingsFields';

interface SettingsDialogProps {
  pendingChanges: number;
  onClose(): void;
  /** After a reset: the list is empty and a sync brings the server's todos back. */
  onReset(): void;
}

export function SettingsDialog({ pendingChanges, onClose, onReset }: SettingsDialogProps) {
  const form = useSettingsForm();
  /** Closing was asked for with edits not saved: the footer asks what to do with them. */
  const [askingToClose, setAskingToClose] = useState(false);

  const requestClose = () => {
    if (form.hasUnsavedChanges()) setAskingToClose(true);
    else onClose();
  };

  const saveAndClose = () => {
    void form
      .save({ preventDefault: () => undefined })
      .then((ok) => (ok ? onClose() : setAskingToClose(false)));
  };

  return (
    <Modal
      title="Settings"
      onClose={requestClose}
      testId="settings-dialog"
      footer={
        !form.draft ? null : askingToClose ? (
          <UnsavedChangesPrompt
            saving={form.saving}
            onKeepEditing={() => setAskingToClose(false)}
            onDiscard={onClose}
            onSave={saveAndClose}
          />
        ) : (
          <SettingsFooter saving={form.saving} saved={form.saved} onClose={requestClose} />
        )
      }
    >
      <FormProblem message={form.loadProblem} />
      {form.draft && form.settings ? (
        <>
          <SettingsForm
            settings={form.settings}
            draft={form.draft}
            problems={form.problems}
            update={form.update}
            onSubmit={(event) => void form.save(event)}
          />
          <AccountSection pendingChanges={pendingChanges} />
          <DesktopSection />
          <LocalDataSection pendingChanges={pendingChanges} onReset={onReset} />
        </>
      ) : null}
    </Modal>
  );
}

/** "Saved." after a save, Close, and Save (which submits the form). */
function SettingsFooter({ saving, saved, onClose }: { saving: boolean; saved: boolean; onClose(): void }) {
  return (
    <>
      <span class="save-note" role="status">
        {saved ? 'Saved.' : ''}
      </span>
      <div class="footer-group">
        <button type="button" class="button" onClick={onClose}>
          Close
        </button>
        <button type="submit" form="settings-form" class="button button-primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </>
  );
}
