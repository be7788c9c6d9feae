/**
 * The Settings form: server address (with Test connection), sync interval, conflict policy,
 * Work offline and the sign-in token, each field with its problem line under it. The values
 * and problems come from useSettingsForm; each field reports its edits through `update`.
 */
import { useId } from 'preact/hooks';
import type { ConflictPolicy, SettingsView } from '../../common/sync-types';
import { POLICY_LABELS } from '../format';
import { INTERVAL_MAX, INTERVAL_MIN, type Draft, type FieldProblems } from '../settings-draft';
import { FieldProblem } from './FieldMessages';
import { ConnectionTest } from './SettingsExtras';

const POLICIES = Object.keys(POLICY_LABELS) as ConflictPolicy[];

interface FieldProps {
  draft: Draft;
  /** The problem main or the form found with this field, if any. */
  problem: string | undefined;
  update(changes: Partial<Draft>): void;
}

interface SettingsFormProps {
  settings: SettingsView;
  draft: Draft;
  problems: FieldProblems;
  update(changes: Partial<Draft>): void;
  onSubmit(event: Event): void;
}

export function SettingsForm({ settings, draft, problems, update, onSubmit }: SettingsFormProps) {
  return (
    <form id="settings-form" class="settings-form" onSubmit={onSubmit} noValidate>
      <ServerAddressField draft={draft} problem={problems.backendUrl} update={update} />
      <SyncIntervalField draft={draft} problem={problems.syncIntervalMinutes} update={update} />
      <ConflictPolicyField draft={draft} problem={problems.conflictPolicy} update={update} />
      <WorkOfflineField draft={draft} problem={problems.workOffline} update={update} />
      <SignInTokenField
        draft={draft}
        problem={problems.authToken}
        update={update}
        hasAuthToken={settings.hasAuthToken}
      />
    </form>
  );
}

/** The problem line of the field whose input has `id`; the input names it `${id}-problem`. */
function ProblemOf({ id, problem }: { id: string; problem: string | undefined }) {
  return <FieldProblem id={`${id}-problem`} message={problem} />;
}

function ServerAddressField({ draft, problem, update }: FieldProps) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>Server address</label>
      <input
        id={id}
        class="text-input"
        type="url"
        inputMode="url"
        placeholder="https://example.azurewebsites.net"
        value={draft.backendUrl}
        aria-invalid={problem ? 'true' : undefined}
        aria-describedby={problem ? `${id}-problem` : `${id}-hint`}
        onInput={(event) => update({ backendUrl: event.currentTarget.value })}
      />
      {problem ? (
        <ProblemOf id={id} problem={problem} />
      ) : (
        <p id={`${id}-hint`} class="field-hint">
          Leave empty to keep todos on this computer only.
        </p>
      )}
      <ConnectionTest backendUrl={draft.backendUrl} authToken={draft.authToken} />
    </div>
  );
}

function SyncIntervalField({ draft, problem, update }: FieldProps) {
  const id = useId();
  return (
    <>
      <div class="field field-inline">
        <label for={id}>Sync every</label>
        <input
          id={id}
          class="text-input number-input"
          type="number"
          min={INTERVAL_MIN}
          max={INTERVAL_MAX}
          step={1}
          value={draft.syncIntervalMinutes}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={problem ? `${id}-problem` : undefined}
          onInput={(event) => update({ syncIntervalMinutes: event.currentTarget.value })}
        />
        <span aria-hidden="true">minutes</span>
      </div>
      <ProblemOf id={id} problem={problem} />
    </>
  );
}

function ConflictPolicyField({ draft, problem, update }: FieldProps) {
  const id = useId();
  return (
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
      <ProblemOf id={id} problem={problem} />
    </fieldset>
  );
}

function WorkOfflineField({ draft, problem, update }: FieldProps) {
  const id = useId();
  return (
    <div class="field switch-field">
      <label class="switch" for={id}>
        <input
          id={id}
          type="checkbox"
          role="switch"
          checked={draft.workOffline}
          aria-describedby={`${id}-hint`}
          onChange={(event) => update({ workOffline: event.currentTarget.checked })}
        />
        <span class="switch-track" aria-hidden="true" />
        <span>Work offline</span>
      </label>
      <p id={`${id}-hint`} class="field-hint">
        Pause syncing. Changes are kept on this computer and sent when you turn this off.
      </p>
      <ProblemOf id={id} problem={problem} />
    </div>
  );
}

function SignInTokenField({ draft, problem, update, hasAuthToken }: FieldProps & { hasAuthToken: boolean }) {
  const id = useId();
  return (
    <details class="field advanced">
      <summary>Sign-in token</summary>
      <label for={id}>Token sent to the server (X-ZUMO-AUTH)</label>
      <input
        id={id}
        class="text-input"
        type="password"
        autoComplete="off"
        placeholder={hasAuthToken ? 'A token is saved; type to replace it' : 'None'}
        value={draft.authToken}
        onInput={(event) => update({ authToken: event.currentTarget.value, clearToken: false })}
      />
      {hasAuthToken ? (
        <label class="checkbox-line">
          <input
            type="checkbox"
            checked={draft.clearToken}
            onChange={(event) => update({ clearToken: event.currentTarget.checked, authToken: '' })}
          />
          Remove the saved token
        </label>
      ) : null}
      <ProblemOf id={id} problem={problem} />
    </details>
  );
}
