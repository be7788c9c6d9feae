/**
 * Settings' sign-in part: who is signed in and until when, "Sign in with…" (App Service's
 * providers or a custom one), "Sign out" (which, with unsynced changes, says so first and offers
 * Export), and where the token is kept. The sign-in itself happens in the main process's window;
 * this only asks for it and shows the outcome.
 */
import { useId } from 'preact/hooks';
import type { AccountView } from '../../common/ipc-contract';
import { SIGN_IN_PROVIDERS } from '../../common/sign-in-providers';
import { CUSTOM_PROVIDER, useAccount } from '../hooks/useAccount';
import { FormProblem } from './FieldMessages';
import { ConfirmGroup, ExportUnsyncedButton, unsyncedLead } from './UnsyncedExport';

function sessionEnds(iso: string | null): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const STORAGE_NOTES: Record<AccountView['tokenStorage'], string> = {
  encrypted: 'Your sign-in is kept encrypted by the system’s keychain.',
  'basic-text':
    'Your sign-in is kept with this desktop’s basic encryption, which other programs running as you could read.',
  'session-only': 'Your sign-in is kept until Todo Sync quits; you sign in again next time.',
};

export function AccountSection({ pendingChanges }: { pendingChanges: number }) {
  const state = useAccount();
  const { account, problem } = state;
  if (!account) return <FormProblem message={problem} />;

  return (
    <section class="account-section" aria-labelledby="account-heading" data-testid="account-section">
      <h3 id="account-heading">Account</h3>
      {account.signedIn ? (
        <SignedInRow
          account={account}
          busy={state.busy}
          pendingChanges={pendingChanges}
          refusal={state.confirmSignOut}
          exported={state.exported}
          onSignOut={(confirmUnsyncedChanges) => void state.signOut(confirmUnsyncedChanges)}
          onCancel={state.cancelSignOut}
          onExport={() => void state.exportUnsynced()}
        />
      ) : (
        <div class="account-row">
          <p data-testid="signed-out">Not signed in.</p>
          {account.canSignIn ? (
            <SignInRow
              provider={state.provider}
              custom={state.custom}
              busy={state.busy}
              onProvider={state.setProvider}
              onCustom={state.setCustom}
              onSignIn={() => void state.signIn()}
            />
          ) : (
            <p class="field-hint">To sign in, choose a server address first.</p>
          )}
        </div>
      )}
      <TokenStorage account={account} onAllowBasicText={(allow) => void state.allowBasicText(allow)} />
      <FormProblem message={problem} />
    </section>
  );
}

interface SignedInRowProps {
  account: AccountView;
  busy: boolean;
  pendingChanges: number;
  /** Main's reason for refusing the sign-out: the question is asked while it is set. */
  refusal: string | null;
  exported: string | null;
  onSignOut(confirmUnsyncedChanges: boolean): void;
  onCancel(): void;
  onExport(): void;
}

function SignedInRow({ account, busy, pendingChanges, refusal, exported, ...actions }: SignedInRowProps) {
  const ends = sessionEnds(account.expiresAt);
  return (
    <div class="account-row">
      <p data-testid="signed-in-as">
        Signed in as <strong>{account.userId ?? 'the owner of a pasted token'}</strong>
        {account.origin ? <span class="field-hint"> on {account.origin}</span> : null}
      </p>
      {ends ? <p class="field-hint">The session ends {ends}.</p> : null}
      {refusal === null ? (
        <button type="button" class="button" disabled={busy} onClick={() => actions.onSignOut(false)}>
          Sign out
        </button>
      ) : (
        <ConfirmGroup
          label="Confirm sign-out"
          exported={exported}
          message={
            <p class="warning-text">
              {unsyncedLead(pendingChanges, `${refusal} `)}
              They stay on this computer and are sent when you sign in again. Export them to keep a copy.
            </p>
          }
        >
          <ExportUnsyncedButton onExport={actions.onExport} />
          <button type="button" class="button button-danger" onClick={() => actions.onSignOut(true)}>
            Sign out anyway
          </button>
          <button type="button" class="button" onClick={actions.onCancel}>
            Cancel
          </button>
        </ConfirmGroup>
      )}
    </div>
  );
}

interface SignInRowProps {
  provider: string;
  custom: string;
  busy: boolean;
  onProvider(provider: string): void;
  onCustom(name: string): void;
  onSignIn(): void;
}

function SignInRow({ provider, custom, busy, onProvider, onCustom, onSignIn }: SignInRowProps) {
  const ids = { provider: useId(), custom: useId() };
  return (
    <div class="sign-in-row">
      <label for={ids.provider}>Sign in with</label>
      <select
        id={ids.provider}
        class="text-input"
        value={provider}
        onChange={(event) => onProvider(event.currentTarget.value)}
      >
        {SIGN_IN_PROVIDERS.map((entry) => (
          <option key={entry.id} value={entry.id}>
            {entry.label}
          </option>
        ))}
        <option value={CUSTOM_PROVIDER}>Another provider…</option>
      </select>
      {provider === CUSTOM_PROVIDER ? (
        <input
          id={ids.custom}
          class="text-input"
          aria-label="Provider name"
          placeholder="Provider name, e.g. okta"
          value={custom}
          onInput={(event) => onCustom(event.currentTarget.value)}
        />
      ) : null}
      <button type="button" class="button button-primary" disabled={busy} onClick={onSignIn}>
        {busy ? 'Waiting for sign-in…' : 'Sign in…'}
      </button>
    </div>
  );
}

/** Where the sign-in is kept, and on a desktop without a keyring the choice to keep it anyway. */
function TokenStorage({
  account,
  onAllowBasicText,
}: {
  account: AccountView;
  onAllowBasicText(allow: boolean): void;
}) {
  return (
    <>
      <p class="field-hint" data-testid="token-storage">
        {STORAGE_NOTES[account.tokenStorage]}
      </p>
      {account.onlyBasicTextEncryption ? (
        <label class="checkbox-line">
          <input
            type="checkbox"
            checked={account.tokenStorage === 'basic-text'}
            onChange={(event) => onAllowBasicText(event.currentTarget.checked)}
          />
          This desktop has no keyring: keep my sign-in anyway (basic encryption only)
        </label>
      ) : null}
    </>
  );
}
