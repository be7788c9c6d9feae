/**
 * Settings. Each changed field is saved on its own so a refusal from the main process lands
 * under the field it concerns, and the fields that were fine still take effect.
 */
import { useEffect, useId, useState } from 'preact/hooks';
import type { SettingsPatch } from '../../common/ipc-contract';
import type { ConflictPolicy, SettingsView } from '../../common/sync-types';
import { AppError, describeError, todoSync } from '../api';
import { POLICY_LABELS, plural } from '../format';
import { AccountSection } from './AccountSection';
import { DesktopSection } from './DesktopSection';
import { DownloadIcon } from './Icons';
import { Modal } from './Modal';
import { ConnectionTest, UnsavedChangesPrompt } from './SettingsExtras';

const POLICIES = Object.keys(POLICY_LABELS) as ConflictPolicy[];
const INTERVAL_MIN = 1;
const INTERVAL_MAX = 24 * 60;

type FieldName = 'backendUrl' | 'syncIntervalMinutes' | 'conflictPolicy' | 'workOffline' | 'authToken';

interface Draft {
  backendUrl: string;
  syncIntervalMinutes: string;
  conflictPolicy: ConflictPolicy;
  workOffline: boolean;
  /** Empty: leave the stored token as it is. */
  authToken: string;
  clearToken: boolean;
}

function draftFrom(settings: SettingsView): Draft {
  return {
    backendUrl: settings.backendUrl ?? '',
    syncIntervalMinutes: String(settings.syncIntervalMinutes),
    conflictPolicy: settings.conflictPolicy,
    workOffline: settings.workOffline,
    authToken: '',
    clearToken: false,
  };
}

/** Save a text as a file the person picks up from their Downloads. */
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

interface SettingsDialogProps {
  pendingChanges: number;
  onClose(): void;
  /** After a reset: the list is empty and a sync brings the server's todos back. */
  onReset(): void;
}

type ResetStep = 'closed' | 'confirm' | 'confirm-unsynced';

export function SettingsDialog({ pendingChanges, onClose, onReset }: SettingsDialogProps) {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadProblem, setLoadProblem] = useState<string | null>(null);
  const [problems, setProblems] = useState<Partial<Record<FieldName, string>>>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [resetStep, setResetStep] = useState<ResetStep>('closed');
  const [resetProblem, setResetProblem] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  /** Closing was asked for with edits not saved: the footer asks what to do with them. */
  const [askingToClose, setAskingToClose] = useState(false);
  const ids = { url: useId(), interval: useId(), token: useId(), offline: useId(), policy: useId() };

  useEffect(() => {
    todoSync.getSettings().then(
      (loaded) => {
        setSettings(loaded);
        setDraft(draftFrom(loaded));
      },
      (error: unknown) => setLoadProblem(describeError(error)),
    );
  }, []);

  const update = (changes: Partial<Draft>) => {
    if (!draft) return;
    setDraft({ ...draft, ...changes });
    setSaved(false);
    const touched = Object.keys(changes) as FieldName[];
    if (touched.some((key) => problems[key])) {
      const next = { ...problems };
      for (const key of touched) delete next[key];
      setProblems(next);
    }
  };

  const changedPatches = (current: SettingsView, next: Draft): [FieldName, SettingsPatch][] => {
    const patches: [FieldName, SettingsPatch][] = [];
    const url = next.backendUrl.trim() === '' ? null : next.backendUrl.trim();
    if (url !== current.backendUrl) patches.push(['backendUrl', { backendUrl: url }]);
    const minutes = Number(next.syncIntervalMinutes);
    if (minutes !== current.syncIntervalMinutes) {
      patches.push(['syncIntervalMinutes', { syncIntervalMinutes: minutes }]);
    }
    if (next.conflictPolicy !== current.conflictPolicy) {
      patches.push(['conflictPolicy', { conflictPolicy: next.conflictPolicy }]);
    }
    if (next.workOffline !== current.workOffline)
      patches.push(['workOffline', { workOffline: next.workOffline }]);
    if (next.clearToken) patches.push(['authToken', { authToken: null }]);
    else if (next.authToken.trim()) patches.push(['authToken', { authToken: next.authToken.trim() }]);
    return patches;
  };

  const requestClose = () => {
    if (settings && draft && changedPatches(settings, draft).length > 0) setAskingToClose(true);
    else onClose();
  };

  const save = async (event: Pick<Event, 'preventDefault'>): Promise<boolean> => {
    event.preventDefault();
    if (!settings || !draft) return false;
    const found: Partial<Record<FieldName, string>> = {};
    const minutes = Number(draft.syncIntervalMinutes);
    if (!Number.isInteger(minutes) || minutes < INTERVAL_MIN || minutes > INTERVAL_MAX) {
      found.syncIntervalMinutes = `Choose a whole number of minutes from ${INTERVAL_MIN} to ${INTERVAL_MAX}.`;
    }
    setSaving(true);
    let latest = settings;
    for (const [field, patch] of changedPatches(settings, draft)) {
      if (found[field]) continue;
      try {
        latest = await todoSync.setSettings(patch);
      } catch (error) {
        found[field] =
          error instanceof AppError && error.issues.length > 0
            ? error.issues.join(' ')
            : describeError(error);
      }
    }
    setSettings(latest);
    setProblems(found);
    setSaving(false);
    if (Object.keys(found).length === 0) {
      setDraft({ ...draftFrom(latest) });
      setSaved(true);
    }
    return Object.keys(found).length === 0;
  };

  const exportUnsynced = async () => {
    setResetProblem(null);
    try {
      const file = await todoSync.exportUnsynced();
      downloadText(file.suggestedFileName, file.json);
      setExported(`Saved ${plural(file.operationCount, 'change', 'changes')} to ${file.suggestedFileName}.`);
    } catch (error) {
      setResetProblem(describeError(error));
    }
  };

  const reset = async (discardUnsyncedChanges: boolean) => {
    setResetProblem(null);
    try {
      await todoSync.resetLocalData({ discardUnsyncedChanges });
      setResetStep('closed');
      onReset();
    } catch (error) {
      if (error instanceof AppError && error.code === 'refused') setResetStep('confirm-unsynced');
      setResetProblem(describeError(error));
    }
  };

  const problemFor = (field: FieldName, id: string) =>
    problems[field] ? (
      <p id={`${id}-problem`} class="field-problem" role="alert">
        {problems[field]}
      </p>
    ) : null;

  return (
    <Modal
      title="Settings"
      onClose={requestClose}
      testId="settings-dialog"
      footer={
        draft && askingToClose ? (
          <UnsavedChangesPrompt
            saving={saving}
            onKeepEditing={() => setAskingToClose(false)}
            onDiscard={onClose}
            onSave={() => {
              void save({ preventDefault: () => undefined }).then((ok) =>
                ok ? onClose() : setAskingToClose(false),
              );
            }}
          />
        ) : draft ? (
          <>
            <span class="save-note" role="status">
              {saved ? 'Saved.' : ''}
            </span>
            <div class="footer-group">
              <button type="button" class="button" onClick={requestClose}>
                Close
              </button>
              <button type="submit" form="settings-form" class="button button-primary" disabled={saving}>
                {saving ? 'Saving…' : 'Save'}
              </button>
            </div>
          </>
        ) : null
      }
    >
      {loadProblem ? (
        <p class="form-problem" role="alert">
          {loadProblem}
        </p>
      ) : null}
      {draft && settings ? (
        <>
          <form id="settings-form" class="settings-form" onSubmit={save} noValidate>
            <div class="field">
              <label for={ids.url}>Server address</label>
              <input
                id={ids.url}
                class="text-input"
                type="url"
                inputMode="url"
                placeholder="https://example.azurewebsites.net"
                value={draft.backendUrl}
                aria-invalid={problems.backendUrl ? 'true' : undefined}
                aria-describedby={problems.backendUrl ? `${ids.url}-problem` : `${ids.url}-hint`}
                onInput={(event) => update({ backendUrl: event.currentTarget.value })}
              />
              {problemFor('backendUrl', ids.url) ?? (
                <p id={`${ids.url}-hint`} class="field-hint">
                  Leave empty to keep todos on this computer only.
                </p>
              )}
              <ConnectionTest backendUrl={draft.backendUrl} authToken={draft.authToken} />
            </div>

            <div class="field field-inline">
              <label for={ids.interval}>Sync every</label>
              <input
                id={ids.interval}
                class="text-input number-input"
                type="number"
                min={INTERVAL_MIN}
                max={INTERVAL_MAX}
                step={1}
                value={draft.syncIntervalMinutes}
                aria-invalid={problems.syncIntervalMinutes ? 'true' : undefined}
                aria-describedby={problems.syncIntervalMinutes ? `${ids.interval}-problem` : undefined}
                onInput={(event) => update({ syncIntervalMinutes: event.currentTarget.value })}
              />
              <span aria-hidden="true">minutes</span>
            </div>
            {problemFor('syncIntervalMinutes', ids.interval)}

            <fieldset class="field policy-field">
              <legend>When the same todo changed in two places</legend>
              {POLICIES.map((policy) => (
                <label key={policy} class="policy-option">
                  <input
                    type="radio"
                    name="conflict-policy"
                    value={policy}
                    checked={draft.conflictPolicy === policy}
                    onChange={() => update({ conflictPolicy: policy })}
                  />
                  <span>
                    <span class="policy-label">{POLICY_LABELS[policy].label}</span>
                    <span class="policy-explanation">{POLICY_LABELS[policy].explanation}</span>
                  </span>
                </label>
              ))}
              {problemFor('conflictPolicy', ids.policy)}
            </fieldset>

            <div class="field switch-field">
              <label class="switch" for={ids.offline}>
                <input
                  id={ids.offline}
                  type="checkbox"
                  role="switch"
                  checked={draft.workOffline}
                  aria-describedby={`${ids.offline}-hint`}
                  onChange={(event) => update({ workOffline: event.currentTarget.checked })}
                />
                <span class="switch-track" aria-hidden="true" />
                <span>Work offline</span>
              </label>
              <p id={`${ids.offline}-hint`} class="field-hint">
                Pause syncing. Changes are kept on this computer and sent when you turn this off.
              </p>
              {problemFor('workOffline', ids.offline)}
            </div>

            <details class="field advanced">
              <summary>Sign-in token</summary>
              <label for={ids.token}>Token sent to the server (X-ZUMO-AUTH)</label>
              <input
                id={ids.token}
                class="text-input"
                type="password"
                autoComplete="off"
                placeholder={settings.hasAuthToken ? 'A token is saved; type to replace it' : 'None'}
                value={draft.authToken}
                onInput={(event) => update({ authToken: event.currentTarget.value, clearToken: false })}
              />
              {settings.hasAuthToken ? (
                <label class="checkbox-line">
                  <input
                    type="checkbox"
                    checked={draft.clearToken}
                    onChange={(event) => update({ clearToken: event.currentTarget.checked, authToken: '' })}
                  />
                  Remove the saved token
                </label>
              ) : null}
              {problemFor('authToken', ids.token)}
            </details>
          </form>

          <AccountSection pendingChanges={pendingChanges} />

          <DesktopSection />

          <section class="danger-zone" aria-labelledby="reset-heading">
            <h3 id="reset-heading">Local data</h3>
            {resetStep === 'closed' ? (
              <div class="danger-row">
                <p class="field-hint">
                  Remove the todos stored on this computer. The next sync downloads them from the server
                  again.
                </p>
                <button
                  type="button"
                  class="button button-quiet-danger"
                  onClick={() => setResetStep('confirm')}
                >
                  Reset local data…
                </button>
              </div>
            ) : (
              <div class="confirm" role="group" aria-label="Confirm reset">
                {pendingChanges > 0 || resetStep === 'confirm-unsynced' ? (
                  <p class="warning-text">
                    {pendingChanges > 0
                      ? `${plural(pendingChanges, 'change has', 'changes have')} not reached the server yet. `
                      : 'Some changes have not reached the server yet. '}
                    Resetting deletes them for good. Export them first to keep a copy.
                  </p>
                ) : (
                  <p>Remove every todo stored on this computer? Todos on the server are not touched.</p>
                )}
                <div class="row-buttons">
                  {pendingChanges > 0 || resetStep === 'confirm-unsynced' ? (
                    <>
                      <button type="button" class="button" onClick={() => void exportUnsynced()}>
                        <DownloadIcon />
                        Export unsynced changes
                      </button>
                      <button type="button" class="button button-danger" onClick={() => void reset(true)}>
                        Delete them and reset
                      </button>
                    </>
                  ) : (
                    <button type="button" class="button button-danger" onClick={() => void reset(false)}>
                      Reset
                    </button>
                  )}
                  <button
                    type="button"
                    class="button"
                    onClick={() => {
                      setResetStep('closed');
                      setResetProblem(null);
                    }}
                  >
                    Cancel
                  </button>
                </div>
                {exported ? (
                  <p class="field-hint" role="status">
                    {exported}
                  </p>
                ) : null}
              </div>
            )}
            {resetProblem && resetStep !== 'confirm-unsynced' ? (
              <p class="form-problem" role="alert">
                {resetProblem}
              </p>
            ) : null}
          </section>
        </>
      ) : null}
    </Modal>
  );
}
